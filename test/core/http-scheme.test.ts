// The one https-or-loopback rule (main/core/http-scheme.ts). Addresses are parsed with `new URL`,
// as every caller does, so the userinfo, fragment and uppercase tricks meet the real parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHttpsOrLoopback, isLoopbackHost, isWebScheme, transportOf } from '../../main/core/http-scheme';

const allowed = (address: string, options?: { loopbackHttp?: boolean }): boolean =>
  isHttpsOrLoopback(new URL(address), options);

describe('https, or http on loopback only', () => {
  it.each([
    ['https anywhere', 'https://cis2.example/openam'],
    ['an uppercase HTTPS scheme (the parser lowercases it)', 'HTTPS://cis2.example/openam'],
    ['http to 127.0.0.1', 'http://127.0.0.1:4000/issuer'],
    ['an uppercase HTTP scheme to 127.0.0.1', 'HTTP://127.0.0.1:4000/issuer'],
    ['http to elsewhere in 127.0.0.0/8', 'http://127.1.2.3/'],
    ['http to the last address of 127.0.0.0/8', 'http://127.255.255.255/'],
    ['a short IPv4 form the parser writes as 127.0.0.1', 'http://127.1/'],
    ['a hexadecimal IPv4 form the parser writes as 127.0.0.1', 'http://0x7f.0.0.1/'],
    ['http to IPv6 loopback', 'http://[::1]:8080/'],
    ['http to IPv6 loopback written in full', 'http://[0:0:0:0:0:0:0:1]/'],
  ])('allows %s', (_what, address) => {
    expect(allowed(address)).toBe(true);
  });

  it.each([
    ['plain http to another host', 'http://cis2.example/openam'],
    ['localhost (a name, looked up: RFC 8252 §8.3)', 'http://localhost:4000/'],
    ['LOCALHOST in capitals', 'HTTP://LOCALHOST/'],
    ['a name under localhost', 'http://relay.localhost/'],
    ['0.0.0.0 (this host on any interface, not loopback)', 'http://0.0.0.0:4000/'],
    ['an IPv4-mapped IPv6 loopback address', 'http://[::ffff:127.0.0.1]/'],
    ['another IPv6 address', 'http://[::2]/'],
    ['loopback as userinfo before another host', 'http://127.0.0.1@evil.example/'],
    ['loopback credentials before another host', 'http://127.0.0.1:4000@evil.example/'],
    ['loopback hidden in the fragment', 'http://evil.example#@127.0.0.1'],
    ['loopback hidden in the query', 'http://evil.example/?@127.0.0.1'],
    ['a look-alike name starting with 127', 'http://127.0.0.1.evil.example/'],
    ['ftp to loopback', 'ftp://127.0.0.1/'],
    ['a file URL', 'file:///etc/passwd'],
    ['ws, which is not http', 'ws://127.0.0.1/'],
    ['wss, which is not https', 'wss://relay.example/'],
  ])('refuses %s', (_what, address) => {
    expect(allowed(address)).toBe(false);
  });

  it('with loopbackHttp false, takes https only (CIS2 without the sandbox switch)', () => {
    expect(allowed('https://cis2.example/', { loopbackHttp: false })).toBe(true);
    expect(allowed('http://127.0.0.1/', { loopbackHttp: false })).toBe(false);
    expect(allowed('http://[::1]/', { loopbackHttp: false })).toBe(false);
    expect(allowed('http://127.0.0.1/', { loopbackHttp: true })).toBe(true);
  });

  it('refuses shapes the URL parser never produces rather than guess', () => {
    expect(isHttpsOrLoopback({ protocol: 'HTTPS:', hostname: 'cis2.example' })).toBe(false);
    expect(isHttpsOrLoopback({ protocol: 'HTTP:', hostname: '127.0.0.1' })).toBe(false);
    expect(isLoopbackHost('127.000.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('127.0.0')).toBe(false);
    expect(isLoopbackHost('::1')).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
  });

  it('takes every address of 127.0.0.0/8 and no address outside it', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        const url = new URL(`http://${a}.${b}.${c}.${d}/`);
        expect(isLoopbackHost(url.hostname)).toBe(a === 127);
      }),
    );
  });
});

describe('the transport of an address', () => {
  it.each([
    ['https://relay.example', 'tls'],
    ['wss://relay.example', 'tls'],
    ['http://127.0.0.1:4100', 'loopback'],
    ['ws://[::1]:4100', 'loopback'],
    ['http://relay.example', null],
    ['ws://10.1.2.3', null],
    ['ws://localhost:4100', null],
    ['ftp://relay.example', null],
  ] as const)('%s is %s', (address, transport) => {
    expect(transportOf(new URL(address))).toBe(transport);
  });

  it('knows the web schemes, whatever the host', () => {
    expect(isWebScheme(new URL('http://cis2.example/'))).toBe(true);
    expect(isWebScheme(new URL('HTTPS://cis2.example/'))).toBe(true);
    expect(isWebScheme(new URL('wss://cis2.example/'))).toBe(false);
    expect(isWebScheme(new URL('ftp://cis2.example/'))).toBe(false);
  });
});
