import { config } from '../../core/config';
import { useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Field, PageHeader, Tabs } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { AvailabilityView } from './AvailabilityView';
import { messages, type ReportKey } from './messages';
import { matchPreset, PERIOD_PRESETS, periodProblem, presetPeriod, todayIn, vnDate } from './period';
import { ProvinceReportView } from './ProvinceReportView';
import { ReportDownload } from './ReportDownload';
import './reports.css';

const PROBLEM_TEXT: Record<'date' | 'order' | 'long', ReportKey> = {
  date: 'errDate',
  order: 'errFromAfterTo',
  long: 'errTooLong',
};

/** Reports: a period and a unit (kept in the URL), the summary report and availability, and downloads. */
export function ReportsPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const { me } = useSession();
  const { query } = useLocation();
  const today = todayIn(config.timeZone);
  const fallback = presetPeriod('thisMonth', today);
  const from = query.get('from') ?? fallback.from;
  const to = query.get('to') ?? fallback.to;
  const unit = query.get('unit');
  const view = query.get('view') === 'availability' ? 'availability' : 'report';
  const problem = periodProblem(from, to);
  const active = matchPreset({ from, to }, today);
  // An administrator has no scope, so the server needs a unit; anyone else defaults to their scope.
  const ready = !problem && (!!unit || !!me.scope);

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          view === 'report' ? <ReportDownload from={from} to={to} unit={unit} disabled={!ready} /> : null
        }
      />
      <section class="card report-filters" aria-label={t('period')}>
        <div class="report-presets" role="group" aria-label={t('presets')}>
          {PERIOD_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              class={`btn ${active === p ? 'btn-primary' : 'btn-ghost'}`}
              aria-pressed={active === p}
              onClick={() => setQuery({ ...presetPeriod(p, today) })}
            >
              {t(p)}
            </button>
          ))}
        </div>
        <div class="filters">
          <Field
            label={t('from')}
            error={problem?.field === 'from' ? t(PROBLEM_TEXT[problem.problem]) : undefined}
          >
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={from}
                max={to}
                onChange={(e) => setQuery({ from: (e.target as HTMLInputElement).value || null })}
              />
            )}
          </Field>
          <Field
            label={t('to')}
            error={problem?.field === 'to' ? t(PROBLEM_TEXT[problem.problem]) : undefined}
          >
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={to}
                min={from}
                onChange={(e) => setQuery({ to: (e.target as HTMLInputElement).value || null })}
              />
            )}
          </Field>
        </div>
        <UnitPicker
          label={t('unit')}
          hint={t('unitHint')}
          value={unit ?? me.scope?.unitId ?? null}
          autoSelectSingle
          onChange={(u) => setQuery({ unit: u && u.id !== me.scope?.unitId ? u.id : null })}
        />
      </section>
      <Tabs
        label={t('tabsLabel')}
        tabs={[
          { key: 'report', label: t('tabReport') },
          { key: 'availability', label: t('tabAvailability') },
        ]}
        active={view}
        onChange={(key) => setQuery({ view: key === 'report' ? null : key })}
      />
      {!problem ? (
        <p class="report-period">{t('periodLine', { from: vnDate(from), to: vnDate(to) })}</p>
      ) : null}
      {!ready ? (
        problem ? null : (
          <p class="notice notice-info">{t('chooseUnit')}</p>
        )
      ) : view === 'report' ? (
        <ProvinceReportView from={from} to={to} unit={unit} />
      ) : (
        <AvailabilityView from={from} to={to} unit={unit} level={query.get('level') ?? 'commune'} />
      )}
    </>
  );
}
