import { parseArgs } from 'node:util';

/** Command-line flags of the simulator, parsed and checked (kept apart from cli.ts so it can be unit-tested). */

export const DEFAULT_BROKER_URL = 'mqtt://127.0.0.1:1883';
export const DEFAULT_CREDENTIALS_FILE = 'sim-credentials.json';

export const USAGE = `loa-xa firmware simulator: simulated IP loudspeaker clusters speaking the device contract over MQTT.

Usage:
  npm run sim -- --credentials FILE [options]
  npm run sim -- --provision --api URL --commune CODE --clusters N [--credentials FILE] [options]

Clusters:
  --credentials FILE        JSON file {"clusters":[{"clusterId","code","secret"}]} to run
                            (with --provision: where new credentials are added; default ${DEFAULT_CREDENTIALS_FILE})
  --provision               create clusters through the server's HTTP API before running
  --api URL                 server base URL, e.g. http://127.0.0.1:3000 (with --provision)
  --commune CODE            official code of the commune the clusters belong to (with --provision)
  --clusters N              how many clusters to create (with --provision)
  --code-prefix P           cluster codes are P-0001, P-0002, ... (default SIM-<commune>)
  --api-key KEY             API key (lxk_…) of an account allowed to register clusters in the commune
                            (with --provision); better in the environment variable LOA_API_KEY, which
                            other users cannot read in the process list
  --auth VALUE              raw Authorization header instead, e.g. "Bearer <access token>"

Link and device:
  --broker URL              MQTT broker (default: the credentials file's brokerUrl, else ${DEFAULT_BROKER_URL})
  --telemetry-interval MS   telemetry period (default 60000)
  --keepalive S             MQTT keepalive (default 60)
  --clock-skew-ms MS        device clock minus real time (default 0); every ts and play report uses
                            the skewed clock; a negative value needs '=': --clock-skew-ms=-5000
                            (--clock-skew is the same flag)
  --no-clock-correction     the clusters do not know their clock is wrong: they report clockOffsetMs 0
                            and play early/late by the skew (default: they report the skew and
                            correct for it, so they play on time)
  --reconnect-period MS     mean wait before reconnecting, jittered (default 5000)
  --reboot-duration MS      how long a reboot keeps a cluster off the network (default 3000)
  --drop-prob P             probability that one telemetry message is lost (default 0)
  --outage-prob P           probability per minute that a cluster's link goes down (default 0)
  --outage-min MS           shortest outage (default 30000)
  --outage-max MS           longest outage (default 300000)
  --amp-fault-rate R        amplifier faults per cluster per hour (default 0)
  --line-fault-rate R       speaker-line faults (open/short) per cluster per hour (default 0)
  --mains-loss-rate R       mains power losses per cluster per hour (default 0)
  --fault-duration MS       mean time until a random fault clears (default 600000)
  --low-signal FRACTION     share of clusters on weak-signal sites, RSRP around -118 dBm (default 0)

Broadcasting (manifests, play_now, stop):
  --no-download             trust manifests and play_now: mark every listed file held at once, no HTTP
                            (large benchmarks); default: download, verify size and SHA-256
  --media-dir DIR           keep downloaded files under DIR/<clusterId>/ (default: hash them, keep nothing)
  --max-downloads N         media downloads running at once over the whole fleet; 0 = no cap (default 0);
                            each cluster fetches one file at a time anyway
  --download-attempts N     attempts per file before it is reported missing for good (default 5)
  --download-retry MS       first retry back-off, doubling up to 60 s (default 2000)

Run:
  --connect-rate N          cluster connects started per second (default 200)
  --duration S              stop cleanly after S seconds; 0 = run until SIGINT/SIGTERM (default 0)
  --seed N                  seed of every random choice, for a reproducible run (default: random, printed)
  --stats-interval S        print a one-line summary every S seconds; 0 = only at the end (default 10)
  -h, --help                show this help

Ctrl-C (SIGINT) or SIGTERM stops every cluster cleanly (retained "offline", then DISCONNECT);
a second signal kills them at once (the broker then publishes their last wills).`;

export interface CliConfig {
  help: boolean;
  broker?: string;
  credentials?: string;
  provision: boolean;
  api?: string;
  commune?: string;
  clusters?: number;
  codePrefix?: string;
  auth?: string;
  telemetryIntervalMs: number;
  keepaliveS: number;
  clockSkewMs: number;
  clockCorrected: boolean;
  download: boolean;
  mediaDir?: string;
  maxConcurrentDownloads: number;
  downloadMaxAttempts: number;
  downloadRetryMs: number;
  reconnectPeriodMs: number;
  rebootDurationMs: number;
  dropProbability: number;
  outageProbabilityPerMinute: number;
  outageMinMs: number;
  outageMaxMs: number;
  ampFaultRatePerHour: number;
  lineFaultRatePerHour: number;
  mainsLossRatePerHour: number;
  meanFaultDurationMs: number;
  lowSignalFraction: number;
  connectRatePerS: number;
  durationS: number;
  seed?: number;
  statsIntervalS: number;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

const STRING_FLAGS = [
  'broker',
  'credentials',
  'api',
  'commune',
  'clusters',
  'code-prefix',
  'auth',
  'api-key',
  'telemetry-interval',
  'keepalive',
  'clock-skew',
  'clock-skew-ms',
  'media-dir',
  'max-downloads',
  'download-attempts',
  'download-retry',
  'reconnect-period',
  'reboot-duration',
  'drop-prob',
  'outage-prob',
  'outage-min',
  'outage-max',
  'amp-fault-rate',
  'line-fault-rate',
  'mains-loss-rate',
  'fault-duration',
  'low-signal',
  'connect-rate',
  'duration',
  'seed',
  'stats-interval',
] as const;
type StringFlag = (typeof STRING_FLAGS)[number];

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliConfig {
  let values: Partial<Record<StringFlag, string>> & {
    provision?: boolean;
    help?: boolean;
    'no-download'?: boolean;
    'no-clock-correction'?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
        provision: { type: 'boolean' },
        'no-download': { type: 'boolean' },
        'no-clock-correction': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }

  const num = (flag: StringFlag, fallback: number, min: number, max: number, integer = false): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new CliUsageError(
        `--${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got "${raw}"`,
      );
    }
    return value;
  };
  const optionalNum = (flag: StringFlag, min: number, max: number): number | undefined =>
    values[flag] === undefined ? undefined : num(flag, 0, min, max, true);

  if (values['clock-skew'] !== undefined && values['clock-skew-ms'] !== undefined)
    throw new CliUsageError('give either --clock-skew-ms or --clock-skew, not both');
  if (values['clock-skew'] !== undefined) values['clock-skew-ms'] = values['clock-skew'];

  const config: CliConfig = {
    help: values.help ?? false,
    broker: values.broker,
    credentials: values.credentials,
    provision: values.provision ?? false,
    api: values.api,
    commune: values.commune,
    clusters: optionalNum('clusters', 1, 100_000),
    codePrefix: values['code-prefix'],
    auth: authorizationOf(values.auth, values['api-key'] ?? env.LOA_API_KEY),
    telemetryIntervalMs: num('telemetry-interval', 60_000, 10, 86_400_000, true),
    keepaliveS: num('keepalive', 60, 0, 65_535, true),
    clockSkewMs: num('clock-skew-ms', 0, -86_400_000, 86_400_000, true),
    clockCorrected: !(values['no-clock-correction'] ?? false),
    download: !(values['no-download'] ?? false),
    mediaDir: values['media-dir'],
    maxConcurrentDownloads: num('max-downloads', 0, 0, 100_000, true),
    downloadMaxAttempts: num('download-attempts', 5, 1, 100, true),
    downloadRetryMs: num('download-retry', 2000, 1, 3_600_000, true),
    reconnectPeriodMs: num('reconnect-period', 5000, 10, 3_600_000, true),
    rebootDurationMs: num('reboot-duration', 3000, 0, 3_600_000, true),
    dropProbability: num('drop-prob', 0, 0, 1),
    outageProbabilityPerMinute: num('outage-prob', 0, 0, 1),
    outageMinMs: num('outage-min', 30_000, 0, 86_400_000, true),
    outageMaxMs: num('outage-max', 300_000, 0, 86_400_000, true),
    ampFaultRatePerHour: num('amp-fault-rate', 0, 0, 3600),
    lineFaultRatePerHour: num('line-fault-rate', 0, 0, 3600),
    mainsLossRatePerHour: num('mains-loss-rate', 0, 0, 3600),
    meanFaultDurationMs: num('fault-duration', 600_000, 1, 86_400_000, true),
    lowSignalFraction: num('low-signal', 0, 0, 1),
    connectRatePerS: num('connect-rate', 200, 1, 100_000),
    durationS: num('duration', 0, 0, 31_536_000),
    seed: optionalNum('seed', 0, 0xffffffff),
    statsIntervalS: num('stats-interval', 10, 0, 86_400),
  };
  if (config.help) return config;

  if (!config.download && config.mediaDir !== undefined)
    throw new CliUsageError('--media-dir needs downloads: drop --no-download');
  if (config.outageMaxMs < config.outageMinMs)
    throw new CliUsageError('--outage-max must be >= --outage-min');
  if (config.provision) {
    const missing = (['api', 'commune', 'clusters'] as const).filter((key) => config[key] === undefined);
    if (missing.length > 0) {
      throw new CliUsageError(`--provision needs ${missing.map((key) => `--${key}`).join(', ')}`);
    }
    if (!config.auth)
      throw new CliUsageError(
        '--provision needs credentials for the API: set LOA_API_KEY (or --api-key, or --auth "Bearer <token>")',
      );
  } else if (!config.credentials) {
    throw new CliUsageError(
      'nothing to simulate: give --credentials FILE, or --provision to create clusters',
    );
  }
  return config;
}

/** The Authorization header: a raw --auth value, else an API key as a bearer token. */
function authorizationOf(auth: string | undefined, apiKey: string | undefined): string | undefined {
  if (auth && apiKey) throw new CliUsageError('give either --auth or an API key, not both');
  if (apiKey) return `Bearer ${apiKey.trim()}`;
  return auth;
}
