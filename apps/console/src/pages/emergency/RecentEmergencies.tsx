import { api, type Page } from '../../core/api';
import { useAsync, useInterval } from '../../core/hooks';
import { formatDateTime, useLang, useT } from '../../core/i18n';
import { useSession } from '../../core/session';
import { Link, Loading } from '../../ui/components';
import { headline } from '../live/rollout';
import type { BroadcastView } from './FollowRollout';
import { messages } from './messages';

/** The scope's last emergency broadcasts (the API lists every immediate one: filtered here). */
export function RecentEmergencies(props: { current: string | null }) {
  const t = useT(messages);
  const lang = useLang();
  const { can } = useSession();
  const list = useAsync(
    (signal) =>
      can('schedules.read')
        ? api.get<Page<BroadcastView>>(
            '/broadcasts',
            { kind: 'play_now', pageSize: 50, order: 'desc' },
            signal,
          )
        : Promise.resolve(null),
    [props.current],
  );
  const items = (list.data?.items ?? []).filter((b) => b.priority === 'emergency').slice(0, 10);
  // Counts of rollouts still under way move on.
  useInterval(list.reload, items.some((b) => !b.summary.complete) ? 3000 : null);
  if (list.data === null) return null;
  return (
    <section class="card" aria-labelledby="emergency-recent-title">
      <h2 id="emergency-recent-title">{t('recentTitle')}</h2>
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && items.length === 0 ? <p class="muted">{t('noRecent')}</p> : null}
      {items.length > 0 ? (
        <ul class="live-recent">
          {items.map((b) => {
            const h = headline(b.summary);
            return (
              <li key={b.id} aria-current={b.id === props.current ? 'true' : undefined}>
                <strong>{b.title ?? t('title')}</strong>
                <span class="muted">
                  {formatDateTime(b.createdAt, lang)} · {b.createdBy} ·{' '}
                  {t('recentLine', { started: h.started, targets: h.sent })}
                </span>
                {b.id !== props.current ? (
                  <Link href={`/emergency?b=${encodeURIComponent(b.id)}`}>{t('follow')}</Link>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
