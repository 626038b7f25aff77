import { formatAgo, formatDateTime, formatNumber, formatTime, useLang, useT } from '../../core/i18n';
import { Badge, Empty, Link } from '../../ui/components';
import {
  ruleLabel,
  SEVERITY_TONE,
  SEVERITY_WORDS,
  STATE_TONE,
  STATE_WORDS,
  type AlertView,
} from '../alerts/alerts-model';
import { overviewMessages } from './overview-messages';
import type { PlayTotals, TodayItem } from './overview-model';

const PRIORITY_KEY = {
  emergency: 'priorityEmergency',
  province: 'priorityProvince',
  district: 'priorityDistrict',
} as const;

/** The rest of today's broadcasts, then what was played so far. */
export function TodayCard(props: {
  items: TodayItem[] | null;
  play: PlayTotals | null;
  canSchedule: boolean;
}) {
  const t = useT(overviewMessages);
  const lang = useLang();
  return (
    <section class="card overview-today" aria-labelledby="ov-today">
      <div class="overview-card-head">
        <h2 id="ov-today">{t('todayTitle')}</h2>
        {props.canSchedule ? <Link href="/schedule">{t('openSchedule')}</Link> : null}
      </div>
      {props.items ? (
        props.items.length === 0 ? (
          <p class="muted">{t('nothingToday')}</p>
        ) : (
          <ol class="overview-list">
            {props.items.map((o) => {
              const priority = PRIORITY_KEY[o.priority as keyof typeof PRIORITY_KEY];
              return (
                <li key={o.id} class={o.onAir ? 'overview-onair' : ''}>
                  <span class="overview-time">
                    <time dateTime={o.start}>{formatTime(o.start, lang)}</time>
                    {formatTime(o.end, lang) !== formatTime(o.start, lang) ? (
                      <>
                        –<time dateTime={o.end}>{formatTime(o.end, lang)}</time>
                      </>
                    ) : null}
                  </span>
                  <span class="overview-what">
                    <strong>{o.title}</strong>
                    <span class="muted"> · {t('clusters', { n: o.clusterCount })}</span>
                  </span>
                  <span class="overview-badges">
                    {o.onAir ? <Badge tone="ok">{t('onAir')}</Badge> : null}
                    {priority ? (
                      <Badge tone={o.priority === 'emergency' ? 'bad' : 'info'}>{t(priority)}</Badge>
                    ) : null}
                    {o.moved ? <Badge tone="warn">{t('moved')}</Badge> : null}
                  </span>
                </li>
              );
            })}
          </ol>
        )
      ) : null}
      {props.play ? <PlayedToday play={props.play} /> : null}
    </section>
  );
}

function PlayedToday(props: { play: PlayTotals }) {
  const t = useT(overviewMessages);
  const lang = useLang();
  const p = props.play;
  const pct = p.ratio === null ? null : Math.round(p.ratio * 100);
  return (
    <div class="overview-played">
      <h3>{t('played')}</h3>
      {p.scheduledMinutes ? (
        <>
          <p class="overview-ratio-text">
            {t('playedRatio', {
              played: formatNumber(p.scheduledPlayedMinutes, 1, lang),
              scheduled: formatNumber(p.scheduledMinutes, 1, lang),
              pct: `${pct ?? 0}%`,
            })}
          </p>
          <div
            class="overview-bar"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct ?? 0}
            aria-label={t('played')}
          >
            <span style={{ width: `${pct ?? 0}%` }} />
          </div>
        </>
      ) : (
        <p class="muted">{t('playedNoSchedule')}</p>
      )}
      <dl class="overview-play-figures">
        <div>
          <dt>{t('finished')}</dt>
          <dd>{formatNumber(p.finished, 0, lang)}</dd>
        </div>
        <div>
          <dt>{t('interrupted')}</dt>
          <dd>{formatNumber(p.interrupted, 0, lang)}</dd>
        </div>
        <div>
          <dt>{t('failed')}</dt>
          <dd class={p.failed ? 'overview-bad' : ''}>{formatNumber(p.failed, 0, lang)}</dd>
        </div>
        <div>
          <dt>{t('playedMinutes')}</dt>
          <dd>{formatNumber(p.playedMinutes, 1, lang)}</dd>
        </div>
      </dl>
    </div>
  );
}

export function RecentAlertsCard(props: { items: AlertView[] }) {
  const t = useT(overviewMessages);
  const lang = useLang();
  return (
    <section class="card" aria-labelledby="ov-recent">
      <div class="overview-card-head">
        <h2 id="ov-recent">{t('recentAlerts')}</h2>
        <Link href="/alerts">{t('allAlerts')}</Link>
      </div>
      {props.items.length === 0 ? (
        <Empty>{t('noRecentAlerts')}</Empty>
      ) : (
        <ul class="overview-list">
          {props.items.map((a) => (
            <li key={a.id}>
              <Badge tone={SEVERITY_TONE[a.severity]}>{SEVERITY_WORDS[a.severity][lang]}</Badge>
              <span class="overview-what">
                <strong>{ruleLabel(a.rule, lang)}</strong>
                <span class="muted overview-sub">
                  <Link href={`/fleet/${a.clusterId}`}>{a.clusterName}</Link>
                  {' · '}
                  <time dateTime={a.since} title={formatDateTime(a.since, lang)}>
                    {formatAgo(a.since, lang)}
                  </time>
                </span>
              </span>
              <Badge tone={STATE_TONE[a.state]}>{STATE_WORDS[a.state][lang]}</Badge>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export interface ClusterLite {
  id: string;
  name: string;
  code: string;
  online: boolean;
  lastSeenAt: string | null;
  activeFaults: string[];
  village: { name: string } | null;
}

/** A commune's own clusters, one line each: working, offline or with a fault. */
export function MyClustersCard(props: { clusters: ClusterLite[] }) {
  const t = useT(overviewMessages);
  const lang = useLang();
  return (
    <section class="card" aria-labelledby="ov-mine">
      <div class="overview-card-head">
        <h2 id="ov-mine">{t('myClusters')}</h2>
        <Link href="/fleet">{t('allClusters')}</Link>
      </div>
      <ul class="overview-list">
        {props.clusters.map((c) => (
          <li key={c.id}>
            {!c.online ? (
              <Badge tone="muted">{t('stateOffline')}</Badge>
            ) : c.activeFaults.length ? (
              <Badge tone="bad">{t('stateFault')}</Badge>
            ) : (
              <Badge tone="ok">{t('stateOnline')}</Badge>
            )}
            <span class="overview-what">
              <Link href={`/fleet/${c.id}`}>{c.name}</Link>
              {c.village ? <span class="muted"> · {c.village.name}</span> : null}
              {!c.online && c.lastSeenAt ? (
                <span class="muted" title={formatDateTime(c.lastSeenAt, lang)}>
                  {' · '}
                  {formatAgo(c.lastSeenAt, lang)}
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
