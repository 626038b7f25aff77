/*
 * The head of an Icecast source request (`SOURCE /mount ICE/1.0` or `HTTP/1.0`, or Icecast 2.4's
 * `PUT /mount HTTP/1.1`): parsed by hand because the body that follows has no length (Node's HTTP parser would
 * take it for the next request).
 */

export interface SourceRequestHead {
  method: string;
  path: string;
  /** Header names in lower case; the last value wins. */
  headers: Record<string, string>;
}

/** First bytes of a connection that may be a source request (decided before anything reaches Node's parser). */
const PREFIXES = [Buffer.from('SOURCE '), Buffer.from('PUT /live/')];

/** `yes`: an Icecast source request; `no`: anything else; `maybe`: too few bytes yet. */
export function classifyConnection(first: Buffer): 'yes' | 'no' | 'maybe' {
  let maybe = false;
  for (const prefix of PREFIXES) {
    const n = Math.min(prefix.length, first.length);
    if (first.subarray(0, n).equals(prefix.subarray(0, n))) {
      if (first.length >= prefix.length) return 'yes';
      maybe = true;
    }
  }
  return maybe ? 'maybe' : 'no';
}

/** Parses the request line and headers (everything before the blank line); null when malformed. */
export function parseSourceHead(head: string): SourceRequestHead | null {
  const lines = head.split('\r\n');
  const requestLine = /^([A-Z]+) (\S+) (?:HTTP\/1\.[01]|ICE\/1\.0)$/.exec(lines[0] ?? '');
  if (!requestLine) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: requestLine[1], path: requestLine[2], headers };
}

const MOUNT =
  /^\/live\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:\.[a-z0-9]{1,5})?(?:\?.*)?$/;

/** The session id of a mount `/live/<id>` (an extension such as `.mp3` or `.ogg` is allowed). */
export function sessionOfMount(path: string): string | null {
  return MOUNT.exec(path)?.[1]?.toLowerCase() ?? null;
}

/** User and password of a Basic Authorization header. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
