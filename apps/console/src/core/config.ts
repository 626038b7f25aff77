/** Settings the server writes into index.html (`<meta name="loa-config">`), read once at start. */
export interface ConsoleConfig {
  /** Leaflet tile URL template; empty: only the built-in province outlines (works offline). */
  tileUrl: string;
  tileAttribution: string;
  /** IANA zone the commune's schedules are written in (server TIME_ZONE). */
  timeZone: string;
  version: string;
}

const DEFAULTS: ConsoleConfig = {
  tileUrl: '',
  tileAttribution: '',
  timeZone: 'Asia/Ho_Chi_Minh',
  version: '',
};

function read(): ConsoleConfig {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="loa-config"]');
  if (!meta) return DEFAULTS;
  try {
    return { ...DEFAULTS, ...(JSON.parse(meta.content) as Partial<ConsoleConfig>) };
  } catch {
    return DEFAULTS;
  }
}

export const config: ConsoleConfig = read();
