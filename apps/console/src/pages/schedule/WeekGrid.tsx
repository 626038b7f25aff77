import { useEffect, useRef } from 'preact/hooks';
import { config } from '../../core/config';
import { useLang, useT, type Lang } from '../../core/i18n';
import { firstHour, localDateOf, localMinuteOf, weekDates, type Block } from './calendar';
import { blockInfo, Marks, OwnerTag, ReadinessTag, type Names } from './block-info';
import { messages } from './messages';
import { weekdayName } from './schedule-text';
import type { CalendarOccurrence } from './types';

export const HOUR_PX = 56;
const PX_PER_MIN = HOUR_PX / 60;
/** Morning broadcasts start around 05:30: the grid opens there unless something plays earlier. */
const PREFERRED_FIRST_HOUR = 5;
const MIN_COLUMN_REM = 7.8;
const MIN_LANE_REM = 6.5;

export function shortDate(date: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    day: 'numeric',
    month: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** Seven day columns of hours; each occurrence (or hour of a dense series) is a button at its local time. */
export function WeekGrid(props: {
  monday: string;
  blocks: Block<CalendarOccurrence>[];
  names: Names;
  now: number;
  onOpen: (block: Block<CalendarOccurrence>) => void;
}) {
  const t = useT(messages);
  const lang = useLang();
  const scroller = useRef<HTMLDivElement>(null);
  const scrolledFor = useRef<string | null>(null);
  const dates = weekDates(props.monday);
  const today = localDateOf(props.now, config.timeZone);
  const nowTop = localMinuteOf(props.now, config.timeZone) * PX_PER_MIN;
  // A day with side-by-side broadcasts gets a wider column, so each lane stays readable.
  const lanes = dates.map((_, day) =>
    Math.max(1, ...props.blocks.filter((b) => b.day === day).map((b) => b.lanes)),
  );
  const minRem = lanes.map((n) => Math.max(MIN_COLUMN_REM, n * MIN_LANE_REM));
  const columns = {
    gridTemplateColumns: `var(--gutter) ${lanes.map((n, i) => `minmax(${minRem[i]}rem, ${n}fr)`).join(' ')}`,
    minWidth: `calc(var(--gutter) + ${minRem.reduce((a, b) => a + b, 0)}rem)`,
  };

  useEffect(() => {
    const el = scroller.current;
    if (!el || scrolledFor.current === props.monday) return;
    scrolledFor.current = props.monday;
    const hour = firstHour(
      props.blocks,
      PREFERRED_FIRST_HOUR,
      dates.indexOf(today),
      localMinuteOf(props.now, config.timeZone),
    );
    el.scrollTop = hour * HOUR_PX;
  }, [props.monday, props.blocks]);

  return (
    <div class="sched-week" ref={scroller} role="region" aria-label={t('calendarLabel')} tabIndex={0}>
      <div class="sched-week-head" style={columns} aria-hidden="true">
        <div class="sched-gutter" />
        {dates.map((date, i) => (
          <div key={date} class={`sched-dayhead${date === today ? ' is-today' : ''}`}>
            <span class="sched-dayname">{weekdayName(t, i)}</span>
            <span class="sched-daydate">
              {shortDate(date, lang)}
              {date === today ? <span class="sched-today"> · {t('today')}</span> : null}
            </span>
          </div>
        ))}
      </div>
      <div class="sched-week-body" style={{ ...columns, height: `${24 * HOUR_PX}px` }}>
        <div class="sched-hours" aria-hidden="true">
          {Array.from({ length: 24 }, (_, h) => (
            <div key={h} class="sched-hour" style={{ top: `${h * HOUR_PX}px` }}>
              {String(h).padStart(2, '0')}:00
            </div>
          ))}
        </div>
        {dates.map((date, day) => (
          <ul
            key={date}
            class={`sched-day${date === today ? ' is-today' : ''}`}
            aria-label={t('dayLabel', { day: weekdayName(t, day), date: shortDate(date, lang) })}
          >
            {props.blocks
              .filter((b) => b.day === day)
              .map((block) => (
                <GridBlock key={block.key} block={block} {...props} />
              ))}
            {date === today ? (
              <li class="sched-now" style={{ top: `${nowTop}px` }} aria-hidden="true" title={t('now')} />
            ) : null}
          </ul>
        ))}
      </div>
    </div>
  );
}

function GridBlock(props: {
  block: Block<CalendarOccurrence>;
  names: Names;
  now: number;
  onOpen: (block: Block<CalendarOccurrence>) => void;
}) {
  const t = useT(messages);
  const lang = useLang();
  const { block } = props;
  const info = blockInfo(t, lang, block, props.names, props.now);
  const width = 100 / block.lanes;
  const height = (block.bottom - block.top) * PX_PER_MIN - 2;
  return (
    <li
      class="sched-slot"
      style={{
        top: `${block.top * PX_PER_MIN}px`,
        height: `${height}px`,
        left: `calc(${block.lane * width}% + 2px)`,
        width: `calc(${width}% - 4px)`,
      }}
    >
      <button
        type="button"
        class={`sched-occ prio-${info.priorityKey}${info.marks.disabled ? ' is-disabled' : ''}${
          info.readiness?.kind === 'skipped' ? ' is-skipped' : ''
        }${info.marks.conflict ? ' has-conflict' : ''}${info.marks.preempted ? ' is-preempted' : ''}${
          info.owner ? ' is-above' : ''
        }`}
        title={info.aria}
        data-schedule={block.items[0].schedule.id}
        onClick={() => props.onOpen(block)}
      >
        <span class="sched-occ-line">
          <span class="sched-occ-time">{info.time}</span>
          {info.count > 1 ? <span class="sched-occ-count">×{info.count}</span> : null}
          <span class="sched-occ-title">{info.title}</span>
        </span>
        <span class="sched-occ-line sched-occ-meta">
          <OwnerTag owner={info.owner} />
          <Marks t={t} marks={info.marks} compact={block.lanes > 1} />
          <ReadinessTag t={t} readiness={info.readiness} />
        </span>
        <span class="sched-occ-line sched-occ-what">
          {info.priority} · {info.what}
        </span>
        {/* The visible text names the button; marks drawn as glyphs only are spelled out here. */}
        {info.srDetails ? <span class="sr-only">. {info.srDetails}</span> : null}
      </button>
    </li>
  );
}
