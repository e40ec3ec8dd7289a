import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret } from '../logger';
import { donePageHtml } from './callback-page';
import type { DonePage } from './callback-page';

/**
 * The loopback redirect endpoint for one sign-in attempt (RFC 8252 §7.3): bound to 127.0.0.1 only,
 * on a port the OS picks, alive until the first callback carrying the attempt's `state`, a cancel,
 * or the timeout. Requests with another path or another state get 404 and leave the attempt open,
 * so a stray or forged request cannot end (or complete) someone's sign-in. Every request must carry
 * exactly `Host: 127.0.0.1:<port>` (what the browser sends for the redirect URI we registered);
 * anything else gets 400 and touches nothing, so a page on another name that DNS-rebinds to
 * 127.0.0.1 cannot drive the endpoint (defence in depth: it would also need the attempt's state).
 */
export type CallbackResult =
  | { readonly kind: 'callback'; readonly url: URL }
  | { readonly kind: 'provider-error'; readonly error: string; readonly description: string | null }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'timeout' };

export interface LoopbackAttempt {
  readonly redirectUri: string;
  readonly port: number;
  readonly result: Promise<CallbackResult>;
  /** Resolves once the port is released. */
  readonly closed: Promise<void>;
  cancel(): void;
}

export interface LoopbackOptions {
  readonly path: string;
  readonly expectedState: string;
  readonly timeoutMs: number;
  /** How long to keep serving the /done page after the callback before releasing the port. */
  readonly doneGraceMs?: number;
}

const HOST = '127.0.0.1';
const DONE_PATH = '/done';

/** What one request to the endpoint gets, decided from the request alone (see `route`). */
type Route =
  | { readonly kind: 'bad-request' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'done-page'; readonly page: DonePage }
  | {
      readonly kind: 'callback';
      readonly result: CallbackResult;
      readonly page: DonePage;
      readonly code: string | null;
    };

/** Where the attempt stands when a request arrives. */
interface AttemptState {
  readonly port: number;
  readonly finished: boolean;
  /** The page to show at /done once the callback has arrived; null before. */
  readonly donePage: DonePage | null;
}

/** Decides what a request gets. Touches nothing: the server applies the answer. */
function route(req: IncomingMessage, options: LoopbackOptions, state: AttemptState): Route {
  // Exactly one Host header, exactly our address and port (req.headers keeps only the first of
  // duplicate Host headers; headersDistinct keeps them all).
  const hosts = req.headersDistinct.host ?? [];
  if (hosts.length !== 1 || hosts[0] !== `${HOST}:${state.port}`) return { kind: 'bad-request' };
  const url = new URL(req.url ?? '/', `http://${HOST}:${state.port}`);
  if (req.method !== 'GET') return { kind: 'not-found' };
  if (url.pathname === DONE_PATH && state.donePage !== null) return { kind: 'done-page', page: state.donePage };
  if (state.finished || url.pathname !== options.path || url.searchParams.get('state') !== options.expectedState)
    return { kind: 'not-found' };
  const error = url.searchParams.get('error');
  const page: DonePage = error === null && url.searchParams.has('code') ? 'signed-in' : 'failed';
  const result: CallbackResult =
    error === null
      ? { kind: 'callback', url }
      : { kind: 'provider-error', error, description: url.searchParams.get('error_description') };
  return { kind: 'callback', result, page, code: url.searchParams.get('code') };
}

function answer(res: ServerResponse, status: 400 | 404): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(status === 400 ? 'Bad request.' : 'Not found.');
}

function serveDonePage(res: ServerResponse, page: DonePage): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
  });
  res.end(donePageHtml(page));
}

export async function openLoopbackCallback(options: LoopbackOptions): Promise<LoopbackAttempt> {
  let settle: (r: CallbackResult) => void = () => undefined;
  const result = new Promise<CallbackResult>((resolve) => (settle = resolve));
  let finished = false;
  let donePage: DonePage | null = null;
  let timer: NodeJS.Timeout | undefined = undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  // Loaded at the first sign-in, not at start: an ESM import of node:http also loads Node's
  // bundled fetch/WebSocket client (about 7 MB), which a workstation nobody has signed in to yet
  // does not need. Sign-in loads it anyway for its HTTPS requests.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => handle(req, res));
  server.keepAliveTimeout = 1000;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (closing) return closing;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    closing = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  const finish = (r: CallbackResult, page: DonePage | null): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    settle(r);
    donePage = page;
    if (page === null) {
      void close();
    } else {
      graceTimer = setTimeout(() => void close(), options.doneGraceMs ?? 3000);
      graceTimer.unref();
    }
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const action = route(req, options, { port, finished, donePage });
    if (action.kind === 'bad-request') return answer(res, 400);
    if (action.kind === 'not-found') return answer(res, 404);
    if (action.kind === 'done-page') {
      serveDonePage(res, action.page);
      clearTimeout(graceTimer);
      void close();
      return;
    }
    // The authorization code is a secret from the moment it arrives: the log redacts it wherever
    // it appears, under any key, until the sign-in lets it go (forgetSecret after the exchange).
    if (action.code !== null) registerSecret(action.code);
    // 303 to a clean URL so the code never stays in the browser's address bar or history.
    res.writeHead(303, { location: `${DONE_PATH}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end();
    finish(action.result, action.page);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  timer = setTimeout(() => finish({ kind: 'timeout' }, null), options.timeoutMs);
  timer.unref();

  return {
    redirectUri: `http://${HOST}:${port}${options.path}`,
    port,
    result,
    get closed() {
      return result.then(() => close());
    },
    cancel: () => finish({ kind: 'cancelled' }, null),
  };
}
