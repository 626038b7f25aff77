import { useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Button, ErrorNotice, Field, Loading, PageHeader, Tabs } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { CoverageGapsView, FmInventoryView } from './InventoryViews';
import { WorkOrderBoard } from './WorkOrderBoard';
import { WorkOrderDialog } from './WorkOrderDialog';
import { WorkOrderForm } from './WorkOrderForm';
import { woMessages } from './workorders-messages';
import { isKind, KIND_WORDS, KINDS, type WorkOrder } from './workorders-model';
import './workorders.css';

type Tab = 'board' | 'fm' | 'gaps';
const TABS: Tab[] = ['board', 'fm', 'gaps'];

/** FM→IP work: a board of work orders by state, the FM inventory and the villages still uncovered. */
export function WorkOrdersPage(_props: { params: RouteParams }) {
  const t = useT(woMessages);
  const lang = useLang();
  const { me, can } = useSession();
  const loc = useLocation();
  const tabParam = loc.query.get('tab') as Tab | null;
  const tab: Tab = tabParam && TABS.includes(tabParam) ? tabParam : 'board';
  const kindParam = loc.query.get('kind');
  const kind = isKind(kindParam) ? kindParam : undefined;
  const unit = loc.query.get('unit') || undefined;
  const openId = loc.query.get('order');
  const [creating, setCreating] = useState<null | { communeId?: string; villageId?: string; title?: string }>(
    null,
  );

  const orders = useAsync(
    (signal) =>
      tab === 'board'
        ? api.get<Page<WorkOrder>>(
            '/work-orders',
            { kind, unitId: unit, pageSize: 500, sort: 'createdAt', order: 'desc' },
            signal,
          )
        : Promise.resolve(undefined),
    [tab, kind, unit],
  );

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          can('workorders.write') ? (
            <Button variant="primary" onClick={() => setCreating({})}>
              {t('create')}
            </Button>
          ) : null
        }
      />
      <Tabs<Tab>
        label={t('tabsLabel')}
        tabs={[
          { key: 'board', label: t('tabBoard') },
          { key: 'fm', label: t('tabFm') },
          { key: 'gaps', label: t('tabGaps') },
        ]}
        active={tab}
        onChange={(k) => setQuery({ tab: k === 'board' ? null : k })}
      />
      <form class="filters wo-filters" aria-label={t('filtersLabel')} onSubmit={(e) => e.preventDefault()}>
        {tab === 'board' ? (
          <Field label={t('kind')}>
            {(attrs) => (
              <select
                {...attrs}
                value={kind ?? ''}
                onChange={(e) => setQuery({ kind: (e.target as HTMLSelectElement).value })}
              >
                <option value="">{t('all')}</option>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_WORDS[k][lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {kind || unit ? (
          <Button variant="ghost" onClick={() => setQuery({ kind: null, unit: null })}>
            {t('clearFilters')}
          </Button>
        ) : null}
        <UnitPicker
          label={t('area')}
          value={unit ?? null}
          onChange={(u) => setQuery({ unit: u && u.id !== me.scope?.unitId ? u.id : null })}
        />
      </form>

      {tab === 'board' ? (
        <>
          {orders.error ? <ErrorNotice error={orders.error} onRetry={orders.reload} /> : null}
          {orders.loading && !orders.data ? <Loading /> : null}
          {orders.data ? (
            <WorkOrderBoard orders={orders.data.items} onOpen={(o) => setQuery({ order: o.id })} />
          ) : null}
        </>
      ) : null}
      {tab === 'fm' ? <FmInventoryView unitId={unit} /> : null}
      {tab === 'gaps' ? (
        <CoverageGapsView
          unitId={unit}
          onPlan={
            can('workorders.write')
              ? (communeId, villageId) => setCreating({ communeId, villageId })
              : undefined
          }
        />
      ) : null}

      <WorkOrderDialog id={openId} onClose={() => setQuery({ order: null })} onChanged={orders.reload} />
      {can('workorders.write') ? (
        <WorkOrderForm
          open={creating !== null}
          initial={
            creating
              ? { ...creating, ...(creating.villageId ? { kind: 'expansion' as const } : {}) }
              : undefined
          }
          onClose={() => setCreating(null)}
          onCreated={(created) => {
            setCreating(null);
            setQuery({ tab: null, order: created.id });
            orders.reload();
          }}
        />
      ) : null}
    </>
  );
}
