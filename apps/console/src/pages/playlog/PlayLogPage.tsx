import { useState } from 'preact/hooks';
import { api, download, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync, useInterval } from '../../core/hooks';
import { formatNumber, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import {
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  PageHeader,
  Pager,
  toastError,
} from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { DayPicker } from './DayPicker';
import { DaySummary } from './DaySummary';
import { messages } from './messages';
import { PlayTable } from './PlayTable';
import { dayBounds, pickDay, playbacksOf, todayIn } from './playlog-model';
import type { DaySummary as Summary, PlayReportRow } from './types';
import './playlog.css';

const PAGE_SIZE = 50;
const SOURCES = ['schedule', 'command', 'live'] as const;
const EVENTS = ['finished', 'interrupted', 'failed'] as const;
/** Today's figures change as the clusters report: refresh them while the page is open. */
const REFRESH_MS = 30_000;

/**
 * "Nhật ký phát": one day in one area — each commune's minutes played against its schedule, and every
 * playback the clusters reported. Day, area, filters and page live in the URL.
 */
export function PlayLogPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const session = useSession();
  const { query } = useLocation();
  const q = (key: string) => query.get(key) ?? '';
  const today = todayIn(config.timeZone);
  const day = pickDay(query.get('date'), today);
  const isToday = day === today;
  const unitId = q('unit') || session.me.scope?.unitId || undefined;
  const source = (SOURCES as readonly string[]).includes(q('source')) ? q('source') : '';
  const event = (EVENTS as readonly string[]).includes(q('event')) ? q('event') : '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [exporting, setExporting] = useState<'list' | 'summary' | null>(null);

  const { from, to } = dayBounds(day, config.timeZone);
  const listQuery = {
    unitId,
    from,
    to,
    source: source || undefined,
    event: event || undefined,
  };
  const summary = useAsync(
    (signal) => api.get<Summary>('/play-logs/summary', { date: day, unitId }, signal),
    [day, unitId],
  );
  const list = useAsync(
    (signal) =>
      api.get<Page<PlayReportRow>>(
        '/play-logs',
        { ...listQuery, page, pageSize: PAGE_SIZE, order: 'desc' },
        signal,
      ),
    [JSON.stringify(listQuery), page],
  );
  useInterval(
    () => {
      if (!summary.loading) summary.reload();
      if (page === 1 && !list.loading) list.reload();
    },
    isToday ? REFRESH_MS : null,
  );

  const set = (values: Record<string, string | null>) => setQuery({ ...values, page: null });
  const filtered = !!(source || event);

  async function exportCsv(which: 'list' | 'summary') {
    setExporting(which);
    try {
      if (which === 'list')
        await download('/play-logs', { ...listQuery, order: 'asc', format: 'csv' }, `play-logs-${day}.csv`);
      else
        await download(
          '/play-logs/summary',
          { date: day, unitId, format: 'csv' },
          `play-log-summary-${day}.csv`,
        );
    } catch (err) {
      toastError(err);
    } finally {
      setExporting(null);
    }
  }

  const playbacks = list.data ? playbacksOf(list.data.items) : [];
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <Button busy={exporting === 'list'} onClick={() => void exportCsv('list')}>
            {tc('downloadCsv')}
          </Button>
        }
      />
      <section class="card playlog-filters" aria-label={t('filters')}>
        <DayPicker
          value={day}
          today={today}
          onChange={(date) => set({ date: date === today ? null : date })}
        />
        <UnitPicker
          label={t('unit')}
          deepest="village"
          value={unitId ?? null}
          onChange={(u) => set({ unit: u && u.id !== session.me.scope?.unitId ? u.id : null })}
        />
      </section>

      <section class="card" aria-labelledby="playlog-summary">
        <div class="playlog-section-head">
          <h2 id="playlog-summary">{t('summaryTitle')}</h2>
          <Button variant="ghost" busy={exporting === 'summary'} onClick={() => void exportCsv('summary')}>
            {t('summaryCsv')}
          </Button>
        </div>
        {summary.error && !summary.data ? (
          <ErrorNotice error={summary.error} onRetry={summary.reload} />
        ) : null}
        {!summary.data && !summary.error ? <Loading /> : null}
        {summary.data ? <DaySummary summary={summary.data} isToday={isToday} /> : null}
      </section>

      <section aria-labelledby="playlog-list" class="playlog-list">
        <div class="playlog-section-head">
          <h2 id="playlog-list">{t('listTitle')}</h2>
        </div>
        <div class="filters playlog-list-filters">
          <Field label={t('source')}>
            {(attrs) => (
              <select
                {...attrs}
                value={source}
                onChange={(e) => set({ source: (e.target as HTMLSelectElement).value || null })}
              >
                <option value="">{t('anySource')}</option>
                {SOURCES.map((s) => (
                  <option key={s} value={s}>
                    {t(`source_${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('event')}>
            {(attrs) => (
              <select
                {...attrs}
                value={event}
                onChange={(e) => set({ event: (e.target as HTMLSelectElement).value || null })}
              >
                <option value="">{t('anyEvent')}</option>
                {EVENTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`event_${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {filtered ? (
            <Button variant="ghost" onClick={() => set({ source: null, event: null })}>
              {t('clear')}
            </Button>
          ) : null}
        </div>
        {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
        {!list.data && !list.error ? <Loading /> : null}
        {list.data && list.data.total === 0 ? (
          <Empty>{filtered ? t('emptyFiltered') : t('empty')}</Empty>
        ) : null}
        {list.data && list.data.total > 0 ? (
          <>
            <p class="muted playlog-count" role="status">
              {t('reportCount', { n: formatNumber(list.data.total) })}
            </p>
            <PlayTable playbacks={playbacks} day={day} busy={list.loading} />
            <Pager
              page={list.data.page}
              pageSize={list.data.pageSize}
              total={list.data.total}
              onPage={(p) => setQuery({ page: p === 1 ? null : p })}
            />
          </>
        ) : null}
      </section>
    </>
  );
}
