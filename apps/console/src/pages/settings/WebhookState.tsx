import { useT } from '../../core/i18n';
import { Badge } from '../../ui/components';
import { messages } from './messages';
import type { WebhookView } from './webhooks-model';

/** Is a webhook working, failing or paused: in words, never by colour alone. */
export function WebhookState(props: { webhook: WebhookView }) {
  const t = useT(messages);
  const w = props.webhook;
  if (!w.active) return <Badge tone="muted">{t('paused')}</Badge>;
  if (w.consecutiveFailures > 0)
    return <Badge tone="bad">{t('failing', { n: w.consecutiveFailures })}</Badge>;
  return <Badge tone="ok">{t('working')}</Badge>;
}
