import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/*
 * Webhook targets on the server's own networks. A district technician may create a webhook; without this
 * check its URL could make the server POST into loopback services, the provider's metadata endpoint or the
 * province's internal network (server-side request forgery). WEBHOOK_PRIVATE_TARGETS=allow lifts it.
 */

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Is this IP address on a private, loopback, link-local or otherwise non-public network? */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/** The host of a URL as an address or name (IPv6 without brackets), lower-cased. */
function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Why a URL names a private target without resolving it (a literal address or localhost), or null. */
export function literalPrivateTarget(url: string): string | null {
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost'))
    return `${host} is this server (set WEBHOOK_PRIVATE_TARGETS=allow to permit private targets)`;
  if (isPrivateAddress(host))
    return `${host} is a private or loopback address (set WEBHOOK_PRIVATE_TARGETS=allow to permit private targets)`;
  return null;
}

/** Why a URL's host resolves to a private target (checked before each delivery), or null. */
export async function resolvedPrivateTarget(url: string): Promise<string | null> {
  const literal = literalPrivateTarget(url);
  if (literal) return literal;
  const host = hostOf(url);
  if (isIP(host)) return null;
  const addresses = await lookup(host, { all: true, verbatim: true });
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  return inside
    ? `${host} resolves to the private address ${inside.address} (WEBHOOK_PRIVATE_TARGETS=deny)`
    : null;
}
