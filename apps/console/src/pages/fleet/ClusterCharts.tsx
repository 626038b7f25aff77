import { useEffect, useState } from 'preact/hooks';
import { api } from '../../core/api';
import { config } from '../../core/config';
import { formatTime, useLang, useT } from '../../core/i18n';
import { useAsync } from '../../core/hooks';
import { ErrorNotice, Loading, Tabs } from '../../ui/components';
import { LineChart } from '../../ui/LineChart';
import { clusterMessages } from './cluster-messages';
import type { TelemetryMessage } from './cluster-types';
import { RANGES, series, zoneOffsetMs, type RangeKey, type TelemetrySample } from './telemetry-series';

const LIMIT = 10_000; // the API's largest page
const MAX_CHUNKS = 3;

/** History oldest first; a long range may take a few requests (each at most LIMIT samples). */
async function loadHistory(
  id: string,
  from: Date,
  to: Date,
  signal: AbortSignal,
): Promise<TelemetrySample[]> {
  const all: TelemetrySample[] = [];
  let start = from;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const page = await api.get<{ items: TelemetrySample[] }>(
      `/clusters/${id}/telemetry`,
      { from: start.toISOString(), to: to.toISOString(), limit: LIMIT },
      signal,
    );
    all.push(...page.items);
    if (page.items.length < LIMIT) break;
    start = new Date(new Date(page.items[page.items.length - 1].receivedAt).getTime() + 1);
    if (start >= to) break;
  }
  return all;
}

/** Telemetry over 6 h / 24 h / 7 days; live telemetry from the page's stream is appended as it comes. */
export function ClusterCharts(props: {
  clusterId: string;
  latest: { at: string; telemetry: TelemetryMessage } | null;
}) {
  const t = useT(clusterMessages);
  const lang = useLang();
  const [range, setRange] = useState<RangeKey>('24h');
  const [to, setTo] = useState(() => Date.now());
  const from = to - RANGES[range];
  const history = useAsync(
    (signal) => loadHistory(props.clusterId, new Date(from), new Date(to), signal),
    [props.clusterId, range, to],
  );
  const [extra, setExtra] = useState<TelemetrySample[]>([]);
  useEffect(() => setExtra([]), [history.data]);
  useEffect(() => {
    const latest = props.latest;
    if (!latest || typeof latest.telemetry.volume !== 'number') return;
    const tel = latest.telemetry;
    const sample: TelemetrySample = {
      receivedAt: latest.at,
      rsrp: tel.net?.rsrp ?? null,
      rssi: tel.net?.rssi ?? null,
      batteryV: tel.power?.batteryV ?? null,
      tempC: tel.tempC ?? null,
      volume: tel.volume ?? 0,
      storageFreeMb: tel.storageFreeMb ?? 0,
    };
    setExtra((prev) => (prev.some((s) => s.receivedAt === sample.receivedAt) ? prev : [...prev, sample]));
  }, [props.latest?.at]);

  const lastLoaded = history.data?.[history.data.length - 1]?.receivedAt ?? '';
  const samples = [...(history.data ?? []), ...extra.filter((s) => s.receivedAt > lastLoaded)];
  const now = Math.max(to, ...extra.map((s) => new Date(s.receivedAt).getTime()));
  const start = now - RANGES[range];
  const offset = zoneOffsetMs(config.timeZone);
  const dayFormat = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: config.timeZone,
    day: '2-digit',
    month: '2-digit',
  });
  const tick = (ms: number) => (range === '7d' ? dayFormat.format(new Date(ms)) : formatTime(new Date(ms)));
  const common = { from: start, to: now, formatTime: tick, zoneOffsetMs: offset };
  const rsrp = series(samples, 'rsrp');
  const battery = series(samples, 'batteryV');
  const temp = series(samples, 'tempC');

  return (
    <>
      <Tabs
        label={t('range')}
        tabs={(Object.keys(RANGES) as RangeKey[]).map((key) => ({ key, label: t(`range_${key}`) }))}
        active={range}
        onChange={(key) => {
          setRange(key);
          setTo(Date.now());
        }}
      />
      {history.error && !history.data ? (
        <ErrorNotice error={history.error} onRetry={history.reload} />
      ) : !history.data ? (
        <Loading />
      ) : samples.length === 0 ? (
        <p class="muted">{t('noHistory')}</p>
      ) : (
        <div class="cluster-charts">
          <LineChart
            {...common}
            label={t('chartVolume')}
            unit="%"
            min={0}
            max={100}
            points={series(samples, 'volume')}
          />
          {rsrp.length ? (
            <LineChart {...common} label={t('chartRsrp')} unit="dBm" points={rsrp} color="#1d7a3a" />
          ) : (
            <LineChart
              {...common}
              label={t('chartRssi')}
              unit="dBm"
              points={series(samples, 'rssi')}
              color="#1d7a3a"
            />
          )}
          {battery.length ? (
            <LineChart
              {...common}
              label={t('chartBattery')}
              unit="V"
              digits={1}
              points={battery}
              color="#c77700"
            />
          ) : null}
          {temp.length ? (
            <LineChart
              {...common}
              label={t('chartTemp')}
              unit="°C"
              digits={1}
              points={temp}
              color="#b3261e"
            />
          ) : null}
          <LineChart
            {...common}
            label={t('chartStorage')}
            unit="MB"
            min={0}
            points={series(samples, 'storageFreeMb')}
            color="#5b4a8c"
          />
        </div>
      )}
    </>
  );
}
