/** Schedules in words: recurrence, targets, what plays, priority (translated, no raw enums or ids). */
import { formatDate, formatTime, type Lang, type Translate } from '../../core/i18n';
import type { Me } from '../../core/session';
import { parseRrule, type Repeat } from './rrule';
import type { MessageKey } from './messages';
import {
  PRIORITIES,
  type ClusterRow,
  type Priority,
  type ScheduleView,
  type Target,
  type UnitRef,
} from './types';

type T = Translate<MessageKey>;

export function priorityLabel(t: T, priority: string): string {
  return (PRIORITIES as readonly string[]).includes(priority)
    ? t(`prio_${priority}` as MessageKey)
    : priority;
}

export function weekdayName(t: T, day: number, short = false): string {
  return t(`${short ? 'wds' : 'wd'}${day}` as MessageKey);
}

/** 'HH:mm' of a schedule's local start ('YYYY-MM-DDTHH:mm:ss'). */
export function startTime(start: string): string {
  return start.slice(11, 16);
}

export function describeRepeat(t: T, repeat: Repeat, start: string, lang: Lang): string {
  const time = startTime(start);
  switch (repeat.kind) {
    case 'none':
      return t('desc_once', { date: formatDate(start.slice(0, 10), lang), time });
    case 'hourly':
      return repeat.minutes.length
        ? t('desc_hourly', { minutes: repeat.minutes.join(', ') })
        : t('desc_hourlyPlain');
    case 'daily':
      return repeat.interval > 1 ? t('desc_dailyN', { n: repeat.interval, time }) : t('desc_daily', { time });
    case 'weekly': {
      const days = (repeat.days.length ? repeat.days : [weekdayOfLocal(start)])
        .map((d) => weekdayName(t, d))
        .join(', ');
      return repeat.interval > 1
        ? t('desc_weeklyN', { n: repeat.interval, days, time })
        : t('desc_weekly', { days, time });
    }
    case 'monthly': {
      const day = repeat.monthDay ?? Number(start.slice(8, 10));
      return repeat.interval > 1
        ? t('desc_monthlyN', { n: repeat.interval, day, time })
        : t('desc_monthly', { day, time });
    }
    case 'custom':
      return t('desc_custom', { rrule: repeat.rrule });
  }
}

function weekdayOfLocal(start: string): number {
  return (new Date(`${start.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** "Hằng tuần vào Thứ Hai, lúc 06:00, từ 1/12/2026 đến 31/5/2027". */
export function describeSchedule(
  t: T,
  s: Pick<ScheduleView, 'rrule' | 'start' | 'validFrom' | 'validUntil'>,
  lang: Lang,
): string {
  const base = describeRepeat(t, parseRrule(s.rrule), s.start, lang);
  const limits: string[] = [];
  if (s.rrule) {
    if (s.validFrom) limits.push(t('desc_from', { date: formatDate(s.validFrom, lang) }));
    if (s.validUntil) limits.push(t('desc_until', { date: formatDate(s.validUntil, lang) }));
  }
  return limits.length ? `${base}, ${limits.join(' ')}` : base;
}

export function describeTarget(
  t: T,
  target: Target,
  communeId: string,
  villages: readonly UnitRef[],
  clusters: readonly ClusterRow[],
): string {
  const parts: string[] = [];
  const units = target.unitIds ?? [];
  if (units.includes(communeId)) parts.push(t('tg_commune'));
  if (units.some((u) => u !== communeId)) parts.push(t('tg_other'));
  if (target.villageIds?.length) {
    const names = target.villageIds.map((id) => villages.find((v) => v.id === id)?.name ?? '?');
    parts.push(t('tg_villages', { names: names.join(', ') }));
  }
  if (target.clusterIds?.length) {
    const names = target.clusterIds.map((id) => clusters.find((c) => c.id === id)?.name ?? '?');
    parts.push(t('tg_clusters', { names: names.join(', ') }));
  }
  if (target.groupIds?.length) parts.push(t('tg_groups', { n: target.groupIds.length }));
  return parts.join('; ');
}

/**
 * Who set a schedule owned above the commune: short ("Lịch của huyện", "Lịch của thành phố" — the unit's
 * own kind in Vietnamese, its level in English) and with the unit's name.
 */
export function ownerOf(
  t: T,
  lang: Lang,
  s: { fromAbove: boolean; ownerLevel: string; ownerName: string; ownerType?: string | null },
): { short: string; long: string } | null {
  if (!s.fromAbove) return null;
  const level = s.ownerLevel === 'province' || s.ownerLevel === 'district' ? s.ownerLevel : 'other';
  const short =
    lang === 'vi' && s.ownerType
      ? t('ownerOfType', { type: s.ownerType.toLocaleLowerCase('vi') })
      : t(`owner_${level}` as MessageKey);
  return { short, long: s.ownerName ? t('ownerLong', { name: s.ownerName }) : short };
}

export function contentName(
  t: T,
  s: Pick<ScheduleView, 'assetId' | 'programId'> & { contentName?: string | null },
  media: ReadonlyMap<string, string>,
  programs: ReadonlyMap<string, string>,
): string {
  if (s.contentName) return s.programId ? t('program', { name: s.contentName }) : s.contentName;
  if (s.programId) {
    const name = programs.get(s.programId);
    return name ? t('program', { name }) : t('unknownMedia');
  }
  return (s.assetId && media.get(s.assetId)) || t('unknownMedia');
}

const RANK: Record<Priority, number> = { routine: 0, commune: 1, district: 2, province: 3, emergency: 4 };

/** The highest priority this person may schedule at (mirrors the server's rule; it checks again). */
export function maxPriority(me: Me): Priority {
  if (me.permissions.includes('broadcasts.emergency')) return 'emergency';
  if (!me.scope || me.scope.level === 'province') return 'province';
  return me.scope.level === 'district' ? 'district' : 'commune';
}

export function allowedPriorities(me: Me): Priority[] {
  const max = RANK[maxPriority(me)];
  return PRIORITIES.filter((p) => RANK[p] <= max);
}

export function mayUsePriority(me: Me, priority: string): boolean {
  return (
    (PRIORITIES as readonly string[]).includes(priority) &&
    RANK[priority as Priority] <= RANK[maxPriority(me)]
  );
}

/** "14:00–14:30", or "14:00" when both ends fall in the same minute (an 8-second chime). */
export function timeRange(from: string, to: string, lang: Lang): string {
  const a = formatTime(from, lang);
  const b = formatTime(to, lang);
  return a === b ? a : `${a}–${b}`;
}
