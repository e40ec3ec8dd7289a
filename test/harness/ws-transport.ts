/**
 * The harness's stand-in for Electron IPC: `window.shell` over a loopback WebSocket.
 *
 * It goes through the same `dispatch` as the IPC server, so the renderer is refused and
 * served exactly as it would be in Electron. A client must first prove it holds the per-run
 * secret (which only the page URL's fragment carries), so no other local process can drive
 * a clinician's session through the harness.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { dispatch, unsafeViewFallback, viewForRenderer } from '../../preload/contract';
import type { ShellBackend } from '../../preload/contract';

export const shellSocketPath = '/shell';

type Inbound =
  | { type: 'hello'; secret: string }
  | { type: 'invoke'; id: number; channel: unknown; payload: unknown }
  | { type: 'activity' };

function parseInbound(data: string): Inbound | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'hello' && typeof v.secret === 'string') return { type: 'hello', secret: v.secret };
  if (v.type === 'invoke' && typeof v.id === 'number')
    return { type: 'invoke', id: v.id, channel: v.channel, payload: v.payload ?? null };
  if (v.type === 'activity') return { type: 'activity' };
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function attachShellSocket(
  server: Server,
  backend: ShellBackend,
  secret: string,
  origin: () => string,
): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Same-origin pages only (what Electron's sender check does for IPC).
    if (url.pathname !== shellSocketPath || req.headers.origin !== origin()) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  };
  server.on('upgrade', onUpgrade);

  function serve(ws: WebSocket): void {
    let trusted = false;
    let unsubscribe: (() => void) | null = null;
    const send = (message: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    ws.on('message', (raw) => {
      const message = parseInbound(raw.toString());
      if (!message) return;
      if (!trusted) {
        if (message.type !== 'hello' || !sameSecret(message.secret, secret)) {
          ws.close(4401, 'unauthorised');
          return;
        }
        trusted = true;
        unsubscribe = backend.subscribe((view) => {
          // A view that fails its schema is replaced by the signed-out view: fail closed.
          send({ type: 'view', view: viewForRenderer(view) ?? unsafeViewFallback });
        });
        send({ type: 'ready' });
        return;
      }
      if (message.type === 'activity') backend.reportActivity();
      if (message.type === 'invoke') {
        void dispatch(backend, message.channel, message.payload).then((result) =>
          send({ type: 'result', id: message.id, result }),
        );
      }
    });
    ws.on('close', () => unsubscribe?.());
  }

  return async () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
