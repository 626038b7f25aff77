import { useT } from '../../core/i18n';
import { navigate, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { PageHeader, Tabs } from '../../ui/components';
import { HealthRulesTab } from './HealthRulesTab';
import { messages } from './messages';
import { WebhooksTab } from './WebhooksTab';
import '../registry/registry.css';
import './settings.css';

type Tab = 'rules' | 'webhooks';

/** Alert thresholds and notifications, for technicians (route permission: health.configure). */
export function SettingsPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const { can } = useSession();
  const loc = useLocation();
  const tabs: { key: Tab; label: string }[] = [
    { key: 'rules', label: t('tabRules') },
    ...(can('webhooks.manage') ? [{ key: 'webhooks' as const, label: t('tabWebhooks') }] : []),
  ];
  const tab = tabs.find((x) => x.key === loc.query.get('tab'))?.key ?? 'rules';
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tabs<Tab>
        label={t('tabsLabel')}
        tabs={tabs}
        active={tab}
        onChange={(key) =>
          navigate(key === 'rules' ? '/settings' : `/settings?tab=${key}`, { replace: true })
        }
      />
      <div role="tabpanel" aria-label={tabs.find((x) => x.key === tab)?.label}>
        {tab === 'rules' ? <HealthRulesTab /> : <WebhooksTab />}
      </div>
    </>
  );
}
