import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDateTime, formatNumber, useT } from '../../core/i18n';
import { ErrorNotice, Loading, Stat } from '../../ui/components';
import { messages } from './messages';
import { headerGroups, isEmptyRow, kindTotals, REPORT_COLUMNS, type ReportColumn } from './report-table';
import type { ProvinceReport, ReportFigures } from './types';

/** The provincial report as the API's JSON feed shows it: key figures, the official table, spending. */
export function ProvinceReportView(props: { from: string; to: string; unit: string | null }) {
  const t = useT(messages);
  const report = useAsync(
    (signal) =>
      api.get<ProvinceReport>(
        '/reports/province',
        { from: props.from, to: props.to, unit: props.unit, format: 'json' },
        signal,
      ),
    [props.from, props.to, props.unit],
  );
  if (report.error) return <ErrorNotice error={report.error} onRetry={report.reload} />;
  if (!report.data) return <Loading />;
  const r = report.data;
  return (
    <div aria-busy={report.loading ? 'true' : undefined}>
      <p class="muted report-meta">
        <strong>{r.unit.lineage.slice().reverse().join(', ')}</strong> ·{' '}
        {t('generatedAt', { at: formatDateTime(r.generatedAt) })}
      </p>
      <Tiles totals={r.totals} />
      {!r.scheduledKnown ? <p class="notice notice-info">{t('noSchedule')}</p> : null}
      <ReportTable report={r} />
      <Spending report={r} />
    </div>
  );
}

function Tiles(props: { totals: ReportFigures }) {
  const t = useT(messages);
  const f = props.totals;
  const broken = f.ipBroken + f.fmWiredBroken + f.fmWirelessBroken;
  return (
    <div class="grid grid-3 report-tiles">
      <Stat label={t('tileIpWorking')} value={formatNumber(f.ipWorking)} tone="ok" />
      <Stat label={t('tileBroken')} value={formatNumber(broken)} tone={broken ? 'bad' : 'muted'} />
      <Stat
        label={t('tileVillages')}
        value={`${formatNumber(f.villagesCovered)}/${formatNumber(f.villages)}`}
        tone="info"
      />
      <Stat label={t('tilePlayed')} value={formatNumber(f.playedHours, 2)} tone="info" />
      <Stat
        label={t('tileUptime')}
        value={f.uptimePercent === null ? '—' : `${formatNumber(f.uptimePercent, 2)} %`}
        tone={f.uptimePercent === null ? 'muted' : f.uptimePercent >= 95 ? 'ok' : 'warn'}
      />
      <Stat
        label={t('tileAlerts')}
        value={formatNumber(f.openAlerts)}
        tone={f.openAlerts ? 'warn' : 'muted'}
      />
    </div>
  );
}

function cell(column: ReportColumn, f: ReportFigures): string {
  const value = f[column.key];
  if (value === null) return '—';
  return formatNumber(value, column.digits);
}

function ReportTable(props: { report: ProvinceReport }) {
  const t = useT(messages);
  const [hideEmpty, setHideEmpty] = useState(true);
  const { rows, totals } = props.report;
  const shown = hideEmpty ? rows.filter((r) => r.level === 'district' || !isEmptyRow(r.figures)) : rows;
  const hidden = rows.length - shown.length;
  // The two header rows of the official layout: groups spanning their columns, then single columns.
  const groups = headerGroups(REPORT_COLUMNS);
  const hasCommunes = rows.filter((r) => r.level === 'commune').length > 1;
  return (
    <section class="card report-table-card" aria-labelledby="report-table-title">
      <div class="row report-table-head">
        <h2 id="report-table-title">{t('tableCaption')}</h2>
        <span class="spacer" />
        {hasCommunes ? (
          <label class="report-check">
            <input
              type="checkbox"
              checked={hideEmpty}
              onChange={(e) => setHideEmpty((e.target as HTMLInputElement).checked)}
            />{' '}
            {t('hideEmpty')}
          </label>
        ) : null}
      </div>
      {hideEmpty && hidden > 0 ? <p class="muted">{t('hiddenCount', { n: hidden })}</p> : null}
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="report-table-title">
        <table class="data report-table">
          <thead>
            <tr>
              <th rowSpan={2} scope="col" class="report-stt">
                {t('stt')}
              </th>
              <th rowSpan={2} scope="col" class="report-name">
                {t('unitName')}
              </th>
              {groups.map((g) =>
                g.group ? (
                  <th key={g.group} colSpan={g.columns.length} scope="colgroup" class="report-group">
                    {t(g.group)}
                  </th>
                ) : (
                  <th key={g.columns[0].key} rowSpan={2} scope="col" class="num">
                    {t(g.columns[0].label)}
                  </th>
                ),
              )}
            </tr>
            <tr>
              {REPORT_COLUMNS.filter((c) => c.group).map((c) => (
                <th key={c.key} scope="col" class="num">
                  {t(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.unitId} class={r.level === 'district' ? 'report-district' : undefined}>
                <td class="report-stt">{r.stt}</td>
                <th scope="row" class="report-name">
                  {r.name}
                </th>
                {REPORT_COLUMNS.map((c) => (
                  <td key={c.key} class="num">
                    {cell(c, r.figures)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr class="report-total">
              <td class="report-stt" />
              <th scope="row" class="report-name">
                {t('total')}
              </th>
              {REPORT_COLUMNS.map((c) => (
                <td key={c.key} class="num">
                  {cell(c, totals)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function Spending(props: { report: ProvinceReport }) {
  const t = useT(messages);
  const { spending, spendingTotal } = props.report;
  const byProgramme = kindTotals(spending);
  return (
    <section class="card" aria-labelledby="report-spending-title">
      <h2 id="report-spending-title">{t('spending')}</h2>
      <p class="muted">{t('spendingHint')}</p>
      {spendingTotal.orders === 0 ? (
        <p class="muted">{t('noSpending')}</p>
      ) : (
        <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="report-spending-title">
          <table class="data report-spending">
            <thead>
              <tr>
                <th scope="col">{t('programme')}</th>
                <th scope="col" class="num">
                  {t('newStations')}
                </th>
                <th scope="col" class="num">
                  {t('replacements')}
                </th>
                <th scope="col" class="num">
                  {t('expansions')}
                </th>
                <th scope="col" class="num">
                  {t('orders')}
                </th>
                <th scope="col" class="num">
                  {t('cost')}
                </th>
              </tr>
            </thead>
            <tbody>
              {byProgramme.map((p) => (
                <tr key={p.programme}>
                  <th scope="row">{p.programmeName}</th>
                  <td class="num">{formatNumber(p.new_station)}</td>
                  <td class="num">{formatNumber(p.replacement)}</td>
                  <td class="num">{formatNumber(p.expansion)}</td>
                  <td class="num">{formatNumber(p.orders)}</td>
                  <td class="num">{formatNumber(p.costVnd)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr class="report-total">
                <th scope="row">{t('total')}</th>
                <td class="num" colSpan={3} />
                <td class="num">{formatNumber(spendingTotal.orders)}</td>
                <td class="num">{formatNumber(spendingTotal.costVnd)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
