/**
 * The one rule for plain http: https always, http only to a loopback address, where the request
 * never leaves the machine (the development sandbox, the tests, a relay beside the shell). The
 * issuer and its key set (the shell's sign-in settings, the logout-token keys, the relay's
 * configuration and discovery), the relay's address, the sign-in page handed to the system
 * browser and every request the network adapter sends are checked here, so the rule has one
 * definition. eslint.config.js refuses a comparison with 'http:', 'https:', 'ws:' or 'wss:'
 * anywhere else in main/ and relay/, so a second definition fails the lint.
 *
 * Loopback means a loopback IP literal, nothing else:
 * - IPv4 127.0.0.0/8: the whole block is this host (RFC 1122 §3.2.1.3; RFC 6890, "Loopback");
 * - IPv6 ::1, written `[::1]` in a URL (RFC 4291 §2.5.3).
 * RFC 8252 §7.3 names exactly these literals for loopback redirects. Not loopback:
 * - `localhost`, or any other name: a name is looked up (hosts file, DNS, a proxy's PAC script)
 *   and may resolve elsewhere; RFC 8252 §8.3 calls `localhost` NOT RECOMMENDED for that reason;
 * - `0.0.0.0`, "this host on this network" (RFC 1122 §3.2.1.3), which some stacks connect to
 *   whatever listens on any interface;
 * - an IPv4-mapped IPv6 address (`[::ffff:127.0.0.1]`, which the URL parser writes
 *   `[::ffff:7f00:1]`) and every other IPv6 form: ::1 only.
 * Before this module the shell had two definitions: the issuer checks took `127.0.0.1` only, the
 * relay address, the sign-in page and the network adapter also `[::1]` and `localhost`. This one
 * keeps the literals and drops the name, the stricter choice for the second group (no caller, test
 * or shipped setting uses `localhost`); for the first it adds the rest of the loopback block and
 * `[::1]`, which are the same machine, still only where the sandbox switch allows plain http.
 *
 * The input is the protocol and hostname exactly as the WHATWG URL parser (`new URL`) gives them:
 * the scheme lowercased (`HTTPS://` is `https:`), userinfo and fragment kept out of the hostname
 * (`http://127.0.0.1@evil.example/` is evil.example), IPv4 in dotted decimal (`127.1` and
 * `0x7f.0.0.1` become `127.0.0.1`), IPv6 compressed in brackets. core has no URL type, so the
 * callers parse; a shape the parser never produces (an uppercase scheme, a leading zero) is
 * refused, which errs on the safe side.
 */

/** The parts of a parsed URL (a WHATWG `URL`) the rule reads. */
export interface ParsedAddress {
  readonly protocol: string;
  readonly hostname: string;
}

/** How an address may be reached: over TLS anywhere, or in plain text to this machine only. */
export type Transport = 'tls' | 'loopback';

const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** A loopback IP literal as the URL parser writes it: 127.0.0.0/8 or [::1]. Never a name. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === '[::1]') return true;
  const octets = IPV4.exec(hostname);
  return octets !== null && octets[1] === '127' && octets.slice(2).every((octet) => Number(octet) <= 255);
}

/**
 * `tls` for https: and wss:; `loopback` for http: and ws: to a loopback address; null for
 * anything else (plain text to another host, or another scheme).
 */
export function transportOf(url: ParsedAddress): Transport | null {
  if (url.protocol === 'https:' || url.protocol === 'wss:') return 'tls';
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && isLoopbackHost(url.hostname)) return 'loopback';
  return null;
}

/** An http: or https: address, to any host (the scheme only; the rule is `isHttpsOrLoopback`). */
export function isWebScheme(url: ParsedAddress): boolean {
  return url.protocol === 'https:' || url.protocol === 'http:';
}

/**
 * https:, or http: to a loopback address. `loopbackHttp: false` takes https: only: the issuer's
 * settings pass their sandbox switch (`allowInsecureLoopbackIssuer`) here, so CIS2 itself is
 * always https.
 */
export function isHttpsOrLoopback(url: ParsedAddress, options: { readonly loopbackHttp?: boolean } = {}): boolean {
  if (!isWebScheme(url)) return false;
  const transport = transportOf(url);
  return transport === 'tls' || (transport === 'loopback' && options.loopbackHttp !== false);
}
