import { useMemo } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { formatAgo, formatDate, formatDateTime, formatNumber, useT } from '../../core/i18n';
import { useAsync, useEventStream } from '../../core/hooks';
import { useSession } from '../../core/session';
import { ClusterMap } from '../../map/ClusterMap';
import { STATE_TONES, hasPosition } from '../../map/cluster-state';
import { mapMessages } from '../../map/map-messages';
import type { RouteParams } from '../../routes';
import { Badge, ErrorNotice, Link, Loading, PageHeader } from '../../ui/components';
import { ClusterCharts } from './ClusterCharts';
import { ClusterCommands } from './ClusterCommands';
import { ClusterAlerts, PlayLog } from './ClusterLogs';
import { FaultList, LiveState } from './ClusterLive';
import { clusterMessages } from './cluster-messages';
import { withLive, type ClusterDetail, type ClusterLive } from './cluster-types';
import { fleetMessages, type FleetKey } from './fleet-messages';
import { stateOf, toMapClusters } from './fleet-model';
import './fleet.css';

type MapKey = keyof (typeof mapMessages)['vi'];
const RETIRED = new Set(['replaced', 'decommissioned']);

/** One cluster: live state over SSE, telemetry charts, faults, commands with their acks, play log. */
export function ClusterPage(props: { params: RouteParams }) {
  const id = props.params.id;
  const t = useT(clusterMessages);
  const tf = useT(fleetMessages);
  const tm = useT(mapMessages);
  const { can } = useSession();
  const cluster = useAsync((signal) => api.get<ClusterDetail>(`/clusters/${id}`, undefined, signal), [id]);
  const c = cluster.data;
  const ip = c?.kind === 'ip';
  const stream = useEventStream(c && ip ? `/clusters/${id}/stream` : null, {
    live: (data) => {
      const live = (data as { live: ClusterLive | null }).live;
      cluster.set((prev) => (prev ? withLive(prev, live) : (prev as unknown as ClusterDetail)));
    },
  });
  const mapClusters = useMemo(
    () => (c && hasPosition(c) ? toMapClusters([c]) : []),
    [c?.id, c?.online, c?.activeFaults.join()],
  );

  if (cluster.error && !c) {
    const missing =
      cluster.error instanceof ApiError && (cluster.error.status === 404 || cluster.error.status === 400);
    return (
      <>
        <PageHeader title={tf('title')} actions={<Link href="/fleet">{t('back')}</Link>} />
        {missing ? (
          <p class="notice notice-warn" role="alert">
            {t('notFound')}
          </p>
        ) : (
          <ErrorNotice error={cluster.error} onRetry={cluster.reload} />
        )}
      </>
    );
  }
  if (!c) return <Loading />;

  const state = stateOf(c);
  const live = c.live;
  const latest =
    live?.telemetry && live.telemetryAt ? { at: live.telemetryAt, telemetry: live.telemetry } : null;
  const place = [c.commune?.name, c.village?.name].filter(Boolean).join(' · ');
  const canSend = ip && can('commands.send') && !RETIRED.has(c.lifecycle);
  const canReadCommands = ip && can('commands.read');

  return (
    <div class="fleet cluster-page">
      <PageHeader
        title={c.name}
        subtitle={`${c.code}${place ? ` · ${place}` : ''}`}
        actions={<Link href="/fleet">← {t('back')}</Link>}
      />
      <div class="cluster-status card">
        {ip ? (
          <>
            <Badge tone={STATE_TONES[state]}>{tm(`state_${state}` as MapKey)}</Badge>
            <span>
              {live?.since
                ? t(c.online ? 'onlineSince' : 'offlineSince', { time: formatDateTime(live.since) })
                : c.lastSeenAt
                  ? t('lastSeen', { ago: formatAgo(c.lastSeenAt) })
                  : t('neverSeen')}
            </span>
            {c.lastSeenAt && live?.since ? (
              <span class="muted">{t('lastSeen', { ago: formatAgo(c.lastSeenAt) })}</span>
            ) : null}
            <span class={`cluster-stream ${stream.connected ? 'on' : 'off'}`} role="status">
              <span class="cluster-stream-dot" aria-hidden="true" />
              {stream.connected ? t('liveOn') : t('liveOff')}
            </span>
          </>
        ) : (
          <span>{t('notMonitored')}</span>
        )}
      </div>

      <div class="cluster-grid">
        {ip ? (
          <section class="card" aria-labelledby="cluster-now">
            <h2 id="cluster-now">{t('now')}</h2>
            <LiveState live={live} />
          </section>
        ) : null}
        {ip ? (
          <section class="card" aria-labelledby="cluster-faults">
            <h2 id="cluster-faults">{t('faults')}</h2>
            <div role="status" aria-live="polite">
              <FaultList faults={live?.faults ?? []} />
            </div>
            {can('alerts.read') ? (
              <>
                <h3 class="cluster-subhead">{t('alerts')}</h3>
                <ClusterAlerts clusterId={id} refreshKey={`${c.online}|${c.activeFaults.join()}`} />
              </>
            ) : null}
          </section>
        ) : null}
        {canSend || canReadCommands ? (
          <section class="card" aria-labelledby="cluster-commands">
            <h2 id="cluster-commands">{t('commands')}</h2>
            <ClusterCommands
              clusterId={id}
              clusterName={c.name}
              canSend={canSend}
              canRead={canReadCommands}
              currentVolume={typeof live?.telemetry?.volume === 'number' ? live.telemetry.volume : null}
            />
          </section>
        ) : null}
        <section class="card" aria-labelledby="cluster-device">
          <h2 id="cluster-device">{t('device')}</h2>
          <dl class="props cluster-props">
            <dt>{t('code')}</dt>
            <dd>{c.code}</dd>
            <dt>{t('kind')}</dt>
            <dd>{tf(`kind_${c.kind}` as FleetKey)}</dd>
            <dt>{t('lifecycle')}</dt>
            <dd>{tf(`lifecycle_${c.lifecycle}` as FleetKey)}</dd>
            <dt>{t('commune')}</dt>
            <dd>{c.commune?.name ?? '—'}</dd>
            <dt>{t('village')}</dt>
            <dd>{c.village?.name ?? '—'}</dd>
            {c.address ? (
              <>
                <dt>{t('address')}</dt>
                <dd>{c.address}</dd>
              </>
            ) : null}
            <dt>{t('model')}</dt>
            <dd>{[c.vendor, c.model].filter(Boolean).join(' ') || '—'}</dd>
            <dt>{t('firmware')}</dt>
            <dd>{String(live?.hello?.firmware ?? c.firmware ?? '—')}</dd>
            {c.serial ? (
              <>
                <dt>{t('serial')}</dt>
                <dd>{c.serial}</dd>
              </>
            ) : null}
            {c.msisdn ? (
              <>
                <dt>{t('sim')}</dt>
                <dd>{c.msisdn}</dd>
              </>
            ) : null}
            {c.installedOn ? (
              <>
                <dt>{t('installedOn')}</dt>
                <dd>{formatDate(c.installedOn)}</dd>
              </>
            ) : null}
            {hasPosition(c) ? (
              <>
                <dt>{t('position')}</dt>
                <dd>
                  {formatNumber(c.latitude, 5)}, {formatNumber(c.longitude, 5)}
                </dd>
              </>
            ) : null}
          </dl>
          {mapClusters.length ? (
            <ClusterMap
              clusters={mapClusters}
              label={t('mapLabel')}
              height={220}
              popupLink={false}
              legend={false}
            />
          ) : null}
        </section>
      </div>

      {ip && can('telemetry.read') ? (
        <section class="card" aria-labelledby="cluster-charts">
          <h2 id="cluster-charts">{t('charts')}</h2>
          <ClusterCharts clusterId={id} latest={latest} />
        </section>
      ) : null}
      {ip && can('playlogs.read') ? (
        <section class="card" aria-labelledby="cluster-playlog">
          <h2 id="cluster-playlog">{t('playLog')}</h2>
          <PlayLog clusterId={id} />
        </section>
      ) : null}
    </div>
  );
}
