import { config } from '../../core/config';
import { useLang, useT } from '../../core/i18n';
import { localDateOf, weekDates, type Block } from './calendar';
import { blockInfo, Marks, OwnerTag, ReadinessTag, type Names } from './block-info';
import { messages } from './messages';
import { weekdayName } from './schedule-text';
import type { CalendarOccurrence } from './types';
import { shortDate } from './WeekGrid';

/** The phone view: pick a day of the week, read its broadcasts as a list in time order. */
export function DayList(props: {
  monday: string;
  day: number;
  onDay: (day: number) => void;
  blocks: Block<CalendarOccurrence>[];
  names: Names;
  now: number;
  onOpen: (block: Block<CalendarOccurrence>) => void;
}) {
  const t = useT(messages);
  const lang = useLang();
  const dates = weekDates(props.monday);
  const today = localDateOf(props.now, config.timeZone);
  const blocks = props.blocks.filter((b) => b.day === props.day).sort((a, b) => a.startMin - b.startMin);
  return (
    <div class="sched-daylist">
      <div class="sched-daypick" role="group" aria-label={t('daysLabel')}>
        {dates.map((date, i) => (
          <button
            key={date}
            type="button"
            class={`sched-daybtn${i === props.day ? ' is-active' : ''}${date === today ? ' is-today' : ''}`}
            aria-pressed={i === props.day}
            aria-label={t('dayLabel', { day: weekdayName(t, i), date: shortDate(date, lang) })}
            onClick={() => props.onDay(i)}
          >
            <span>{weekdayName(t, i, true)}</span>
            <strong>{shortDate(date, lang)}</strong>
          </button>
        ))}
      </div>
      <h2 class="sched-daytitle">
        {weekdayName(t, props.day)} {shortDate(dates[props.day], lang)}
        {dates[props.day] === today ? <span class="muted"> · {t('today')}</span> : null}
      </h2>
      {blocks.length === 0 ? (
        <p class="empty muted">{t('noOccurrencesDay')}</p>
      ) : (
        <ul
          class="sched-agenda"
          aria-label={t('dayLabel', {
            day: weekdayName(t, props.day),
            date: shortDate(dates[props.day], lang),
          })}
        >
          {blocks.map((block) => {
            const info = blockInfo(t, lang, block, props.names, props.now);
            return (
              <li key={block.key}>
                <button
                  type="button"
                  class={`sched-agenda-item prio-${info.priorityKey}${info.marks.disabled ? ' is-disabled' : ''}${
                    info.readiness?.kind === 'skipped' ? ' is-skipped' : ''
                  }${info.owner ? ' is-above' : ''}`}
                  title={info.aria}
                  data-schedule={block.items[0].schedule.id}
                  onClick={() => props.onOpen(block)}
                >
                  <span class="sched-agenda-time">
                    {info.time}
                    {info.count > 1 ? <small> ×{info.count}</small> : null}
                  </span>
                  <span class="sched-agenda-main">
                    <strong>{info.title}</strong>
                    <span class="muted">
                      {info.priority} · {info.what}
                    </span>
                    <span class="sched-occ-meta">
                      <OwnerTag owner={info.owner} />
                      <Marks t={t} marks={info.marks} />
                      <ReadinessTag t={t} readiness={info.readiness} />
                    </span>
                  </span>
                  {info.srDetails ? <span class="sr-only">. {info.srDetails}</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
