import { useT } from '../../core/i18n';
import { navigate, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { PageHeader, Tabs } from '../../ui/components';
import { ClustersTab } from './ClustersTab';
import { GroupsTab } from './GroupsTab';
import { messages } from './messages';
import { StationsTab } from './StationsTab';
import { UnitsTab } from './UnitsTab';
import './registry.css';

type Tab = 'clusters' | 'stations' | 'groups' | 'units';

/** What a district technician uses to put loudspeakers into service (route permission: clusters.write). */
export function RegistryPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const { can } = useSession();
  const loc = useLocation();
  const tabs: { key: Tab; label: string }[] = [
    { key: 'clusters', label: t('tabClusters') },
    ...(can('stations.read') ? [{ key: 'stations' as const, label: t('tabStations') }] : []),
    ...(can('schedules.read') ? [{ key: 'groups' as const, label: t('tabGroups') }] : []),
    ...(can('units.read') ? [{ key: 'units' as const, label: t('tabUnits') }] : []),
  ];
  const asked = loc.query.get('tab');
  const tab = tabs.find((x) => x.key === asked)?.key ?? 'clusters';
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tabs<Tab>
        label={t('tabsLabel')}
        tabs={tabs}
        active={tab}
        // Each tab has its own filters: start it clean.
        onChange={(key) =>
          navigate(key === 'clusters' ? '/registry' : `/registry?tab=${key}`, { replace: true })
        }
      />
      <div role="tabpanel" aria-label={tabs.find((x) => x.key === tab)?.label}>
        {tab === 'clusters' ? <ClustersTab /> : null}
        {tab === 'stations' ? <StationsTab /> : null}
        {tab === 'groups' ? <GroupsTab /> : null}
        {tab === 'units' ? <UnitsTab /> : null}
      </div>
    </>
  );
}
