import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { formatDuration, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import type { CommuneData, Library } from './data';
import { messages, type MessageKey } from './messages';
import { WEEKDAY_CODES, type RepeatKind } from './rrule';
import {
  bodyOf,
  checkForm,
  formFromSchedule,
  newForm,
  rruleOf,
  withRepeat,
  withRruleText,
  type FormErrors,
  type FormState,
} from './schedule-form';
import { allowedPriorities, priorityLabel, timeRange, weekdayName } from './schedule-text';
import { TargetPicker } from './TargetPicker';
import type { ClashView, ScheduleView } from './types';

const REPEATS: RepeatKind[] = ['none', 'daily', 'weekly', 'monthly', 'hourly', 'custom'];

/** Server field names → the form field that shows the message. */
const FIELD_OF: Record<string, keyof FormErrors> = {
  title: 'title',
  programId: 'content',
  assetId: 'content',
  start: 'start',
  rrule: 'rrule',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
  exdates: 'rrule',
  volume: 'volume',
  target: 'target',
};

/** Create or edit one schedule: what, when (once or repeating), where, priority. */
export function ScheduleEditor(props: {
  open: boolean;
  schedule: ScheduleView | null;
  defaults: { date: string; time: string };
  commune: CommuneData;
  library: Library | undefined;
  onClose: () => void;
  onSaved: (saved: ScheduleView) => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const priorities = allowedPriorities(me);
  const communeId = props.commune.unit.id;
  const initial = (): FormState =>
    props.schedule
      ? formFromSchedule(props.schedule, communeId)
      : newForm({
          ...props.defaults,
          priority: priorities.includes('commune') ? 'commune' : priorities[priorities.length - 1],
        });
  const [form, setForm] = useState<FormState>(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<ClashView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);
  // A refusal shows at the top of the form: bring it into view however far down the person was.
  useEffect(() => {
    if (conflicts || general) noticeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [conflicts, general]);

  useEffect(() => {
    if (!props.open) return;
    setForm(initial());
    setErrors({});
    setGeneral(null);
    setConflicts(null);
    // a new editing session each time it opens (another schedule, or a new one)
  }, [props.open, props.schedule?.id, props.schedule?.revision]);

  const set = (patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    setConflicts(null);
  };

  const submit = async (force = false) => {
    const local = checkForm(form);
    const localErrors: FormErrors = {};
    for (const [field, key] of Object.entries(local))
      localErrors[field as keyof FormErrors] = t(key as MessageKey);
    setErrors(localErrors);
    setGeneral(null);
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    try {
      const body = { ...bodyOf(form, communeId), ...(force ? { force: true } : {}) };
      const saved = props.schedule
        ? await api.patch<ScheduleView>(`/schedules/${props.schedule.id}`, {
            ...body,
            revision: props.schedule.revision,
          })
        : await api.post<ScheduleView>('/schedules', body);
      toast(t(props.schedule ? 'updated' : 'created', { title: saved.title }));
      const preempts = saved.clashes.filter((x) => x.kind === 'preempts').length;
      const preempted = saved.clashes.filter((x) => x.kind === 'preempted').length;
      if (preempts) toast(t('preemptsNotice', { n: preempts }), 'info');
      if (preempted) toast(t('preemptedNotice', { n: preempted }), 'warn');
      props.onSaved(saved);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const showError = (err: unknown) => {
    if (!(err instanceof ApiError)) return toastError(err);
    const body = (err.body ?? {}) as { clashes?: ClashView[] };
    if (err.status === 409 && Array.isArray(body.clashes)) {
      setConflicts(body.clashes);
      return;
    }
    if (err.status === 409) return setGeneral(t('errChanged'));
    if (err.fields.length > 0) {
      const next: FormErrors = {};
      const unplaced: string[] = [];
      for (const f of err.fields) {
        const field = FIELD_OF[f.field.split('.')[0]];
        const text = fieldText(f.rule, f.message);
        if (field) next[field] = next[field] ? `${next[field]} ${text}` : text;
        else unplaced.push(text);
      }
      setErrors(next);
      if (unplaced.length) setGeneral(unplaced.join(' '));
      return;
    }
    setGeneral(err.message);
  };

  const fieldText = (rule: string | undefined, message: string) => {
    if (rule === 'recurrence') return t('errRecurrence', { message });
    if (rule === 'duration') return t('errDuration');
    if (rule === 'usable') return t('errUnusable');
    return message;
  };

  const media = (props.library?.media ?? []).filter(
    (m) => m.status !== 'failed' || form.content === `asset:${m.id}`,
  );
  const programs = props.library?.programs ?? [];
  const rrule = rruleOf(form);
  const monthDay = Number(form.date.slice(8, 10)) || 1;
  const intervalUnit =
    form.repeat === 'daily'
      ? t('fIntervalDays')
      : form.repeat === 'weekly'
        ? t('fIntervalWeeks')
        : t('fIntervalMonths');

  const footer = (
    <>
      <Button onClick={props.onClose}>{c('cancel')}</Button>
      <Button variant="primary" busy={busy} onClick={() => void submit(false)}>
        {c('save')}
      </Button>
    </>
  );

  return (
    <Modal
      open={props.open}
      title={props.schedule ? t('editorEdit') : t('editorNew')}
      onClose={props.onClose}
      footer={footer}
      wide
    >
      <form
        id="sched-editor-form"
        class="sched-editor"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit(false);
        }}
      >
        <div ref={noticeRef} />
        {general ? (
          <div class="notice notice-bad" role="alert">
            {general}
          </div>
        ) : null}
        {conflicts ? (
          <div class="notice notice-warn sched-conflicts" role="alert">
            <strong>{t('conflictHeading')}</strong>
            <p>{t('conflictText')}</p>
            <ul>
              {conflicts.slice(0, 8).map((x) => (
                <li key={`${x.scheduleId}|${x.from}`}>
                  {t('clash_conflict', {
                    title: x.scheduleTitle,
                    priority: priorityLabel(t, x.priority),
                    n: x.clusterCount,
                    when: timeRange(x.from, x.to, lang),
                  })}
                </li>
              ))}
            </ul>
            <Button variant="danger" busy={busy} onClick={() => void submit(true)}>
              {t('forceSave')}
            </Button>
          </div>
        ) : null}
        <div class="grid grid-2">
          <div>
            <Field label={t('fTitle')} required error={errors.title}>
              {(attrs) => (
                <input
                  {...attrs}
                  type="text"
                  maxLength={200}
                  placeholder={t('fTitlePlaceholder')}
                  value={form.title}
                  onInput={(e) => set({ title: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('fWhat')} hint={t('fWhatHint')} required error={errors.content}>
              {(attrs) => (
                <select
                  {...attrs}
                  value={form.content}
                  onChange={(e) => set({ content: e.currentTarget.value })}
                >
                  <option value="">{t('fWhatChoose')}</option>
                  {media.length > 0 ? (
                    <optgroup label={t('groupMedia')}>
                      {media.map((m) => (
                        <option key={m.id} value={`asset:${m.id}`}>
                          {m.title} ({formatDuration(m.durationMs / 1000)}
                          {m.status === 'processing' ? `, ${t('mediaProcessing')}` : ''})
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                  {programs.length > 0 ? (
                    <optgroup label={t('groupPrograms')}>
                      {programs.map((p) => (
                        <option key={p.id} value={`program:${p.id}`}>
                          {p.name} ({formatDuration(p.durationMs / 1000)})
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                </select>
              )}
            </Field>
            <div class="sched-row2">
              <Field label={t('fDate')} required error={errors.start}>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="date"
                    value={form.date}
                    onInput={(e) => set({ date: e.currentTarget.value })}
                  />
                )}
              </Field>
              <Field label={t('fTime')} required>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="time"
                    value={form.time}
                    onInput={(e) => set({ time: e.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
            <Field label={t('fRepeat')}>
              {(attrs) => (
                <select
                  {...attrs}
                  value={form.repeat}
                  onChange={(e) => {
                    const kind = e.currentTarget.value as RepeatKind;
                    setForm((f) => withRepeat(f, kind));
                    setConflicts(null);
                  }}
                >
                  {REPEATS.map((k) => (
                    <option key={k} value={k}>
                      {t(`rp_${k}` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {form.repeat === 'weekly' ? (
              <fieldset class={`sched-weekdays${errors.days ? ' field-invalid' : ''}`}>
                <legend>{t('fDays')}</legend>
                {WEEKDAY_CODES.map((_, day) => (
                  <label key={day}>
                    <input
                      type="checkbox"
                      checked={form.days.includes(day)}
                      onChange={() =>
                        set({
                          days: form.days.includes(day)
                            ? form.days.filter((d) => d !== day)
                            : [...form.days, day].sort((a, b) => a - b),
                        })
                      }
                    />
                    <span>{weekdayName(t, day)}</span>
                  </label>
                ))}
                {errors.days ? (
                  <small class="error-text" role="alert">
                    {errors.days}
                  </small>
                ) : null}
              </fieldset>
            ) : null}
            {form.repeat === 'hourly' ? (
              <Field label={t('fMinutes')} hint={t('fMinutesHint')} error={errors.minutes}>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="text"
                    inputMode="numeric"
                    value={form.minutes}
                    onInput={(e) => set({ minutes: e.currentTarget.value })}
                  />
                )}
              </Field>
            ) : null}
            {form.repeat === 'daily' || form.repeat === 'weekly' || form.repeat === 'monthly' ? (
              <Field
                label={`${t('fInterval')} (${intervalUnit})`}
                hint={form.repeat === 'monthly' ? t('fMonthDayHint', { day: monthDay }) : undefined}
                error={errors.interval}
              >
                {(attrs) => (
                  <input
                    {...attrs}
                    type="number"
                    min={1}
                    max={999}
                    class="sched-narrow"
                    value={form.interval}
                    onInput={(e) => set({ interval: e.currentTarget.value })}
                  />
                )}
              </Field>
            ) : null}
            {form.repeat !== 'none' ? (
              <div class="sched-row2">
                <Field label={t('fValidFrom')} hint={t('fValidHint')} error={errors.validFrom}>
                  {(attrs) => (
                    <input
                      {...attrs}
                      type="date"
                      value={form.validFrom}
                      onInput={(e) => set({ validFrom: e.currentTarget.value })}
                    />
                  )}
                </Field>
                <Field label={t('fValidUntil')} error={errors.validUntil}>
                  {(attrs) => (
                    <input
                      {...attrs}
                      type="date"
                      value={form.validUntil}
                      onInput={(e) => set({ validUntil: e.currentTarget.value })}
                    />
                  )}
                </Field>
              </div>
            ) : null}
            <details class="sched-advanced" open={form.repeat === 'custom' || Boolean(errors.rrule)}>
              <summary>{t('fAdvanced')}</summary>
              <Field label={t('fRrule')} hint={t('fRruleHint')} error={errors.rrule}>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="text"
                    spellcheck={false}
                    class="sched-mono"
                    value={form.repeat === 'custom' ? form.rruleText : (rrule ?? '')}
                    onInput={(e) => set({ repeat: 'custom', rruleText: e.currentTarget.value })}
                    onBlur={(e) => setForm((f) => withRruleText(f, e.currentTarget.value))}
                  />
                )}
              </Field>
            </details>
            <div class="sched-row2">
              <Field label={t('priority')} hint={t('priorityHint')}>
                {(attrs) => (
                  <select
                    {...attrs}
                    value={form.priority}
                    onChange={(e) => set({ priority: e.currentTarget.value as FormState['priority'] })}
                  >
                    {priorities.map((p) => (
                      <option key={p} value={p}>
                        {priorityLabel(t, p)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('fVolume')} error={errors.volume}>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="number"
                    min={0}
                    max={100}
                    class="sched-narrow"
                    value={form.volume}
                    onInput={(e) => set({ volume: e.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
            <label class="sched-check">
              <input
                type="checkbox"
                checked={form.enabled}
                onChange={(e) => set({ enabled: e.currentTarget.checked })}
              />
              {t('fEnabled')}
            </label>
          </div>
          <div>
            <TargetPicker
              commune={props.commune}
              mode={form.targetMode}
              allowOther={
                Boolean(props.schedule) && formFromSchedule(props.schedule!, communeId).targetMode === 'other'
              }
              villageIds={form.villageIds}
              clusterIds={form.clusterIds}
              error={errors.target}
              onMode={(targetMode) => set({ targetMode })}
              onVillages={(villageIds) => set({ villageIds })}
              onClusters={(clusterIds) => set({ clusterIds })}
            />
          </div>
        </div>
      </form>
    </Modal>
  );
}
