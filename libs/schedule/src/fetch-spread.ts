/*
 * When each cluster may start downloading a file, so a province's clusters do not all hit the server at one
 * instant: a deterministic point (hash of cluster and file) spread uniformly over the time left before the
 * file is needed, less a safety margin for slow links.
 */

/** Always leave at least this long to download before first use. */
export const FETCH_MIN_MARGIN_MS = 15 * 60_000;
/** Conservative 4G throughput assumed for the margin, bytes per second. */
export const FETCH_ASSUMED_BYTES_PER_S = 20_000;

/** cyrb53: a fast 53-bit string hash with good avalanche; uniform enough to spread clients. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The download margin before first use for a file of `sizeBytes`, ms. */
export function fetchMarginMs(sizeBytes: number): number {
  const transfer = Math.ceil((Math.max(0, sizeBytes) / FETCH_ASSUMED_BYTES_PER_S) * 1000);
  return Math.max(FETCH_MIN_MARGIN_MS, transfer);
}

/**
 * Epoch ms from which `clusterId` may download file `sha256`: uniform in [now, latest), latest = firstUse −
 * margin, the window capped at spreadS seconds; `now` when there is no room. Never after firstUse.
 * The same inputs always give the same answer.
 */
export function fetchFrom(input: {
  clusterId: string;
  sha256: string;
  firstUse: number;
  now: number;
  spreadS: number;
  sizeBytes: number;
}): number {
  const { clusterId, sha256, firstUse, now, spreadS, sizeBytes } = input;
  const latest = Math.min(firstUse - fetchMarginMs(sizeBytes), now + Math.max(0, spreadS) * 1000);
  if (!(latest > now)) return Math.min(now, firstUse);
  const u = hash53(`${clusterId}\u0000${sha256.toLowerCase()}`) / 2 ** 53;
  return now + Math.floor(u * (latest - now));
}
