import { useState } from 'preact/hooks';
import { api, download } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatNumber, useLang, useT } from '../../core/i18n';
import { setQuery } from '../../core/router';
import { Button, Empty, ErrorNotice, Field, Loading, toastError } from '../../ui/components';
import { messages } from './messages';
import { humanDuration } from './report-table';
import type { AvailabilityFigures, AvailabilityReport, AvailabilityRow } from './types';

type Level = 'commune' | 'village' | 'cluster';

/** Uptime, broadcast success and repair time of the IP clusters, per commune, village or cluster. */
export function AvailabilityView(props: { from: string; to: string; unit: string | null; level: string }) {
  const t = useT(messages);
  const level: Level = props.level === 'village' || props.level === 'cluster' ? props.level : 'commune';
  const [busy, setBusy] = useState(false);
  const query = { from: props.from, to: props.to, unitId: props.unit, level };
  const report = useAsync(
    (signal) => api.get<AvailabilityReport>('/availability', query, signal),
    [props.from, props.to, props.unit, level],
  );

  async function csv() {
    setBusy(true);
    try {
      await download('/availability', { ...query, format: 'csv' }, 'availability.csv');
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  }

  const name = (row: AvailabilityRow) =>
    row.level === 'commune'
      ? row.communeName
      : row.level === 'village'
        ? (row.villageName ?? t('avNoVillage'))
        : (row.name ?? row.code ?? '—');

  return (
    <section class="card" aria-labelledby="av-title">
      <div class="row report-table-head">
        <h2 id="av-title">{t('avCaption')}</h2>
        <span class="spacer" />
        <Field label={t('level')}>
          {(attrs) => (
            <select
              {...attrs}
              value={level}
              onChange={(e) => setQuery({ level: (e.target as HTMLSelectElement).value })}
            >
              <option value="commune">{t('levelCommune')}</option>
              <option value="village">{t('levelVillage')}</option>
              <option value="cluster">{t('levelCluster')}</option>
            </select>
          )}
        </Field>
        <Button busy={busy} onClick={() => void csv()}>
          {t('downloadCsv')}
        </Button>
      </div>
      <p class="muted">{t('avHint')}</p>
      {report.error ? <ErrorNotice error={report.error} onRetry={report.reload} /> : null}
      {!report.data && !report.error ? <Loading /> : null}
      {report.data && report.data.rows.length === 0 ? <Empty>{t('avEmpty')}</Empty> : null}
      {report.data && report.data.rows.length > 0 ? (
        <div
          class="table-wrap"
          tabIndex={0}
          role="region"
          aria-labelledby="av-title"
          aria-busy={report.loading ? 'true' : undefined}
        >
          <table class="data report-availability">
            <thead>
              <tr>
                <th scope="col">{level === 'commune' ? t('avCommune') : t('avName')}</th>
                {level !== 'commune' ? <th scope="col">{t('avCommune')}</th> : null}
                <th scope="col" class="num">
                  {t('avClusters')}
                </th>
                <th scope="col" class="num">
                  {t('avUptime')}
                </th>
                <th scope="col" class="num">
                  {t('avDowntime')}
                </th>
                <th scope="col" class="num">
                  {t('avOutages')}
                </th>
                <th scope="col" class="num">
                  {t('avSuccess')}
                </th>
                <th scope="col" class="num">
                  {t('avIncidents')}
                </th>
                <th scope="col" class="num">
                  {t('avResolved')}
                </th>
                <th scope="col" class="num">
                  {t('avMttr')}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.data.rows.map((row, i) => (
                <tr key={row.id ?? `${row.communeId}-${i}`}>
                  <th scope="row">{name(row)}</th>
                  {level !== 'commune' ? <td>{row.communeName}</td> : null}
                  <Figures f={row} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr class="report-total">
                <th scope="row">{t('total')}</th>
                {level !== 'commune' ? <td /> : null}
                <Figures f={report.data.total} />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function Figures(props: { f: AvailabilityFigures }) {
  const t = useT(messages);
  const lang = useLang();
  const f = props.f;
  return (
    <>
      <td class="num">{formatNumber(f.clusters)}</td>
      <td class="num">
        {f.uptimePercent === null ? (
          <span class="muted">{t('notObserved')}</span>
        ) : (
          `${formatNumber(f.uptimePercent, 2)} %`
        )}
      </td>
      <td class="num">{humanDuration(f.downtimeMs, lang)}</td>
      <td class="num">{formatNumber(f.outages)}</td>
      <td class="num">
        {f.successRate === null ? '—' : `${formatNumber(f.successRate * 100, 1)} %`}
        {f.scheduledOccurrences ? (
          <small class="muted report-sub">
            {t('avSuccessOf', {
              started: formatNumber(f.startedOccurrences),
              scheduled: formatNumber(f.scheduledOccurrences),
            })}
          </small>
        ) : null}
      </td>
      <td class="num">{formatNumber(f.incidents)}</td>
      <td class="num">{formatNumber(f.resolvedFaults)}</td>
      <td class="num">{f.mttrMs === null ? '—' : humanDuration(f.mttrMs, lang)}</td>
    </>
  );
}
