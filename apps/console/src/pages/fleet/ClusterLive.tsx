import { formatBytes, formatDateTime, formatDuration, formatNumber, formatTime, useT } from '../../core/i18n';
import { Badge, Empty } from '../../ui/components';
import { signalLevel } from './fleet-model';
import { faultLabel, fleetMessages, type FleetKey } from './fleet-messages';
import { clusterMessages } from './cluster-messages';
import { labelOf, type ClusterLive, type FaultView } from './cluster-types';

/** The latest telemetry in words and units. */
export function LiveState(props: { live: ClusterLive | null }) {
  const t = useT(clusterMessages);
  const tf = useT(fleetMessages);
  const tel = props.live?.telemetry;
  if (!tel) return <Empty>{t('noTelemetry')}</Empty>;
  const net = tel.net ?? {};
  const level = signalLevel(net.rsrp, net.rssi);
  const signal = [
    typeof net.rsrp === 'number' ? `RSRP ${formatNumber(net.rsrp, 1)} dBm` : null,
    typeof net.rssi === 'number' ? `RSSI ${formatNumber(net.rssi, 1)} dBm` : null,
    typeof net.sinr === 'number' ? `SINR ${formatNumber(net.sinr, 1)} dB` : null,
  ].filter(Boolean);
  const power = tel.power ?? {};
  const battery = [
    typeof power.batteryPct === 'number' ? `${power.batteryPct}%` : null,
    typeof power.batteryV === 'number' ? t('batteryV', { v: formatNumber(power.batteryV, 1) }) : null,
  ].filter(Boolean);
  return (
    <>
      <p class="muted cluster-measured">
        {t('measuredAt', { time: formatTime(props.live?.telemetryAt ?? null) })}
      </p>
      <dl class="props cluster-props">
        <dt>{t('network')}</dt>
        <dd>
          {networkName(net.type)}
          {net.operator ? <span class="muted"> · {t('operator', { name: net.operator })}</span> : null}
        </dd>
        <dt>{t('signal')}</dt>
        <dd>
          <Badge
            tone={level === 'good' ? 'ok' : level === 'fair' ? 'warn' : level === 'poor' ? 'bad' : 'muted'}
          >
            {tf(`signal_${level}` as FleetKey)}
          </Badge>{' '}
          {signal.join(' · ')}
        </dd>
        <dt>{t('power')}</dt>
        <dd>
          {power.source === 'battery' ? <Badge tone="warn">{t('battery')}</Badge> : t('mains')}
          {battery.length ? <span> · {battery.join(', ')}</span> : null}
        </dd>
        <dt>{t('amp')}</dt>
        <dd>
          <StateWord tone={tel.amp === 'fault' ? 'bad' : undefined}>
            {labelOf(t, 'amp_', tel.amp ?? '—')}
          </StateWord>
        </dd>
        <dt>{t('line')}</dt>
        <dd>
          <StateWord tone={tel.line && tel.line !== 'ok' ? 'bad' : undefined}>
            {labelOf(t, 'line_', tel.line ?? '—')}
          </StateWord>
        </dd>
        <dt>{t('volume')}</dt>
        <dd data-testid="live-volume">{typeof tel.volume === 'number' ? `${tel.volume}%` : '—'}</dd>
        {typeof tel.tempC === 'number' ? (
          <>
            <dt>{t('temperature')}</dt>
            <dd>{formatNumber(tel.tempC, 1)} °C</dd>
          </>
        ) : null}
        <dt>{t('storage')}</dt>
        <dd>{typeof tel.storageFreeMb === 'number' ? formatBytes(tel.storageFreeMb * 1024 * 1024) : '—'}</dd>
        <dt>{t('clock')}</dt>
        <dd>
          {typeof tel.clockOffsetMs === 'number'
            ? t('clockValue', { ms: formatNumber(tel.clockOffsetMs) })
            : '—'}
        </dd>
        {typeof tel.uptimeS === 'number' ? (
          <>
            <dt>{t('uptime')}</dt>
            <dd>{formatDuration(tel.uptimeS)}</dd>
          </>
        ) : null}
        <dt>{t('playing')}</dt>
        <dd>{tel.playing?.kind ? labelOf(t, 'playing_', tel.playing.kind) : t('playing_none')}</dd>
      </dl>
    </>
  );
}

function StateWord(props: { tone?: 'bad'; children: string }) {
  return props.tone ? <Badge tone="bad">{props.children}</Badge> : <span>{props.children}</span>;
}

function networkName(type: string | undefined): string {
  if (!type) return '—';
  if (type === 'ethernet') return 'Ethernet';
  if (type === 'wifi') return 'Wi-Fi';
  return type.toUpperCase();
}

/** Open faults, worst words first, with when they were raised. */
export function FaultList(props: { faults: FaultView[] }) {
  const t = useT(clusterMessages);
  const tf = useT(fleetMessages);
  if (props.faults.length === 0) return <p class="muted">{t('noFaults')}</p>;
  return (
    <ul class="cluster-faults">
      {props.faults.map((f) => (
        <li key={f.code}>
          <Badge tone="bad">{faultLabel(tf, f.code)}</Badge>{' '}
          <span class="muted">{t('faultSince', { time: formatDateTime(f.since) })}</span>
          {f.detail ? <div class="muted">{f.detail}</div> : null}
        </li>
      ))}
    </ul>
  );
}
