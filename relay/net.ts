/**
 * Addresses: CIDR ranges for IPv4 and IPv6, and where a request really came from when the relay
 * sits behind the trust's TLS proxy.
 */
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) is the IPv4 address it carries. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** An address or a range: "192.0.2.7", "192.0.2.0/24", "2001:db8::/32"; null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/');
  if (rawAddress === undefined || rest.length > 0) return null;
  const address = normaliseAddress(rawAddress);
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export interface AddressSet {
  has(address: string): boolean;
  readonly size: number;
}

/** A set of ranges; an IPv4-mapped IPv6 address matches the IPv4 ranges. */
export function addressSet(entries: readonly string[]): AddressSet {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr === null) throw new RangeError(`"${entry}" is not an address or CIDR range.`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return {
    size: entries.length,
    has(address) {
      const a = normaliseAddress(address);
      const version = isIP(a);
      if (version === 0) return false;
      return list.check(a, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address. The socket's peer, unless that peer is a trusted proxy: then the
 * X-Forwarded-For entries are read from the right (each proxy appends the address it saw), the
 * trusted proxies' own entries skipped, and the first other address is the client. Anything
 * unreadable there leaves the answer at the last address known to be true (the proxy's), which
 * an allow-list of CIS2's ranges then refuses: the relay fails closed.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: AddressSet,
): string {
  let address = normaliseAddress(peer ?? '');
  if (trusted.size === 0 || !trusted.has(address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = normaliseAddress(hops[i] ?? '');
    if (isIP(hop) === 0) return address;
    address = hop;
    if (!trusted.has(hop)) return hop;
  }
  return address;
}
