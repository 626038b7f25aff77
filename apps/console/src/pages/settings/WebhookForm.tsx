import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { SEVERITY_WORDS } from '../alerts/alerts-model';
import { fieldErrors, type FieldErrors } from '../registry/form-errors';
import { messages } from './messages';
import { SEVERITIES, type Severity } from './rules-model';
import { EVENT_WORDS, WEBHOOK_EVENTS, type WebhookView } from './webhooks-model';

/** Creates a webhook (its secret comes back once) or changes one. */
export function WebhookForm(props: {
  open: boolean;
  webhook: WebhookView | null;
  onClose: () => void;
  onSaved: (saved: WebhookView) => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const editing = props.webhook;
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [unitId, setUnitId] = useState<string | null>(null);
  const [events, setEvents] = useState<Set<string>>(new Set(WEBHOOK_EVENTS));
  const [minSeverity, setMinSeverity] = useState<Severity>('minor');
  const [active, setActive] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!props.open) return;
    setName(editing?.name ?? '');
    setUrl(editing?.url ?? '');
    setUnitId(editing ? (editing.unit?.id ?? null) : (me.scope?.unitId ?? null));
    setEvents(new Set(editing?.events ?? WEBHOOK_EVENTS));
    setMinSeverity(editing?.minSeverity ?? 'minor');
    setActive(editing?.active ?? true);
    setErrors({});
  }, [props.open, editing?.id]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!name.trim()) local.name = t('required');
    if (!/^https?:\/\/\S+$/i.test(url.trim())) local.url = t('urlInvalid');
    if (events.size === 0) local.events = t('eventsRequired');
    if (Object.values(local).some(Boolean)) return setErrors(local);
    setBusy(true);
    setErrors({});
    const body = {
      name: name.trim(),
      url: url.trim(),
      events: WEBHOOK_EVENTS.filter((ev) => events.has(ev)),
      minSeverity,
      unitId,
      active,
    };
    try {
      const saved = editing
        ? await api.patch<WebhookView>(`/webhooks/${editing.id}`, body)
        : await api.post<WebhookView>('/webhooks', body);
      toast(t('webhookSaved', { name: saved.name }));
      props.onSaved(saved);
    } catch (err) {
      const fields = fieldErrors(err, lang);
      if (fields) {
        // A URL of a private network is refused by the server's own rule: say why.
        if (err instanceof ApiError && err.fields.some((f) => f.rule === 'publicTarget'))
          fields.url = lang === 'vi' ? t('urlPrivate') : fields.url;
        setErrors(fields);
      } else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (ev: string, on: boolean) =>
    setEvents((s) => {
      const next = new Set(s);
      if (on) next.add(ev);
      else next.delete(ev);
      return next;
    });

  return (
    <Modal
      open={props.open}
      wide
      title={editing ? t('editWebhookTitle', { name: editing.name }) : t('newWebhookTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            {c('save')}
          </Button>
        </>
      }
    >
      <form class="settings-form" onSubmit={submit} noValidate>
        <p class="muted">{t('webhookIntro')}</p>
        <Field label={t('webhookName')} hint={t('webhookNameHint')} error={errors.name} required>
          {(attrs) => (
            <input
              {...attrs}
              maxLength={200}
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field label={t('webhookUrl')} hint={t('webhookUrlHint')} error={errors.url} required>
          {(attrs) => (
            <input
              {...attrs}
              type="url"
              inputMode="url"
              maxLength={2000}
              spellcheck={false}
              autoComplete="off"
              value={url}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <UnitPicker
          label={t('webhookUnit')}
          value={unitId}
          deepest="commune"
          hint={me.scope ? t('webhookUnitHint') : t('webhookUnitHintAll')}
          error={errors.unitId}
          onChange={(u) => setUnitId(u?.id ?? null)}
        />
        <fieldset class="settings-events">
          <legend>{t('webhookEvents')}</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label class="registry-check" key={ev}>
              <input
                type="checkbox"
                checked={events.has(ev)}
                onChange={(e) => toggle(ev, (e.target as HTMLInputElement).checked)}
              />
              <span>
                {EVENT_WORDS[ev][lang]}
                {ev === 'alert.group' ? <small class="hint">{t('groupHint')}</small> : null}
              </span>
            </label>
          ))}
          {errors.events ? (
            <p class="error-text" role="alert">
              {errors.events}
            </p>
          ) : null}
        </fieldset>
        <div class="registry-form-row">
          <Field label={t('minSeverity')} hint={t('minSeverityHint')} error={errors.minSeverity}>
            {(attrs) => (
              <select
                {...attrs}
                value={minSeverity}
                onChange={(e) => setMinSeverity((e.target as HTMLSelectElement).value as Severity)}
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s === 'minor' ? t('severityAll') : t('severityFrom', { s: SEVERITY_WORDS[s][lang] })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <label class="registry-check">
          <input
            type="checkbox"
            checked={active}
            onChange={(e) => setActive((e.target as HTMLInputElement).checked)}
          />
          <span>
            {t('webhookActive')}
            <small class="hint">{t('webhookActiveHint')}</small>
          </span>
        </label>
        <button type="submit" class="sr-only" tabIndex={-1} aria-hidden="true" />
      </form>
    </Modal>
  );
}
