import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/*
 * Every setting the server reads, with its default and meaning. This table is the source of the README's
 * configuration table (a test checks that they agree). Settings are read once at start.
 */

type Parser<T> = (raw: string, name: string) => T;

interface Variable<T> {
  name: string;
  default: T;
  /** How the default reads in the README when it is not a literal value. */
  defaultText?: string;
  description: string;
  parse: Parser<T>;
  /** Never logged or echoed. */
  sensitive?: boolean;
}

const str: Parser<string> = (raw) => raw;
const optionalStr: Parser<string | undefined> = (raw) => (raw === '' ? undefined : raw);
const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    }
    return value;
  };
/** A port number, or "off" to disable the listener (null). 0 picks a free port. */
const port: Parser<number | null> = (raw, name) => (raw === 'off' ? null : int(0, 65535)(raw, name));
const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw, name) => {
    if (!values.includes(raw as T))
      throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };
const decimal =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
    }
    return value;
  };
/** An IANA time zone the runtime knows (Intl), e.g. Asia/Ho_Chi_Minh. */
const timeZone: Parser<string> = (raw, name) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
  } catch {
    throw new ConfigError(`${name} must be an IANA time zone such as Asia/Ho_Chi_Minh, got "${raw}"`);
  }
  return raw;
};
/** An absolute http(s) URL without a trailing slash. */
const baseUrl: Parser<string | undefined> = (raw, name) => {
  if (raw === '') return undefined;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(raw))
    throw new ConfigError(`${name} must be an http(s) URL such as https://loa.example.vn, got "${raw}"`);
  return raw.replace(/\/+$/, '');
};

export interface MediaProfile {
  /** Rendition name, also part of stored file names. */
  name: string;
  codec: 'mp3';
  bitrateKbps: number;
  channels: 1 | 2;
  sampleRate: 22050 | 32000 | 44100 | 48000;
}
const PROFILE = /^([a-z0-9_-]{1,32})=mp3\/(\d{2,3})k\/(mono|stereo)\/(22050|32000|44100|48000)$/;
/** Device profiles: `name=mp3/<kbps>k/<mono|stereo>/<Hz>`, comma-separated. */
const profiles: Parser<MediaProfile[]> = (raw, name) => {
  const out = list(raw, name).map((item) => {
    const m = PROFILE.exec(item);
    const kbps = m ? Number(m[2]) : 0;
    if (!m || kbps < 16 || kbps > 320)
      throw new ConfigError(
        `${name}: "${item}" is not name=mp3/<16-320>k/<mono|stereo>/<22050|32000|44100|48000>`,
      );
    return {
      name: m[1],
      codec: 'mp3' as const,
      bitrateKbps: kbps,
      channels: m[3] === 'mono' ? (1 as const) : (2 as const),
      sampleRate: Number(m[4]) as MediaProfile['sampleRate'],
    };
  });
  if (out.length === 0) throw new ConfigError(`${name} needs at least one profile`);
  if (new Set(out.map((p) => p.name)).size !== out.length)
    throw new ConfigError(`${name} names a profile twice`);
  return out;
};
const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export class ConfigError extends Error {}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const CONFIG_VARIABLES = {
  host: {
    name: 'HOST',
    default: '0.0.0.0',
    description: 'Address the HTTP API and the broker listen on',
    parse: str,
  },
  port: {
    name: 'PORT',
    default: 3000,
    description: 'HTTP port of the API, its docs, /health and /metrics',
    parse: int(0, 65535),
  },
  mqttPort: {
    name: 'MQTT_PORT',
    default: 1883 as number | null,
    description: 'Embedded broker, MQTT over TCP (`off` disables)',
    parse: port,
  },
  mqttWsPort: {
    name: 'MQTT_WS_PORT',
    default: 8083 as number | null,
    description: 'Embedded broker, MQTT over WebSocket at `/mqtt` (`off` disables)',
    parse: port,
  },
  mqttTlsPort: {
    name: 'MQTT_TLS_PORT',
    default: 8883 as number | null,
    description: 'Embedded broker, MQTT over TLS; only when `TLS_CERT_FILE` and `TLS_KEY_FILE` are set',
    parse: port,
  },
  mqttWssPort: {
    name: 'MQTT_WSS_PORT',
    default: 8084 as number | null,
    description: 'Embedded broker, MQTT over secure WebSocket; only with a certificate',
    parse: port,
  },
  tlsCertFile: {
    name: 'TLS_CERT_FILE',
    default: undefined as string | undefined,
    defaultText: '(none)',
    description: 'PEM certificate (chain) for the broker TLS listeners',
    parse: optionalStr,
  },
  tlsKeyFile: {
    name: 'TLS_KEY_FILE',
    default: undefined as string | undefined,
    defaultText: '(none)',
    description: 'PEM private key for the broker TLS listeners',
    parse: optionalStr,
    sensitive: true,
  },
  mqttUrl: {
    name: 'MQTT_URL',
    default: undefined as string | undefined,
    defaultText: '(embedded broker)',
    description: 'External broker URL; when set no broker is embedded and the server connects there',
    parse: optionalStr,
  },
  mqttUsername: {
    name: 'MQTT_USERNAME',
    default: 'loa-server',
    description: "The server's own MQTT username",
    parse: str,
  },
  mqttPassword: {
    name: 'MQTT_PASSWORD',
    default: undefined as string | undefined,
    defaultText: '(random per start when embedded)',
    description: "The server's own MQTT password (required with `MQTT_URL`)",
    parse: optionalStr,
    sensitive: true,
  },
  publicMqttUrl: {
    name: 'PUBLIC_MQTT_URL',
    default: undefined as string | undefined,
    defaultText: '(the broker TCP address)',
    description: 'Broker URL handed to devices with their credentials',
    parse: optionalStr,
  },
  databaseUrl: {
    name: 'DATABASE_URL',
    default: undefined as string | undefined,
    defaultText: '(embedded PGlite)',
    description: 'PostgreSQL URL; when absent PGlite stores data in `DATA_DIR`',
    parse: optionalStr,
    sensitive: true,
  },
  dataDir: {
    name: 'DATA_DIR',
    default: './data',
    description: 'Folder for PGlite files and other local data',
    parse: str,
  },
  simFleet: {
    name: 'SIM_FLEET',
    default: -1,
    defaultText: '(20 embedded, 0 otherwise)',
    description: 'Simulated clusters started in-process for a demo (0 disables)',
    parse: int(0, 20000),
  },
  simTelemetryMs: {
    name: 'SIM_TELEMETRY_MS',
    default: 15000,
    description: 'Telemetry interval of the demo fleet, ms',
    parse: int(100, 3_600_000),
  },
  demoProvince: {
    name: 'DEMO_PROVINCE',
    default: '20',
    description:
      'GSO code of the province loaded on first start when the registry is empty (20 = Lạng Sơn; `off` skips)',
    parse: str,
  },
  logLevel: {
    name: 'LOG_LEVEL',
    default: 'info' as LogLevel,
    description: 'fatal, error, warn, info, debug, trace or silent',
    parse: oneOf(...LOG_LEVELS),
  },
  logPretty: {
    name: 'LOG_PRETTY',
    default: false,
    defaultText: '(true on a terminal)',
    description: 'Human-readable logs instead of JSON lines',
    parse: (raw: string) => raw === 'true' || raw === '1',
  },
  bodyLimitBytes: {
    name: 'BODY_LIMIT_BYTES',
    default: 1_048_576,
    description: 'Largest JSON request body; larger gets 413',
    parse: int(1024, 100 * 1_048_576),
  },
  csvLimitBytes: {
    name: 'CSV_LIMIT_BYTES',
    default: 10 * 1_048_576,
    description: 'Largest CSV import; larger gets 413',
    parse: int(1024, 500 * 1_048_576),
  },
  telemetryFlushMs: {
    name: 'TELEMETRY_FLUSH_MS',
    default: 1000,
    description: 'Telemetry and presence are written to the database in batches at most this often',
    parse: int(10, 60_000),
  },
  stateFlushMs: {
    name: 'STATE_FLUSH_MS',
    default: 15000,
    description: "Each cluster's last-known state (for restarts) is saved at most this often",
    parse: int(100, 600_000),
  },
  telemetryBatchMax: {
    name: 'TELEMETRY_BATCH_MAX',
    default: 2000,
    description: 'Rows per telemetry INSERT',
    parse: int(1, 50_000),
  },
  telemetryQueueMax: {
    name: 'TELEMETRY_QUEUE_MAX',
    default: 200_000,
    description:
      'Telemetry rows held in memory while the database is slow; beyond this they are dropped and counted',
    parse: int(1000, 10_000_000),
  },
  commandTtlS: {
    name: 'COMMAND_TTL_S',
    default: 3600,
    description: 'Default lifetime of a remote command before it expires, s',
    parse: int(1, 30 * 86400),
  },
  corsOrigins: {
    name: 'CORS_ORIGINS',
    default: [] as string[],
    defaultText: '(none)',
    description: 'Comma-separated origins allowed to call the API from a browser',
    parse: list,
  },
  consoleDir: {
    name: 'CONSOLE_DIR',
    default: 'dist/console',
    description:
      'Built web console served at `/` (`npm run build:console` writes it; `npm start` builds it first); `off` serves none',
    parse: str,
  },
  mapTileUrl: {
    name: 'MAP_TILE_URL',
    default: '',
    defaultText: '(none: built-in province outlines)',
    description:
      'Leaflet tile URL template for the console map, e.g. `https://tile.example.vn/{z}/{x}/{y}.png`; without it (or when tiles fail to load) the map draws its built-in outlines of Vietnam, so it works offline',
    parse: (raw, name) => {
      if (raw === '') return '';
      if (!/^https?:\/\/[^\s]+\{z\}[^\s]*$/.test(raw) || !raw.includes('{x}') || !raw.includes('{y}'))
        throw new ConfigError(`${name} must be an http(s) URL template with {z}, {x} and {y}`);
      return raw;
    },
  },
  mapTileAttribution: {
    name: 'MAP_TILE_ATTRIBUTION',
    default: '',
    description:
      'Attribution shown under the map for the tiles of MAP_TILE_URL (e.g. `© OpenStreetMap contributors`)',
    parse: str,
  },
  adminUsername: {
    name: 'ADMIN_USERNAME',
    default: 'admin',
    description: 'Username of the administrator created on first start (when no user exists)',
    parse: str,
  },
  adminPassword: {
    name: 'ADMIN_PASSWORD',
    default: undefined as string | undefined,
    defaultText: '(generated when embedded, required otherwise)',
    description:
      'Password of that first administrator; when embedded and unset, one is generated, logged once and written to `DATA_DIR/admin-password.txt`',
    parse: optionalStr,
    sensitive: true,
  },
  authSecret: {
    name: 'AUTH_SECRET',
    default: undefined as string | undefined,
    defaultText: '(generated into `DATA_DIR` when embedded, required otherwise)',
    description: 'Key (≥ 32 characters) that signs access tokens; every replica needs the same one',
    parse: optionalStr,
    sensitive: true,
  },
  accessTokenTtlS: {
    name: 'ACCESS_TOKEN_TTL_S',
    default: 900,
    description: 'Lifetime of an access token, s',
    parse: int(30, 86400),
  },
  sessionTtlS: {
    name: 'SESSION_TTL_S',
    default: 7 * 86400,
    description: 'Lifetime of a login session (refresh token or console cookie) without use, s',
    parse: int(300, 365 * 86400),
  },
  loginMaxFailures: {
    name: 'LOGIN_MAX_FAILURES',
    default: 5,
    description: 'Wrong passwords in a row before an account is locked',
    parse: int(1, 100),
  },
  loginLockoutS: {
    name: 'LOGIN_LOCKOUT_S',
    default: 900,
    description: 'How long such a lock lasts, s',
    parse: int(1, 86400),
  },
  loginRatePerMin: {
    name: 'LOGIN_RATE_PER_MIN',
    default: 20,
    description: 'Login attempts per minute from one address; more get 429',
    parse: int(1, 100_000),
  },
  secureCookies: {
    name: 'SECURE_COOKIES',
    default: 'auto' as 'auto' | 'true' | 'false',
    description: 'Mark the console session cookie Secure: `auto` does when the request came over HTTPS',
    parse: oneOf('auto', 'true', 'false'),
  },
  credentialGraceS: {
    name: 'CREDENTIAL_GRACE_S',
    default: 7 * 86400,
    description:
      'After a cluster credential is rotated, how long the old one still connects (until the device first uses the new one), s',
    parse: int(0, 365 * 86400),
  },
  mqttRatePerS: {
    name: 'MQTT_RATE_PER_S',
    default: 20,
    description:
      'Sustained publishes per second allowed to one device; beyond, publishes are dropped and counted',
    parse: int(1, 100_000),
  },
  mqttBurst: {
    name: 'MQTT_BURST',
    default: 100,
    description: 'Publishes a device may send at once above that rate',
    parse: int(1, 1_000_000),
  },
  mediaDir: {
    name: 'MEDIA_DIR',
    default: undefined as string | undefined,
    defaultText: 'DATA_DIR/media',
    description: 'Where uploaded media and renditions are stored (local disk storage)',
    parse: optionalStr,
  },
  mediaMaxUploadMb: {
    name: 'MEDIA_MAX_UPLOAD_MB',
    default: 200,
    description: 'Largest media upload accepted, MiB (streamed to disk, never held in memory)',
    parse: int(1, 10_240),
  },
  mediaProfiles: {
    name: 'MEDIA_PROFILES',
    default: [
      { name: 'mp3_64k_mono', codec: 'mp3', bitrateKbps: 64, channels: 1, sampleRate: 44100 },
    ] as MediaProfile[],
    defaultText: 'mp3_64k_mono=mp3/64k/mono/44100',
    description:
      'Device renditions made of every asset: `name=mp3/<kbps>k/<mono|stereo>/<Hz>`, comma-separated; the first is sent to devices',
    parse: profiles,
  },
  mediaCacheMb: {
    name: 'MEDIA_CACHE_MB',
    default: 256,
    description:
      'Memory for the renditions devices fetch most (served without touching the disk; 0 turns it off), MiB',
    parse: int(0, 65_536),
  },
  loudnessTargetLufs: {
    name: 'LOUDNESS_TARGET_LUFS',
    default: -16,
    description: 'EBU R128 integrated loudness every rendition is normalised to (two-pass loudnorm), LUFS',
    parse: decimal(-70, -5),
  },
  loudnessTruePeakDbtp: {
    name: 'LOUDNESS_TRUE_PEAK_DBTP',
    default: -1,
    description: 'Maximum true peak after normalisation, dBTP',
    parse: decimal(-9, 0),
  },
  transcodeConcurrency: {
    name: 'TRANSCODE_CONCURRENCY',
    default: Math.max(1, availableParallelism() - 1),
    defaultText: 'CPU cores − 1 (at least 1)',
    description: 'Transcoding jobs run at once; more wait in the queue',
    parse: int(1, 64),
  },
  ffmpegPath: {
    name: 'FFMPEG_PATH',
    default: undefined as string | undefined,
    defaultText: '(ffmpeg-static, @ffmpeg-installer/ffmpeg, else ffmpeg on PATH)',
    description: 'ffmpeg binary',
    parse: optionalStr,
  },
  ffprobePath: {
    name: 'FFPROBE_PATH',
    default: undefined as string | undefined,
    defaultText: '(@ffprobe-installer/ffprobe, else ffprobe on PATH)',
    description: 'ffprobe binary',
    parse: optionalStr,
  },
  publicBaseUrl: {
    name: 'PUBLIC_BASE_URL',
    default: undefined as string | undefined,
    defaultText: '(http://HOST:PORT; the first LAN address when HOST is 0.0.0.0)',
    description: 'Base URL devices use to download media and join live streams (put your HTTPS name here)',
    parse: baseUrl,
  },
  mediaUrlTtlS: {
    name: 'MEDIA_URL_TTL_S',
    default: 72 * 3600,
    description: 'How long a signed media URL in a manifest or play_now stays valid, s',
    parse: int(60, 30 * 86400),
  },
  timeZone: {
    name: 'TIME_ZONE',
    default: 'Asia/Ho_Chi_Minh',
    description: 'Time zone schedules are written in (RRULEs, validity dates, daily summaries)',
    parse: timeZone,
  },
  scheduleWindowDays: {
    name: 'SCHEDULE_WINDOW_DAYS',
    default: 7,
    description: 'How far ahead schedules are expanded into occurrences (conflict checks, readiness), days',
    parse: int(2, 90),
  },
  manifestHorizonH: {
    name: 'MANIFEST_HORIZON_H',
    default: 48,
    description: 'How far ahead each cluster manifest reaches, hours',
    parse: int(1, 168),
  },
  manifestDebounceMs: {
    name: 'MANIFEST_DEBOUNCE_MS',
    default: 1000,
    description: 'Changes within this time are published as one manifest per cluster, ms',
    parse: int(0, 60_000),
  },
  manifestRefreshMin: {
    name: 'MANIFEST_REFRESH_MIN',
    default: 60,
    description: 'Every this many minutes manifests whose window moved on are republished, min',
    parse: int(1, 1440),
  },
  downloadSpreadS: {
    name: 'DOWNLOAD_SPREAD_S',
    default: 6 * 3600,
    description: 'Longest time over which clusters’ first downloads of a new file are spread (fetchFrom), s',
    parse: int(0, 7 * 86400),
  },
  broadcastTtlS: {
    name: 'BROADCAST_TTL_S',
    default: 120,
    description: 'A play_now or stop not delivered within this time expires (the cluster ignores it), s',
    parse: int(5, 86400),
  },
  healthRules: {
    name: 'HEALTH_RULES',
    default: 'on' as 'on' | 'off',
    description:
      'Judge clusters by the health rules and open alerts (`off`: no new alerts; for comparisons in benchmarks)',
    parse: oneOf('on', 'off'),
  },
  healthTickMs: {
    name: 'HEALTH_TICK_MS',
    default: 1000,
    description:
      'How often due health-rule timers (offline for N minutes, weak signal for a duration) are checked, ms',
    parse: int(50, 60_000),
  },
  alertGroupWindowS: {
    name: 'ALERT_GROUP_WINDOW_S',
    default: 30,
    description:
      'Alert changes are gathered this long before notifying, so a storm (a district losing power) becomes one notification per unit, s',
    parse: int(0, 3600),
  },
  alertGroupMin: {
    name: 'ALERT_GROUP_MIN',
    default: 3,
    description: 'This many alerts of one rule in one unit within the window are notified as one group',
    parse: int(2, 100_000),
  },
  smtpUrl: {
    name: 'SMTP_URL',
    default: undefined as string | undefined,
    defaultText: '(none: no email)',
    description:
      'SMTP server for alert email, e.g. smtps://user:pass@mail.example.vn:465; recipients are the technicians and administrators in scope who have an email address',
    parse: optionalStr,
    sensitive: true,
  },
  alertEmailFrom: {
    name: 'ALERT_EMAIL_FROM',
    default: 'loa-xa <no-reply@localhost>',
    description: 'Sender of alert email',
    parse: str,
  },
  alertEmailMinSeverity: {
    name: 'ALERT_EMAIL_MIN_SEVERITY',
    default: 'major' as 'critical' | 'major' | 'minor',
    description: 'Alerts below this severity are not emailed (critical, major, minor)',
    parse: oneOf('critical', 'major', 'minor'),
  },
  webhookTimeoutMs: {
    name: 'WEBHOOK_TIMEOUT_MS',
    default: 10_000,
    description: 'A webhook delivery not answered within this time counts as failed and is retried, ms',
    parse: int(100, 120_000),
  },
  webhookPrivateTargets: {
    name: 'WEBHOOK_PRIVATE_TARGETS',
    default: 'deny' as 'deny' | 'allow',
    description:
      'Webhooks to loopback, private, link-local or carrier-NAT addresses are refused (`deny`: no requests into the server’s own networks) unless `allow`',
    parse: oneOf('deny', 'allow'),
  },
  webhookMaxAttempts: {
    name: 'WEBHOOK_MAX_ATTEMPTS',
    default: 8,
    description:
      'Attempts per webhook or email delivery (backoff 10 s doubling, up to 1 h) before it is marked failed',
    parse: int(1, 50),
  },
} satisfies Record<string, Variable<unknown>>;

type Vars = typeof CONFIG_VARIABLES;
export type AppConfig = { [K in keyof Vars]: Vars[K]['default'] } & {
  /** True when neither DATABASE_URL nor MQTT_URL is set: everything runs in this process. */
  embedded: boolean;
};

/** Reads and validates the environment. Throws ConfigError naming the variable at fault. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const values: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(CONFIG_VARIABLES) as [string, Variable<unknown>][]) {
    const raw = env[variable.name];
    values[key] =
      raw === undefined || raw === '' ? variable.default : variable.parse(raw.trim(), variable.name);
  }
  const config = { ...values, ...overrides } as AppConfig;
  config.embedded = !config.databaseUrl && !config.mqttUrl;
  if (config.simFleet === -1) config.simFleet = config.embedded ? 20 : 0;
  if (env.LOG_PRETTY === undefined && overrides.logPretty === undefined)
    config.logPretty = Boolean(process.stdout.isTTY);
  if (config.mqttUrl && !config.mqttPassword) {
    throw new ConfigError('MQTT_PASSWORD is required when MQTT_URL points to an external broker');
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (config.authSecret !== undefined && config.authSecret.length < 32) {
    throw new ConfigError('AUTH_SECRET must be at least 32 characters');
  }
  if (!config.embedded && !config.authSecret) {
    throw new ConfigError(
      'AUTH_SECRET is required with DATABASE_URL or MQTT_URL (every replica must share it)',
    );
  }
  config.dataDir = resolve(config.dataDir);
  config.mediaDir = resolve(config.mediaDir ?? resolve(config.dataDir, 'media'));
  return config;
}

/** The configuration with secrets masked, for the start-up log. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(CONFIG_VARIABLES) as [string, Variable<unknown>][]) {
    const value = config[key as keyof AppConfig];
    out[variable.name] = variable.sensitive && value !== undefined ? '***' : value;
  }
  return out;
}

/** The README's configuration table, generated from CONFIG_VARIABLES (`npm run docs:config` prints it). */
export function renderConfigTable(): string {
  const rows = (Object.values(CONFIG_VARIABLES) as Variable<unknown>[]).map((v) => {
    const shown =
      v.defaultText ??
      (Array.isArray(v.default) ? v.default.join(',') || '(none)' : String(v.default ?? '(none)'));
    return `| \`${v.name}\` | ${shown.startsWith('(') ? shown : `\`${shown}\``} | ${v.description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
