import { formatDate, useLang, useT } from '../../core/i18n';
import { Badge } from '../../ui/components';
import { woMessages } from './workorders-messages';
import {
  byStatus,
  formatVnd,
  KIND_WORDS,
  PROGRAMME_WORDS,
  STATUS_WORDS,
  STATUSES,
  type Kind,
  type WorkOrder,
} from './workorders-model';

const KIND_TONE: Record<Kind, 'info' | 'warn' | 'ok'> = {
  new_station: 'info',
  replacement: 'warn',
  expansion: 'ok',
};

/** One column per state; columns scroll sideways on a phone. */
export function WorkOrderBoard(props: { orders: WorkOrder[]; onOpen: (order: WorkOrder) => void }) {
  const t = useT(woMessages);
  const lang = useLang();
  const columns = byStatus(props.orders);
  return (
    <div class="wo-board" role="region" aria-label={t('boardLabel')} tabIndex={0}>
      {STATUSES.map((status) => (
        <section key={status} class={`wo-column wo-column-${status}`} aria-labelledby={`wo-col-${status}`}>
          <header class="wo-column-head">
            <h2 id={`wo-col-${status}`}>{STATUS_WORDS[status][lang]}</h2>
            <span class="wo-count">{t('columnCount', { n: columns[status].length })}</span>
          </header>
          {columns[status].length === 0 ? (
            <p class="muted wo-empty">{t('columnEmpty')}</p>
          ) : (
            <ul class="wo-cards">
              {columns[status].map((o) => (
                <li key={o.id}>
                  <button
                    type="button"
                    class="wo-card"
                    title={t('openOrder', { code: o.code, title: o.title })}
                    onClick={() => props.onOpen(o)}
                  >
                    <span class="wo-card-top">
                      <Badge tone={KIND_TONE[o.kind]}>{KIND_WORDS[o.kind][lang]}</Badge>
                      <span class="muted wo-code">{o.code}</span>
                    </span>
                    <strong class="wo-card-title">{o.title}</strong>
                    <span class="wo-card-place">
                      {[o.village?.name, o.commune?.name].filter(Boolean).join(', ')}
                    </span>
                    {o.plannedStart || o.plannedEnd ? (
                      <span class="wo-card-line">
                        <span class="muted">{t('planned')}:</span>{' '}
                        {datesRange(o.plannedStart, o.plannedEnd, lang)}
                      </span>
                    ) : null}
                    {o.plannedCostVnd || o.actualCostVnd ? (
                      <span class="wo-card-line">
                        <span class="muted">{t('cost')}:</span>{' '}
                        {formatVnd(o.actualCostVnd ?? o.plannedCostVnd, lang)}
                      </span>
                    ) : null}
                    <span class="wo-card-line muted">{PROGRAMME_WORDS[o.fundingProgramme]?.[lang]}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

export function datesRange(start: string | null, end: string | null, lang: 'vi' | 'en'): string {
  if (start && end) return `${formatDate(start, lang)} – ${formatDate(end, lang)}`;
  return formatDate(start ?? end, lang);
}
