/** What one calendar block says (time, title, content, priority, readiness, marks), shared by every view. */
import { formatTime, type Lang, type Translate } from '../../core/i18n';
import {
  combineReadiness,
  marksOf,
  readinessOf,
  readinessTone,
  type Block,
  type ClashMarks,
  type Readiness,
  type ReadinessKind,
} from './calendar';
import { Glyph, type GlyphName } from './glyphs';
import type { MessageKey } from './messages';
import { contentName, ownerOf, priorityLabel } from './schedule-text';
import type { CalendarOccurrence } from './types';

type T = Translate<MessageKey>;

export interface Names {
  media: ReadonlyMap<string, string>;
  programs: ReadonlyMap<string, string>;
}

export interface BlockInfo {
  time: string;
  title: string;
  what: string;
  priority: string;
  priorityKey: string;
  /** null for a disabled schedule: it does not play, so there is nothing to be ready for. */
  readiness: Readiness | null;
  readinessText: string;
  marks: ClashMarks & { disabled: boolean };
  /** Set by the district or province above: who, short and in full. */
  owner: { short: string; long: string } | null;
  count: number;
  aria: string;
  /** Words a screen reader adds to the visible text: whose schedule it is and every mark in full. */
  srDetails: string;
}

export function readinessText(t: T, r: Readiness): string {
  return t(`rd_${r.kind}` as MessageKey, { n: r.count, total: r.total });
}

const READINESS_GLYPH: Record<ReadinessKind, GlyphName> = {
  ready: 'ready',
  played: 'ready',
  partial: 'pending',
  notSent: 'pending',
  playing: 'playing',
  failed: 'failed',
  missed: 'failed',
  noTargets: 'failed',
  skipped: 'skipped',
};

export function blockInfo(
  t: T,
  lang: Lang,
  block: Block<CalendarOccurrence>,
  names: Names,
  now: number,
): BlockInfo {
  const first = block.items[0];
  const last = block.items[block.items.length - 1];
  const s = first.schedule;
  const count = block.items.length;
  const time =
    count > 1
      ? `${formatTime(new Date(first.start), lang)}–${formatTime(new Date(last.start), lang)}`
      : formatTime(new Date(first.start), lang);
  const readiness = s.enabled
    ? combineReadiness(block.items.map((i) => readinessOf(i.occurrence, now)))
    : null;
  const marks = { ...marksOf(block.items.flatMap((i) => i.clashes)), disabled: !s.enabled };
  const what = contentName(t, s, names.media, names.programs);
  const priority = priorityLabel(t, s.priority);
  const rText = readiness ? readinessText(t, readiness) : '';
  const owner = ownerOf(t, lang, s);
  const markTexts = (['conflict', 'preempted', 'preempts', 'disabled'] as const)
    .filter((k) => marks[k])
    .map((k) => t(`mkl_${k}` as MessageKey));
  const state = [owner?.long ?? '', count > 1 ? t('times', { n: count }) : '', rText, ...markTexts]
    .filter(Boolean)
    .join('. ');
  return {
    time,
    title: s.title,
    what,
    priority,
    priorityKey: s.priority,
    readiness,
    readinessText: rText,
    marks,
    owner,
    count,
    aria: t('occAria', { time, title: s.title, what, priority, state }),
    srDetails: [owner?.long ?? '', count > 1 ? t('times', { n: count }) : '', ...markTexts]
      .filter(Boolean)
      .join('. '),
  };
}

/**
 * Conflict, preemption and disabled marks: a glyph and a word each (never colour alone); compact (a narrow
 * lane) keeps the glyph, the block's accessible name and tooltip keep the words.
 */
export function Marks(props: { t: T; marks: BlockInfo['marks']; long?: boolean; compact?: boolean }) {
  const { t, marks } = props;
  const shown = (['conflict', 'preempted', 'preempts', 'disabled'] as const).filter((k) => marks[k]);
  if (shown.length === 0) return null;
  return (
    <span class="sched-marks">
      {shown.map((k) => (
        <span key={k} class={`sched-mark sched-mark-${k}`} title={t(`mkl_${k}` as MessageKey)}>
          <Glyph name={k} size={12} />
          {props.compact ? null : props.long ? t(`mkl_${k}` as MessageKey) : t(`mk_${k}` as MessageKey)}
        </span>
      ))}
    </span>
  );
}

export function ReadinessTag(props: { t: T; readiness: Readiness | null }) {
  if (!props.readiness) return null;
  const tone = readinessTone(props.readiness.kind);
  return (
    <span class={`sched-ready sched-ready-${tone}`} data-readiness={props.readiness.kind}>
      <Glyph name={READINESS_GLYPH[props.readiness.kind]} size={12} />
      {readinessText(props.t, props.readiness)}
    </span>
  );
}

/** "Lịch của huyện": a schedule the commune receives from above (words, not colour). */
export function OwnerTag(props: { owner: BlockInfo['owner']; long?: boolean }) {
  if (!props.owner) return null;
  return (
    <span class="sched-owner" title={props.owner.long}>
      {props.long ? props.owner.long : props.owner.short}
    </span>
  );
}
