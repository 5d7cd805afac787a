/**
 * The SSRF guard of webhook deliveries: which addresses a webhook may reach. Checked when an
 * endpoint is saved (for what the URL says) and again at every connection (for what the host name
 * resolves to then), so a name that later points inside the network is still refused.
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (also Alibaba's metadata address)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (also AWS's metadata address fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, NAT64), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = Number.parseInt(hex[1]!, 16);
    const low = Number.parseInt(hex[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return undefined;
}

/** True for an address on the public internet; false for loopback, private, link-local, metadata… */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return isPublicAddress(v4);
    // IPv4-mapped and -compatible forms written some other way are refused outright.
    if (/^::(ffff:)?[0-9a-f.:]*$/i.test(address) && address !== '::') return false;
    return !blocked.check(address, 'ipv6');
  }
  return false;
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
}

/** The host of a URL without the brackets of an IPv6 literal. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Why a webhook URL may not be used, or null. Without `allowPrivate`: https only, and no host that
 * is plainly internal (an IP literal outside the public internet, localhost, *.localhost,
 * *.internal, *.local). What a name resolves to is checked at connect time.
 */
export function refuseWebhookUrl(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (allowPrivate) return null;
  if (url.protocol !== 'https:')
    return 'must be an https:// URL (http:// only with WEBHOOK_ALLOW_PRIVATE=true)';
  const host = hostOf(url).toLowerCase().replace(/\.$/, '');
  if (isIP(host)) {
    return isPublicAddress(host)
      ? null
      : 'points to a loopback, private, link-local or metadata address (allowed only with WEBHOOK_ALLOW_PRIVATE=true)';
  }
  if (host === 'localhost' || /\.(localhost|internal|local|home\.arpa)$/.test(host) || !host.includes('.')) {
    return 'names a local host (allowed only with WEBHOOK_ALLOW_PRIVATE=true)';
  }
  return null;
}

/**
 * A `lookup` for http(s).request that resolves the name and refuses the connection when any
 * address it resolves to is not public (a name with one internal address among public ones is
 * refused, so DNS answers cannot be raced).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((entry) => !isPublicAddress(entry.address));
    if (refused || list.length === 0) {
      const reason = refused
        ? `${hostname} resolves to ${refused.address}, which is not a public address`
        : `${hostname} has no address`;
      return callback(new BlockedAddressError(reason), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};
