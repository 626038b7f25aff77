import { api, download } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatNumber, useT } from '../../core/i18n';
import { Button, Empty, ErrorNotice, Loading, toastError } from '../../ui/components';
import { woMessages } from './workorders-messages';
import type { UnitRef } from './workorders-model';

interface FmCounts {
  working: number;
  ipConnected: number;
  broken: number;
  replaced: number;
}
interface FmInventory {
  communes: { commune: UnitRef; district: UnitRef | null; fmWired: FmCounts; fmWireless: FmCounts }[];
  totals: { fmWired: FmCounts; fmWireless: FmCounts };
}
interface CoverageGaps {
  communes: {
    commune: UnitRef;
    district: UnitRef | null;
    villagesTotal: number;
    villagesCovered: number;
    uncovered: { id: string; code: string; name: string }[];
  }[];
  totals: { villagesTotal: number; villagesCovered: number };
}

const STATES: (keyof FmCounts)[] = ['working', 'ipConnected', 'broken', 'replaced'];

/** FM clusters per commune: what the replacement and connection work is planned from. */
export function FmInventoryView(props: { unitId?: string }) {
  const t = useT(woMessages);
  const data = useAsync(
    (signal) => api.get<FmInventory>('/work-orders/fm-inventory', { unitId: props.unitId }, signal),
    [props.unitId],
  );
  if (data.error) return <ErrorNotice error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading />;
  const inv = data.data;
  const row = (label: string, wired: FmCounts, wireless: FmCounts, key: string, strong = false) => (
    <tr key={key}>
      <th scope="row">{strong ? <strong>{label}</strong> : label}</th>
      {STATES.map((s) => (
        <td class="num" key={`w-${s}`}>
          {formatNumber(wired[s])}
        </td>
      ))}
      {STATES.map((s) => (
        <td class="num" key={`l-${s}`}>
          {formatNumber(wireless[s])}
        </td>
      ))}
    </tr>
  );
  return (
    <section aria-labelledby="wo-fm-title">
      <div class="row wo-section-head">
        <h2 id="wo-fm-title">{t('fmTitle')}</h2>
        <span class="spacer" />
        <Button
          onClick={() =>
            download('/work-orders/fm-inventory', { unitId: props.unitId, format: 'csv' }).catch(toastError)
          }
        >
          {t('downloadCsv')}
        </Button>
      </div>
      <p class="muted">{t('fmIntro')}</p>
      {inv.communes.length === 0 ? (
        <Empty>{t('noFm')}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="data wo-fm">
            <thead>
              <tr>
                <th rowSpan={2}>{t('commune')}</th>
                <th colSpan={4}>{t('fmWired')}</th>
                <th colSpan={4}>{t('fmWireless')}</th>
              </tr>
              <tr>
                {[...STATES, ...STATES].map((s, i) => (
                  <th class="num" key={i}>
                    {t(s)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {inv.communes.map((c) =>
                row(
                  c.district ? `${c.commune.name} (${c.district.name})` : c.commune.name,
                  c.fmWired,
                  c.fmWireless,
                  c.commune.id,
                ),
              )}
              {row(t('total'), inv.totals.fmWired, inv.totals.fmWireless, 'total', true)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Villages without any working cluster, per commune; each can become an expansion order. */
export function CoverageGapsView(props: {
  unitId?: string;
  onPlan?: (communeId: string, villageId: string, villageName: string) => void;
}) {
  const t = useT(woMessages);
  const data = useAsync(
    (signal) => api.get<CoverageGaps>('/work-orders/coverage-gaps', { unitId: props.unitId }, signal),
    [props.unitId],
  );
  if (data.error) return <ErrorNotice error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading />;
  const gaps = data.data.communes.filter((c) => c.uncovered.length > 0);
  return (
    <section aria-labelledby="wo-gaps-title">
      <div class="row wo-section-head">
        <h2 id="wo-gaps-title">{t('gapsTitle')}</h2>
        <span class="spacer" />
        <Button
          onClick={() =>
            download('/work-orders/coverage-gaps', { unitId: props.unitId, format: 'csv' }).catch(toastError)
          }
        >
          {t('downloadCsv')}
        </Button>
      </div>
      <p class="muted">
        {t('villagesCovered')}: {formatNumber(data.data.totals.villagesCovered)} /{' '}
        {formatNumber(data.data.totals.villagesTotal)}
      </p>
      {gaps.length === 0 ? (
        <Empty>{t('noGaps')}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>{t('commune')}</th>
                <th class="num">{t('villagesCovered')}</th>
                <th>{t('villagesUncovered')}</th>
              </tr>
            </thead>
            <tbody>
              {gaps.map((c) => (
                <tr key={c.commune.id}>
                  <td>
                    {c.commune.name}
                    {c.district ? <div class="muted">{c.district.name}</div> : null}
                  </td>
                  <td class="num">
                    {formatNumber(c.villagesCovered)}/{formatNumber(c.villagesTotal)}
                  </td>
                  <td>
                    <ul class="wo-gap-list">
                      {c.uncovered.map((v) => (
                        <li key={v.id}>
                          {v.name}
                          {props.onPlan ? (
                            <Button
                              variant="ghost"
                              aria-label={`${t('planExpansion')}: ${v.name}`}
                              onClick={() => props.onPlan!(c.commune.id, v.id, v.name)}
                            >
                              {t('planExpansion')}
                            </Button>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
