import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import { alertMessages } from './alerts-messages';
import { ruleLabel, type AlertView } from './alerts-model';

interface BulkResult {
  acknowledged: number;
  skipped: string[];
}

/** Acknowledge one alert or many at once, with an optional note. */
export function AcknowledgeDialog(props: {
  alerts: AlertView[] | null;
  onClose: () => void;
  onDone: (updated: AlertView | null) => void;
}) {
  const t = useT(alertMessages);
  const c = useT(common);
  const lang = useLang();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const targets = props.alerts ?? [];
  useEffect(() => {
    setNote('');
    setError(undefined);
  }, [props.alerts]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = note.trim() ? { note: note.trim() } : {};
    try {
      if (targets.length === 1) {
        const updated = await api.post<AlertView>(`/alerts/${targets[0].id}/acknowledge`, body);
        toast(t('acknowledged'));
        props.onDone(updated);
      } else {
        const result = await api.post<BulkResult>('/alerts/acknowledge', {
          ...body,
          ids: targets.map((a) => a.id),
        });
        toast(t('acknowledgedMany', { n: result.acknowledged }));
        if (result.skipped.length) toast(t('skipped', { n: result.skipped.length }), 'warn');
        props.onDone(null);
      }
    } catch (err) {
      if (err instanceof ApiError && err.field('note')) setError(err.field('note'));
      else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={targets.length > 0}
      title={t('acknowledgeTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            {targets.length > 1 ? t('acknowledgeSelected', { n: targets.length }) : t('acknowledge')}
          </Button>
        </>
      }
    >
      <form id="alert-ack-form" onSubmit={submit}>
        <p>{t('acknowledgeIntro')}</p>
        {targets.length === 1 ? (
          <p>
            <strong>{ruleLabel(targets[0].rule, lang)}</strong> · {targets[0].clusterName}
          </p>
        ) : (
          <p>{t('acknowledgeMany', { n: targets.length })}</p>
        )}
        <Field label={t('note')} hint={t('noteHint')} error={error}>
          {(attrs) => (
            <textarea
              {...attrs}
              rows={3}
              maxLength={500}
              value={note}
              onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
            />
          )}
        </Field>
      </form>
    </Modal>
  );
}

/** Close an alert by hand, after a confirmation, with an optional note. */
export function ResolveDialog(props: {
  alert: AlertView | null;
  onClose: () => void;
  onDone: (updated: AlertView) => void;
}) {
  const t = useT(alertMessages);
  const c = useT(common);
  const lang = useLang();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setNote('');
    setError(undefined);
  }, [props.alert]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!props.alert) return;
    setBusy(true);
    try {
      const updated = await api.post<AlertView>(
        `/alerts/${props.alert.id}/resolve`,
        note.trim() ? { note: note.trim() } : {},
      );
      toast(t('resolved'));
      props.onDone(updated);
    } catch (err) {
      if (err instanceof ApiError && err.field('note')) setError(err.field('note'));
      else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.alert !== null}
      title={t('resolveTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('cancel')}
          </Button>
          <Button variant="danger" busy={busy} onClick={submit}>
            {t('resolve')}
          </Button>
        </>
      }
    >
      {props.alert ? (
        <form id="alert-resolve-form" onSubmit={submit}>
          <p>
            <strong>{ruleLabel(props.alert.rule, lang)}</strong> · {props.alert.clusterName}
          </p>
          <p class="notice notice-warn">{t('resolveIntro')}</p>
          <Field label={t('resolveNote')} error={error}>
            {(attrs) => (
              <textarea
                {...attrs}
                rows={3}
                maxLength={500}
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            )}
          </Field>
        </form>
      ) : null}
    </Modal>
  );
}
