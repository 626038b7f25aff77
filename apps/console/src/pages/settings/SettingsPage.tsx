import { PageHeader } from '../../ui/components';
import type { RouteParams } from '../../routes';

/** Placeholder until the page is built. */
export function SettingsPage(_props: { params: RouteParams }) {
  return <PageHeader title="SettingsPage" />;
}
