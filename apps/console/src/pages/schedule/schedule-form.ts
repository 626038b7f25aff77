/*
 * The schedule form's state, its checks and the request body it becomes. Pure (no DOM): the editor renders
 * it, tests can read it.
 */
import { addDays, weekdayOf } from './calendar';
import { buildRrule, parseMinuteList, parseRrule, type Repeat, type RepeatKind } from './rrule';
import type { Priority, ScheduleView, Target } from './types';

export type TargetMode = 'commune' | 'villages' | 'clusters' | 'other';

export interface FormState {
  title: string;
  /** 'asset:<id>' or 'program:<id>', '' until chosen. */
  content: string;
  date: string;
  time: string;
  repeat: RepeatKind;
  interval: string;
  days: number[];
  minutes: string;
  /** The RRULE as typed in the advanced field (repeat = 'custom'). */
  rruleText: string;
  validFrom: string;
  validUntil: string;
  priority: Priority;
  volume: string;
  enabled: boolean;
  targetMode: TargetMode;
  villageIds: string[];
  clusterIds: string[];
}

export type FormErrors = Partial<
  Record<
    | 'title'
    | 'content'
    | 'start'
    | 'days'
    | 'minutes'
    | 'interval'
    | 'rrule'
    | 'validFrom'
    | 'validUntil'
    | 'volume'
    | 'target',
    string
  >
>;

/** Error keys the editor translates (messages.ts). */
export type FormErrorKey =
  | 'errTitle'
  | 'errWhat'
  | 'errDateTime'
  | 'errDays'
  | 'errMinutes'
  | 'errInterval'
  | 'errVolume'
  | 'errValidRange'
  | 'errTargetEmpty';

export function newForm(options: { date: string; time: string; priority: Priority }): FormState {
  return {
    title: '',
    content: '',
    date: options.date,
    time: options.time,
    repeat: 'none',
    interval: '1',
    days: [weekdayOf(options.date)],
    minutes: '0',
    rruleText: '',
    validFrom: '',
    validUntil: '',
    priority: options.priority,
    volume: '80',
    enabled: true,
    targetMode: 'commune',
    villageIds: [],
    clusterIds: [],
  };
}

function targetModeOf(target: Target, communeId: string): TargetMode {
  const units = target.unitIds ?? [];
  const villages = target.villageIds ?? [];
  const clusters = target.clusterIds ?? [];
  const groups = target.groupIds ?? [];
  const kinds = [units.length > 0, villages.length > 0, clusters.length > 0, groups.length > 0].filter(
    Boolean,
  );
  if (kinds.length !== 1) return 'other';
  if (units.length) return units.length === 1 && units[0] === communeId ? 'commune' : 'other';
  if (villages.length) return 'villages';
  if (clusters.length) return 'clusters';
  return 'other';
}

export function formFromSchedule(s: ScheduleView, communeId: string): FormState {
  const date = s.start.slice(0, 10);
  const repeat = parseRrule(s.rrule);
  const mode = targetModeOf(s.target, communeId);
  return {
    title: s.title,
    content: s.programId ? `program:${s.programId}` : s.assetId ? `asset:${s.assetId}` : '',
    date,
    time: s.start.slice(11, 16),
    repeat: repeat.kind,
    interval: 'interval' in repeat ? String(repeat.interval) : '1',
    days: repeat.kind === 'weekly' && repeat.days.length ? repeat.days : [weekdayOf(date)],
    minutes: repeat.kind === 'hourly' ? repeat.minutes.join(', ') : '0',
    rruleText: s.rrule ?? '',
    validFrom: s.validFrom ?? '',
    validUntil: s.validUntil ?? '',
    priority: s.priority,
    volume: String(s.volume),
    enabled: s.enabled,
    targetMode: mode,
    villageIds: mode === 'villages' ? [...(s.target.villageIds ?? [])] : [],
    clusterIds: mode === 'clusters' ? [...(s.target.clusterIds ?? [])] : [],
  };
}

function intervalOf(form: FormState): number {
  const n = Number(form.interval);
  return Number.isInteger(n) && n >= 1 && n <= 999 ? n : 1;
}

/** The structured repeat of the form (custom: the advanced text). */
export function repeatOf(form: FormState): Repeat {
  const interval = intervalOf(form);
  switch (form.repeat) {
    case 'none':
      return { kind: 'none' };
    case 'hourly':
      return { kind: 'hourly', minutes: parseMinuteList(form.minutes) ?? [] };
    case 'daily':
      return { kind: 'daily', interval };
    case 'weekly':
      return { kind: 'weekly', interval, days: form.days };
    case 'monthly':
      return { kind: 'monthly', interval, monthDay: Number(form.date.slice(8, 10)) || null };
    case 'custom':
      return { kind: 'custom', rrule: form.rruleText };
  }
}

export function rruleOf(form: FormState): string | null {
  return buildRrule(repeatOf(form), /^\d{4}-\d{2}-\d{2}$/.test(form.date) ? weekdayOf(form.date) : 0);
}

/** Switches the repeat kind, keeping what makes sense (weekly starts on the start date's weekday). */
export function withRepeat(form: FormState, kind: RepeatKind): FormState {
  const next = { ...form, repeat: kind };
  if (kind === 'weekly' && form.days.length === 0) next.days = [weekdayOf(form.date)];
  if (kind === 'custom') next.rruleText = rruleOf(form) ?? '';
  return next;
}

/** The advanced field was edited: a rule the form understands becomes structured again. */
export function withRruleText(form: FormState, text: string): FormState {
  const repeat = parseRrule(text);
  switch (repeat.kind) {
    case 'none':
      return { ...form, repeat: 'none', rruleText: '' };
    case 'hourly':
      return { ...form, repeat: 'hourly', minutes: repeat.minutes.join(', '), rruleText: text };
    case 'daily':
      return { ...form, repeat: 'daily', interval: String(repeat.interval), rruleText: text };
    case 'weekly':
      return {
        ...form,
        repeat: 'weekly',
        interval: String(repeat.interval),
        days: repeat.days.length ? repeat.days : [weekdayOf(form.date)],
        rruleText: text,
      };
    case 'monthly':
      // A month day other than the start's stays custom: the form derives it from the start date.
      if (repeat.monthDay !== null && repeat.monthDay !== Number(form.date.slice(8, 10)))
        return { ...form, repeat: 'custom', rruleText: text };
      return { ...form, repeat: 'monthly', interval: String(repeat.interval), rruleText: text };
    case 'custom':
      return { ...form, repeat: 'custom', rruleText: text };
  }
}

export function checkForm(form: FormState): Partial<Record<keyof FormErrors, FormErrorKey>> {
  const errors: Partial<Record<keyof FormErrors, FormErrorKey>> = {};
  if (!form.title.trim()) errors.title = 'errTitle';
  if (!form.content) errors.content = 'errWhat';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date) || !/^\d{2}:\d{2}$/.test(form.time))
    errors.start = 'errDateTime';
  if (form.repeat === 'weekly' && form.days.length === 0) errors.days = 'errDays';
  if (form.repeat === 'hourly' && parseMinuteList(form.minutes) === null) errors.minutes = 'errMinutes';
  if (['daily', 'weekly', 'monthly'].includes(form.repeat)) {
    const n = Number(form.interval);
    if (!Number.isInteger(n) || n < 1 || n > 999) errors.interval = 'errInterval';
  }
  const volume = Number(form.volume);
  if (form.volume.trim() === '' || !Number.isInteger(volume) || volume < 0 || volume > 100)
    errors.volume = 'errVolume';
  if (form.repeat !== 'none' && form.validFrom && form.validUntil && form.validUntil < form.validFrom)
    errors.validUntil = 'errValidRange';
  if (form.targetMode === 'villages' && form.villageIds.length === 0) errors.target = 'errTargetEmpty';
  if (form.targetMode === 'clusters' && form.clusterIds.length === 0) errors.target = 'errTargetEmpty';
  return errors;
}

export function targetOf(form: FormState, communeId: string): Target | undefined {
  switch (form.targetMode) {
    case 'commune':
      return { unitIds: [communeId] };
    case 'villages':
      return { villageIds: [...form.villageIds] };
    case 'clusters':
      return { clusterIds: [...form.clusterIds] };
    case 'other':
      return undefined;
  }
}

/** The body of POST /schedules (or PATCH: `target` left out keeps the current one). */
export function bodyOf(form: FormState, communeId: string): Record<string, unknown> {
  const [kind, id] = form.content.split(':');
  const recurring = form.repeat !== 'none';
  const body: Record<string, unknown> = {
    title: form.title.trim(),
    ...(kind === 'program' ? { programId: id } : { assetId: id }),
    start: `${form.date}T${form.time}`,
    rrule: rruleOf(form),
    validFrom: recurring && form.validFrom ? form.validFrom : null,
    validUntil: recurring && form.validUntil ? form.validUntil : null,
    priority: form.priority,
    volume: Number(form.volume),
    enabled: form.enabled,
  };
  const target = targetOf(form, communeId);
  if (target) body.target = target;
  return body;
}

/** Default start of a new schedule: the next full hour (tomorrow when it is late), or a chosen day. */
export function defaultStart(nowLocal: string, chosenDate?: string): { date: string; time: string } {
  const today = nowLocal.slice(0, 10);
  const hour = Number(nowLocal.slice(11, 13));
  if (chosenDate && chosenDate > today) return { date: chosenDate, time: '06:00' };
  if (hour >= 23) return { date: addDays(today, 1), time: '06:00' };
  return { date: today, time: `${String(hour + 1).padStart(2, '0')}:00` };
}
