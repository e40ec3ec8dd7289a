/**
 * The relay channel's socket (OpenRelaySocket, main/services/relay-client/client.ts) on the
 * hospital's network, as the issuer's requests are (main/adapters/network.ts): the system proxy,
 * PAC or WPAD as Chromium resolves them for the relay's address, and the OS certificate store.
 *
 * Node's own WebSocket knows neither. Here, for each connection:
 * - the route is asked of Chromium (`session.resolveProxy`, Electron 45) for the relay's https
 *   address: a PAC answer such as `PROXY proxy.trust.nhs.uk:8080; DIRECT`. Its entries are tried
 *   in order, as Chromium would: `DIRECT`, `PROXY` (an HTTP CONNECT tunnel, RFC 9110 §9.3.6) and
 *   `HTTPS` (the same over TLS to the proxy); SOCKS entries are skipped;
 * - the relay's certificate is checked against Node's bundled roots and the OS store
 *   (`tls.getCACertificates('system')`, Node 22.15 and later; Electron 45 ships Node 24: the Windows certificate store, including the
 *   roots a trust deploys by group policy; the keychain on macOS; OpenSSL's store on Linux);
 * - the socket is `ws`'s WebSocket with https-proxy-agent as its agent; inside the tunnel the
 *   proxy sees the relay's host and port and nothing else.
 *
 * What Chromium does and this does not: proxy authentication (NTLM, Kerberos, Negotiate). A proxy
 * that demands it (407) fails that route; the next entry is tried, then the client's backoff.
 * docs/relay.md asks trusts to exempt the relay's internal name from proxy authentication (or let
 * the PAC answer DIRECT for it), and docs/decisions.md says why this channel is not Chromium's.
 */
import type { Session } from 'electron';
import { getCACertificates } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { WebSocket } from 'ws';
import { transportOf } from '../core/http-scheme';
import type { OpenRelaySocket, RelaySocket } from '../services/relay-client/client';

/** What the adapter uses of an Electron Session. */
export type ProxySession = Pick<Session, 'resolveProxy'>;

export interface RelaySocketOptions {
  /** Chromium's proxy answer for an address (session.resolveProxy); tests give their own. */
  readonly resolveProxy: (url: string) => Promise<string>;
  /** The certificates the relay's chain may end in (PEM). */
  readonly ca: () => readonly string[];
  /** How long one route may take to open, before the next is tried. */
  readonly openTimeoutMs?: number;
  /**
   * Told why a route failed (the log, routeFailureLog): which route (`DIRECT` or `PROXY host:port`)
   * and why, in words IT can act on, e.g. a proxy asking for credentials (407).
   */
  readonly onRouteFailed?: (route: string, reason: string) => void;
  /** Told when a route opened. */
  readonly onOpened?: () => void;
}

/** Why a route failed: the proxy's or relay's HTTP answer to the upgrade, or the socket's error code. */
export function routeFailureReason(failure: { readonly statusCode?: number; readonly code?: unknown }): string {
  if (failure.statusCode === 407) return 'the proxy asked for credentials (407 Proxy Authentication Required)';
  if (failure.statusCode !== undefined) return `answered ${failure.statusCode} to the upgrade`;
  return typeof failure.code === 'string' ? failure.code : 'the connection failed';
}

/**
 * A log of route failures that writes each route's reason once while it stays the same, and forgets
 * them when a connection opens: a PC whose proxy asks for credentials logs it once, not at every
 * retry, and again if it comes back after the relay was reached.
 */
export function routeFailureLog(warn: (fields: Record<string, string>, message: string) => void): {
  failed(route: string, reason: string): void;
  opened(): void;
} {
  const last = new Map<string, string>();
  return {
    failed(route, reason) {
      if (last.get(route) === reason) return;
      last.set(route, reason);
      warn({ event: 'relay route failed', route, reason }, 'the relay could not be reached by this route');
    },
    opened: () => last.clear(),
  };
}

/** One way to reach the relay: straight, or through the proxy at `proxy` (http: or https:). */
type Route = { readonly proxy: string | null };

/** The routes of a PAC-style answer that this socket can take, in order; an empty answer is DIRECT. */
export function relayRoutes(answer: string): Route[] {
  const routes: Route[] = [];
  for (const entry of answer.split(';').map((e) => e.trim())) {
    const [kind = '', hostPort] = entry.split(/\s+/);
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT') routes.push({ proxy: null });
    else if ((upper === 'PROXY' || upper === 'HTTPS') && hostPort !== undefined && /^[^/\s@]+:\d+$/.test(hostPort)) {
      routes.push({ proxy: `${upper === 'HTTPS' ? 'https' : 'http'}://${hostPort}` });
    }
  }
  return answer.trim() === '' ? [{ proxy: null }] : routes;
}

/** Node's bundled roots and the operating system's trusted roots, once each. */
export function systemAndBundledCa(): string[] {
  return [...new Set([...getCACertificates('default'), ...getCACertificates('system')])];
}

/** The address Chromium's proxy resolution is asked about: the http(s) form of the relay's ws(s) address. */
function proxyQueryFor(url: string): string {
  const u = new URL(url);
  return `${transportOf(u) === 'loopback' ? 'http' : 'https'}://${u.host}/`;
}

class ProxiedRelaySocket implements RelaySocket {
  onopen: RelaySocket['onopen'] = null;
  onmessage: RelaySocket['onmessage'] = null;
  onclose: RelaySocket['onclose'] = null;
  onerror: RelaySocket['onerror'] = null;
  #ws: WebSocket | null = null;
  #closed = false;

  constructor(
    private readonly url: string,
    private readonly protocols: readonly string[],
    private readonly options: RelaySocketOptions,
  ) {
    void this.#connect();
  }

  /** The subprotocol the relay chose (empty until open), as WHATWG WebSocket.protocol. */
  get protocol(): string {
    return this.#ws?.protocol ?? '';
  }

  send(data: string): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#closed = true;
    const ws = this.#ws;
    if (ws === null) return;
    if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    else ws.terminate();
  }

  async #connect(): Promise<void> {
    const routes = await this.options.resolveProxy(proxyQueryFor(this.url)).then(relayRoutes, () => [{ proxy: null }]);
    for (const route of routes) {
      if (this.#closed) return;
      const ws = await this.#open(route);
      if (ws === null) continue;
      if (this.#closed) return void ws.terminate();
      this.#attach(ws);
      return;
    }
    if (this.#closed) return;
    this.onerror?.({ type: 'error' });
    this.onclose?.({ type: 'close', code: 1006 });
  }

  /** Opens the WebSocket along one route; null when that route fails. */
  #open(route: Route): Promise<WebSocket | null> {
    const ca = [...this.options.ca()];
    const ws = new WebSocket(this.url, [...this.protocols], {
      ca,
      perMessageDeflate: false,
      followRedirects: false,
      handshakeTimeout: this.options.openTimeoutMs ?? 10_000,
      ...(route.proxy === null ? {} : { agent: new HttpsProxyAgent(route.proxy, { ca }) }),
    });
    this.#ws = ws;
    return new Promise((resolve) => {
      const failed = (why: { readonly statusCode?: number; readonly code?: unknown }): void => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        const label = route.proxy === null ? 'DIRECT' : `PROXY ${new URL(route.proxy).host}`;
        this.options.onRouteFailed?.(label, routeFailureReason(why));
        resolve(null);
      };
      ws.once('open', () => {
        ws.removeAllListeners();
        this.options.onOpened?.();
        resolve(ws);
      });
      ws.once('error', (error: NodeJS.ErrnoException) => failed({ code: error.code }));
      // https-proxy-agent hands a proxy's refusal of the CONNECT on as the upgrade's own answer.
      ws.once('unexpected-response', (_req, res) => failed({ statusCode: res.statusCode ?? 0 }));
    });
  }

  #attach(ws: WebSocket): void {
    // binaryType is 'nodebuffer': every message is one Buffer. Text frames are passed on as strings,
    // as a browser WebSocket does; the client refuses anything else.
    ws.on('message', (data, isBinary) =>
      this.onmessage?.({ data: isBinary ? data : (data as Buffer).toString('utf8') }),
    );
    ws.on('error', (error) => this.onerror?.(error));
    ws.once('close', (code) => this.onclose?.({ type: 'close', code }));
    this.onopen?.({ type: 'open' });
  }
}

/** The relay client's socket opener on this PC's network: Chromium's proxy answer and the OS certificate store. */
export function relaySocketOpener(options: RelaySocketOptions): OpenRelaySocket {
  return (url, protocols) => new ProxiedRelaySocket(url, protocols, options);
}

/** The opener for a ward PC: proxy answers from `session` (made when first needed), the OS store, failures logged. */
export function relaySocketFor(
  session: () => ProxySession,
  warn: (fields: Record<string, string>, message: string) => void,
): OpenRelaySocket {
  const failures = routeFailureLog(warn);
  return relaySocketOpener({
    resolveProxy: (url) => session().resolveProxy(url),
    ca: systemAndBundledCa,
    onRouteFailed: failures.failed,
    onOpened: failures.opened,
  });
}
