import { useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import { messages } from './messages';
import type { MediaAsset } from './types';

/** One row's buttons: listen (once ready), rename and delete (own assets, with media.write). */
export function MediaActions(props: {
  asset: MediaAsset;
  mayWrite: boolean;
  onPreview: () => void;
  onChanged: (asset: MediaAsset) => void;
  onDeleted: () => void;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const { asset } = props;
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  return (
    <div class="media-actions">
      <Button
        variant="secondary"
        disabled={asset.status !== 'ready'}
        aria-label={t('listenTo', { title: asset.title })}
        onClick={props.onPreview}
      >
        {t('listen')}
      </Button>
      {props.mayWrite ? (
        <>
          <Button
            variant="ghost"
            aria-label={`${t('rename')}: ${asset.title}`}
            onClick={() => setDialog('rename')}
          >
            {t('rename')}
          </Button>
          <Button
            variant="ghost"
            class="media-delete"
            aria-label={`${tc('delete')}: ${asset.title}`}
            onClick={() => setDialog('delete')}
          >
            {tc('delete')}
          </Button>
        </>
      ) : null}
      {dialog === 'rename' ? (
        <RenameDialog
          asset={asset}
          onClose={() => setDialog(null)}
          onDone={(next) => {
            setDialog(null);
            props.onChanged(next);
          }}
        />
      ) : null}
      {dialog === 'delete' ? (
        <DeleteDialog
          asset={asset}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            props.onDeleted();
          }}
        />
      ) : null}
    </div>
  );
}

function RenameDialog(props: {
  asset: MediaAsset;
  onClose: () => void;
  onDone: (asset: MediaAsset) => void;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const [title, setTitle] = useState(props.asset.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const next = await api.patch<MediaAsset>(`/media/${props.asset.id}`, { title });
      toast(t('renamed'));
      props.onDone(next);
    } catch (err) {
      if (err instanceof ApiError && err.field('title')) setError(err.field('title'));
      else toastError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title={t('renameTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={(e) => void submit(e)}>
            {tc('save')}
          </Button>
        </>
      }
    >
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('newName')} required error={error}>
          {(attrs) => (
            <input
              {...attrs}
              value={title}
              maxLength={200}
              required
              class="media-wide-input"
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          )}
        </Field>
      </form>
    </Modal>
  );
}

function DeleteDialog(props: { asset: MediaAsset; onClose: () => void; onDone: () => void }) {
  const t = useT(messages);
  const tc = useT(common);
  const [busy, setBusy] = useState(false);
  const [uses, setUses] = useState<string[] | null>(null);
  async function confirm() {
    setBusy(true);
    try {
      await api.delete(`/media/${props.asset.id}`);
      toast(t('deleted', { title: props.asset.title }));
      props.onDone();
    } catch (err) {
      const body = err instanceof ApiError ? (err.body as { uses?: unknown } | null) : null;
      if (err instanceof ApiError && err.status === 409 && Array.isArray(body?.uses))
        setUses(body.uses as string[]);
      else toastError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title={t('deleteTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <Button variant="danger" busy={busy} disabled={uses !== null} onClick={() => void confirm()}>
            {tc('delete')}
          </Button>
        </>
      }
    >
      <p>{t('deleteConfirm', { title: props.asset.title })}</p>
      {uses ? (
        <div class="notice notice-bad" role="alert">
          <p>{t('inUse')}</p>
          <ul>
            {uses.map((u) => (
              <li key={u}>{u}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </Modal>
  );
}
