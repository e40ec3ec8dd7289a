/**
 * A replica's public HTTP server: the logout ingress at INGRESS_PATH, the client's public JWK Set
 * at CLIENT_JWKS_PATH (client-jwks.ts) and the workstation channel's WebSocket upgrades at
 * WORKSTATION_PATH; anything else is 404 (health and metrics are on the admin listener,
 * admin-server.ts). Slow clients are cut off by the header and request timeouts
 * (408). An upgrade that carries an Origin header is refused (403): browsers always send one, and
 * the shell's WebSocket (Node's, or `ws`) sends none, so a web page on the trust network cannot
 * open the channel (RFC 6455 §10.2).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WORKSTATION_PATH } from '../main/services/relay-client/protocol';
import { CLIENT_JWKS_PATH, publishJwks, serveJwks } from './client-jwks';
import type { RelayConfig } from './config';
import { answer } from './http';
import { INGRESS_PATH } from './ingress';
import type { Ingress } from './ingress';
import { clientAddress } from './net';
import type { AddressSet } from './net';
import type { WorkstationHub } from './workstations';

/**
 * Connections the kernel holds for the replica to accept. Node's default (511) overflows when a
 * restarted replica's workstations all come back at once, and the kernel then drops a SYN —
 * CIS2's logout POST's among them — to be retried seconds later. The kernel caps it at
 * net.core.somaxconn (docs/relay.md, "Capacity").
 */
const LISTEN_BACKLOG = 4_096;

export interface RelayRoutes {
  readonly ingress: Ingress;
  readonly hub: WorkstationHub;
}

export interface ListeningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
}

function createRelayServer(config: RelayConfig, trustedProxies: AddressSet, routes: RelayRoutes): Server {
  const server = createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // How often Node checks those two timeouts (its default, 30 s, would let a slow client stay far longer).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
  });
  server.maxHeadersCount = 100;
  // The client's JWK Set, from the settings; null when none is configured (then its path is 404 too).
  const jwks = publishJwks(config.clientJwksFiles);

  const sourceOf = (req: IncomingMessage): string =>
    clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies);

  server.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === INGRESS_PATH) {
      routes.ingress.handle(req, res, sourceOf(req));
      return;
    }
    if (path === CLIENT_JWKS_PATH) {
      serveJwks(req, res, jwks);
      return;
    }
    req.resume();
    answer(res, 404, { error: 'not_found' });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '/').split('?')[0] !== WORKSTATION_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    if (req.headers.origin !== undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    routes.hub.upgrade(req, socket, head, sourceOf(req));
  });
  return server;
}

/**
 * Creates the server and listens on the configured host and port (0: one the OS chooses). A
 * request's source is its peer, or what a trusted proxy says it forwarded (net.ts).
 */
export async function listenRelay(
  config: RelayConfig,
  trustedProxies: AddressSet,
  routes: RelayRoutes,
): Promise<ListeningServer> {
  const server = createRelayServer(config, trustedProxies, routes);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { server, port, url: `http://${host}:${port}` };
}
