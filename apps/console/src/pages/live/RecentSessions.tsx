import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDateTime, formatDuration, useLang, useT } from '../../core/i18n';
import { Badge, ErrorNotice, Loading } from '../../ui/components';
import { messages, type LiveKey } from './messages';
import type { LiveSession } from './types';

const STATUS: Record<LiveSession['status'], { key: LiveKey; tone: 'ok' | 'bad' | 'info' | 'muted' }> = {
  waiting: { key: 'statusWaiting', tone: 'info' },
  live: { key: 'statusLive', tone: 'bad' },
  ended: { key: 'statusEnded', tone: 'ok' },
  failed: { key: 'statusFailed', tone: 'muted' },
};

/** The last few live sessions of the scope: what went out, when, for how long, to how many clusters. */
export function RecentSessions() {
  const t = useT(messages);
  const lang = useLang();
  const list = useAsync((signal) => api.get<Page<LiveSession>>('/live', { pageSize: 5 }, signal), []);
  return (
    <section class="card" aria-labelledby="live-recent-title">
      <h2 id="live-recent-title">{t('recentTitle')}</h2>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <p class="muted">{t('noRecent')}</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <ul class="live-recent">
          {list.data.items.map((s) => (
            <li key={s.id}>
              <strong>{s.title}</strong>
              <Badge tone={STATUS[s.status].tone}>{t(STATUS[s.status].key)}</Badge>
              <span class="muted">
                {formatDateTime(s.startedAt ?? s.createdAt, lang)}
                {s.startedAt && s.endedAt
                  ? ` · ${formatDuration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}`
                  : ''}
                {` · ${s.createdBy}`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
