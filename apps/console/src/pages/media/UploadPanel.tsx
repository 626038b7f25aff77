import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { formatBytes, useT, type Translate } from '../../core/i18n';
import { Badge, Button } from '../../ui/components';
import { Icon } from '../../ui/icons';
import {
  ACCEPT,
  assetProgress,
  looksLikeAudio,
  pollDelayMs,
  titleFromFileName,
  uploadErrorKind,
  uploadLimitMiB,
  uploadPercent,
  type UploadPhase,
} from './media-format';
import { messages, type MediaKey } from './messages';
import { uploadMedia } from './upload';
import type { MediaAsset } from './types';

interface UploadItem {
  key: number;
  name: string;
  size: number;
  phase: UploadPhase;
  percent: number;
  error?: string;
  abort?: () => void;
}

/** The operator's words for a refused upload (the server's own text is English and technical). */
export function uploadErrorText(err: unknown, t: Translate<MediaKey>): string {
  if (!(err instanceof ApiError)) return t('errOther', { message: String(err) });
  switch (uploadErrorKind(err.status)) {
    case 'tooLarge': {
      const limit = uploadLimitMiB(err.message);
      return limit === null ? t('errTooLargeNoLimit') : t('errTooLarge', { limit });
    }
    case 'notAudio':
      return t('errNotAudio');
    case 'invalid':
      return t('errInvalid', { message: err.fields[0]?.message ?? err.message });
    case 'forbidden':
      return t('errForbidden');
    case 'network':
      return t('errNetwork');
    case 'sessionEnded':
      return t('errSession');
    default:
      return t('errOther', { message: err.message });
  }
}

let seq = 0;

/**
 * Drop zone and file picker; each file goes up with its own progress bar (bytes sent, then the server's
 * transcoding progress, polled) until it is ready or refused. `onAsset` gets every new state of an asset.
 */
export function UploadPanel(props: {
  unitId?: string;
  onAsset: (asset: MediaAsset) => void;
  /** The page's "upload" button opens the picker through this. */
  pickerRef: { current: (() => void) | null };
}) {
  const t = useT(messages);
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const alive = useRef(true);
  const onAsset = useRef(props.onAsset);
  onAsset.current = props.onAsset;
  useEffect(() => {
    alive.current = true;
    props.pickerRef.current = () => input.current?.click();
    return () => {
      alive.current = false;
      props.pickerRef.current = null;
    };
  }, []);

  const update = (key: number, patch: Partial<UploadItem>) =>
    alive.current && setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  async function follow(key: number, asset: MediaAsset) {
    let current = asset;
    for (let attempt = 0; alive.current; attempt++) {
      const progress = assetProgress(current);
      update(key, {
        phase: progress.phase,
        percent: progress.percent,
        error:
          current.status === 'failed'
            ? t('errTranscode', { reason: current.failureReason ?? '—' })
            : undefined,
      });
      onAsset.current(current);
      if (current.status !== 'processing') return;
      await new Promise((resolve) => setTimeout(resolve, pollDelayMs(attempt)));
      if (!alive.current) return;
      try {
        current = await api.get<MediaAsset>(`/media/${current.id}`);
      } catch (err) {
        // A poll that fails (network blip) is retried; a gone asset ends the follow.
        if (err instanceof ApiError && err.status === 404) return;
      }
    }
  }

  function start(file: File) {
    const key = ++seq;
    if (!looksLikeAudio(file.name, file.type)) {
      setItems((list) => [
        ...list,
        {
          key,
          name: file.name,
          size: file.size,
          phase: 'failed',
          percent: 0,
          error: t('errNotAudioLocal', { name: file.name }),
        },
      ]);
      return;
    }
    const upload = uploadMedia<MediaAsset>(file, {
      // Sent as a field (UTF-8): the server's multipart parser reads file names as Latin-1.
      title: titleFromFileName(file.name).slice(0, 200),
      unitId: props.unitId,
      onProgress: (loaded, total) => update(key, { percent: uploadPercent(loaded, total) }),
    });
    setItems((list) => [
      ...list,
      { key, name: file.name, size: file.size, phase: 'uploading', percent: 0, abort: upload.abort },
    ]);
    upload.promise.then(
      (asset) => {
        update(key, { abort: undefined });
        return follow(key, asset);
      },
      (err: unknown) =>
        update(key, { phase: 'failed', percent: 0, abort: undefined, error: uploadErrorText(err, t) }),
    );
  }

  function startAll(files: FileList | null | undefined) {
    if (!files) return;
    for (const file of Array.from(files)) start(file);
  }

  return (
    <section class="media-upload">
      <div
        class={`media-drop${dragging ? ' media-drop-active' : ''}`}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          startAll(e.dataTransfer?.files);
        }}
      >
        <Icon name="music" size={28} class="media-drop-icon" />
        <p>
          {dragging ? (
            t('dropActive')
          ) : (
            <>
              {t('dropHere')}{' '}
              <button type="button" class="link-btn" onClick={() => input.current?.click()}>
                {t('chooseFiles')}
              </button>
            </>
          )}
        </p>
        <p class="muted media-drop-hint">{t('dropHint')}</p>
        <input
          ref={input}
          type="file"
          class="sr-only"
          tabIndex={-1}
          accept={ACCEPT}
          multiple
          aria-label={t('upload')}
          onChange={(e) => {
            const el = e.currentTarget;
            startAll(el.files);
            el.value = '';
          }}
        />
      </div>
      {items.length > 0 ? (
        <div class="media-uploads">
          <h2 class="sr-only">{t('uploadsHeading')}</h2>
          <ul>
            {items.map((item) => (
              <UploadRow
                key={item.key}
                item={item}
                t={t}
                onDismiss={() => setItems((list) => list.filter((i) => i.key !== item.key))}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function UploadRow(props: { item: UploadItem; t: Translate<MediaKey>; onDismiss: () => void }) {
  const { item, t } = props;
  const label =
    item.phase === 'uploading'
      ? t('uploading', { percent: item.percent })
      : item.phase === 'transcoding'
        ? t('transcoding', { percent: item.percent })
        : item.phase === 'ready'
          ? t('uploadReady')
          : t('uploadFailed');
  const busy = item.phase === 'uploading' || item.phase === 'transcoding';
  return (
    <li class={`media-upload-item media-upload-${item.phase}`}>
      <div class="media-upload-head">
        <strong class="media-upload-name">{item.name}</strong>
        <span class="muted">{formatBytes(item.size)}</span>
        <span class="spacer" />
        {item.phase === 'ready' ? (
          <span role="status">
            <Badge tone="ok">{label}</Badge>
          </span>
        ) : null}
        {item.phase === 'failed' ? <Badge tone="bad">{label}</Badge> : null}
        {item.abort ? (
          <Button variant="ghost" onClick={item.abort}>
            {t('cancelUpload')}
          </Button>
        ) : !busy ? (
          <Button variant="ghost" onClick={props.onDismiss} aria-label={`${t('dismiss')}: ${item.name}`}>
            {t('dismiss')}
          </Button>
        ) : null}
      </div>
      {busy ? (
        <div class="media-progress-wrap">
          <div
            class={`media-progress media-progress-${item.phase}`}
            role="progressbar"
            aria-label={`${item.name}: ${label}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={item.percent}
            aria-valuetext={label}
          >
            <div class="media-progress-bar" style={{ width: `${item.percent}%` }} />
          </div>
          <span class="media-progress-label" aria-hidden="true">
            {label}
          </span>
        </div>
      ) : null}
      {item.error ? (
        <p class="notice notice-bad media-upload-error" role="alert">
          {item.error}
        </p>
      ) : null}
    </li>
  );
}
