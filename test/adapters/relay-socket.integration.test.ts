/**
 * The relay channel on a proxied hospital network (main/adapters/relay-socket.ts), played on
 * loopback as the issuer-proxy test plays it (test/services/issuer-proxy.integration.test.ts):
 *
 * - the relay's address (https://127.0.0.1:F) is a "firewall" that drops every direct connection;
 * - an HTTP proxy, the only way through, tunnels CONNECT 127.0.0.1:F to the relay's TLS front (a
 *   certificate from a test CA, which stands for the roots a trust deploys to its PCs) and records
 *   each tunnel it opens;
 * - Chromium's proxy resolution (session.resolveProxy) is replaced by a function that answers as
 *   a PAC script would; everything else is the shipped adapter, the shell's relay client and a
 *   real relay replica.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, getCACertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { relaySocketOpener, systemAndBundledCa } from '../../main/adapters/relay-socket';
import { WORKSTATION_PROTOCOL, WORKSTATION_PROTOCOL_V2 } from '../../main/services/relay-client/protocol';
import { createRelayClient } from '../../main/services/relay-client/client';
import type { RelayEvent } from '../../main/services/relay-client/client';
import { systemTime } from '../../main/services/time';
import { startTestIssuer } from '../relay/fixtures/issuer';
import type { TestIssuer } from '../relay/fixtures/issuer';
import { makeTestCa, opensslMissing } from '../relay/fixtures/nginx';
import type { TestCa } from '../relay/fixtures/nginx';
import { postLogout, startTestRelay, until } from '../relay/fixtures/relays';
import type { TestRelay } from '../relay/fixtures/relays';
import { needs } from '../support/needs';

// openssl makes the test CA; Debian installs it with ca-certificates (.ci/run).
const tls = needs(opensslMissing);

async function listen<T extends Server | TcpServer>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

const closeServer = (server: Server | TcpServer): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });

/** A CONNECT proxy: tunnels `routes` (host:port → port on 127.0.0.1), or answers every CONNECT with `refuse`. */
async function startConnectProxy(routes: Map<string, number>, refuse?: number) {
  const tunnels: string[] = [];
  let asked = 0;
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    asked += 1;
    const target = req.url ?? '';
    const to = routes.get(target);
    if (refuse !== undefined || to === undefined) {
      client.end(`HTTP/1.1 ${refuse ?? 502} Refused\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    tunnels.push(target);
    const upstream = connect(to, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return {
    port,
    tunnels,
    /** CONNECT requests received, tunnelled or not. */
    connects: () => asked,
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

tls.describe(tls.title("the relay channel through the hospital's proxy"), () => {
  let dir: string;
  let ca: TestCa;
  let issuer: TestIssuer;
  let relay: TestRelay;
  let front: TcpServer;
  let firewall: TcpServer;
  let firewallAttempts = 0;
  let relayAddress: string;
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let demandingProxy: Awaited<ReturnType<typeof startConnectProxy>>;
  const frontSockets = new Set<Socket>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cws-relay-proxy-'));
    ca = makeTestCa(dir);
    issuer = await startTestIssuer();
    relay = await startTestRelay({ issuer: issuer.issuer, clientId: issuer.clientId });
    // The relay's TLS front (the trust's proxy in production), with the test CA's certificate.
    front = createTlsServer({ cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) }, (socket) => {
      const upstream = connect(relay.port, '127.0.0.1');
      frontSockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const frontPort = await listen(front);
    firewall = createTcpServer((socket) => {
      firewallAttempts += 1;
      socket.destroy();
    });
    const firewallPort = await listen(firewall);
    relayAddress = `127.0.0.1:${firewallPort}`;
    proxy = await startConnectProxy(new Map([[relayAddress, frontPort]]));
    demandingProxy = await startConnectProxy(new Map(), 407);
  });

  afterAll(async () => {
    for (const s of frontSockets) s.destroy();
    await Promise.all([proxy?.close(), demandingProxy?.close()]);
    await Promise.all([front, firewall].filter(Boolean).map(closeServer));
    await relay?.close();
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers through the proxy Chromium names and ends the session with the relay's logout", async () => {
    const asked: string[] = [];
    const names = { sub: '555000009201', sid: 'sid-proxied' };
    const idToken = await issuer.idToken(names);
    const delivered: string[] = [];
    const events: RelayEvent[] = [];
    const client = createRelayClient({
      url: `https://${relayAddress}`,
      time: systemTime(),
      openSocket: relaySocketOpener({
        resolveProxy: async (url) => {
          asked.push(url);
          return `PROXY 127.0.0.1:${proxy.port}; DIRECT`;
        },
        ca: () => [ca.caPem],
      }),
      currentIdToken: () => idToken,
      deliver: async (token) => {
        delivered.push(token);
        return { outcome: 'accepted' };
      },
      onEvent: (event) => events.push(event),
    });
    try {
      client.sessionChanged();
      await until(() => events.some((e) => e.kind === 'registered'), 10_000);
      expect(asked).toEqual([`https://${relayAddress}/`]);
      expect(proxy.tunnels).toEqual([relayAddress]);
      expect(firewallAttempts).toBe(0);

      const token = await issuer.logoutToken(names);
      expect((await postLogout(relay.url, token)).status).toBe(200);
      await until(() => delivered.includes(token), 5_000);
    } finally {
      client.close();
    }
  });

  const negotiated: string[] = [];
  /** Every route failure the adapter reported, in order. */
  const routeFailures: [string, string][] = [];
  /** Opens one socket with the adapter; resolves with how it ended. */
  function openWith(answer: string, caFor: () => readonly string[]): Promise<'open' | 'failed'> {
    const socket = relaySocketOpener({
      resolveProxy: async () => answer,
      ca: caFor,
      openTimeoutMs: 5_000,
      onRouteFailed: (route, reason) => void routeFailures.push([route, reason]),
    })(`wss://${relayAddress}/workstations`, [WORKSTATION_PROTOCOL_V2, WORKSTATION_PROTOCOL]);
    return new Promise((resolve) => {
      socket.onopen = () => {
        // The relay's choice, as the client reads it to decide whether to acknowledge (v2).
        negotiated.push(socket.protocol ?? '');
        socket.close(1000);
        resolve('open');
      };
      socket.onclose = () => resolve('failed');
    });
  }

  it('tries the PAC answer in order: skips SOCKS and a proxy that demands authentication, takes the next', async () => {
    const before = proxy.tunnels.length;
    const answer = `SOCKS5 127.0.0.1:1; PROXY 127.0.0.1:${demandingProxy.port}; PROXY 127.0.0.1:${proxy.port}`;
    const refusedBefore = demandingProxy.connects();
    expect(await openWith(answer, () => [ca.caPem])).toBe('open');
    expect(demandingProxy.connects()).toBe(refusedBefore + 1);
    expect(proxy.tunnels.length).toBe(before + 1);
    expect(negotiated.at(-1)).toBe(WORKSTATION_PROTOCOL_V2);
  });

  it('says why a route failed, naming the route: a proxy that asks for credentials, a connection reset', async () => {
    routeFailures.length = 0;
    expect(await openWith(`PROXY 127.0.0.1:${demandingProxy.port}; DIRECT`, () => [ca.caPem])).toBe('failed');
    expect(routeFailures).toEqual([
      [`PROXY 127.0.0.1:${demandingProxy.port}`, 'the proxy asked for credentials (407 Proxy Authentication Required)'],
      ['DIRECT', 'ECONNRESET'],
    ]);
  });

  it('fails when the only route is direct (the firewall) or the certificate is not from a trusted root', async () => {
    const attempts = firewallAttempts;
    expect(await openWith('DIRECT', () => [ca.caPem])).toBe('failed');
    expect(firewallAttempts).toBe(attempts + 1);
    // The shipped roots: Node's bundle and the OS store, which does not hold the test CA.
    expect(await openWith(`PROXY 127.0.0.1:${proxy.port}`, systemAndBundledCa)).toBe('failed');
    expect(systemAndBundledCa()).toEqual(expect.arrayContaining(getCACertificates('system')));
  });
});
