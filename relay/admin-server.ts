/**
 * The replica's admin listener, apart from the public one (RELAY_ADMIN_HOST, loopback by
 * default, and RELAY_ADMIN_PORT), for the service manager, the load balancer's health check and
 * Prometheus; nothing here is routed by the public listener:
 * - `GET /livez`: 200 while the process serves (restart it when this fails);
 * - `GET /readyz`: 200 when this replica can accept a logout, else 503 (send it no traffic);
 * - `GET /healthz`: the JSON detail (always 200);
 * - `GET /metrics`: Prometheus text format.
 */
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayConfig } from './config';
import { answer } from './http';
import type { RelayMetrics } from './metrics';

export interface AdminRoutes {
  readonly ready: () => boolean;
  readonly health: () => unknown;
  readonly metrics: RelayMetrics;
}

export interface AdminServer {
  readonly server: Server;
  readonly url: string;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function listenAdmin(config: RelayConfig, routes: AdminRoutes): Promise<AdminServer> {
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000, keepAliveTimeout: 5_000 });
  server.on('request', (req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return answer(res, 405, { error: 'invalid_request' }, { allow: 'GET' });
    if (path === '/livez') return json(res, 200, { status: 'live' });
    if (path === '/readyz') {
      const ready = routes.ready();
      return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready' });
    }
    if (path === '/healthz') return json(res, 200, routes.health());
    if (path === '/metrics') {
      routes.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': routes.metrics.registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => answer(res, 500, { error: 'server_error' }),
      );
      return;
    }
    answer(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.adminPort, config.adminHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.adminHost.includes(':') ? `[${config.adminHost}]` : config.adminHost;
  return { server, url: `http://${host}:${port}` };
}
