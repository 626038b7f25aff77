import { defaultAuthorization } from './http';

/** The text of a server's /metrics, fetched with the credential requests to it carry (see authorize). */
export async function scrape(serverUrl: string): Promise<string> {
  const auth = defaultAuthorization(`${serverUrl}/metrics`);
  const res = await fetch(`${serverUrl}/metrics`, { headers: auth ? { authorization: auth } : {} });
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
  return res.text();
}

/** Sum of a Prometheus metric's samples matching `labels`, read from a server's /metrics (tests, benchmarks). */
export async function metric(
  serverUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await scrape(serverUrl);
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}
