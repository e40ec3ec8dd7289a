/**
 * The issuer fetch port (IssuerFetch, main/services/oidc/types.ts) on Chromium's network stack.
 *
 * Node's fetch knows nothing of the hospital network: not the system proxy, PAC or WPAD, not
 * proxy authentication (NTLM, Kerberos), not the Windows certificate store that a TLS-inspecting
 * proxy's root is deployed to. Electron's `session.fetch` (Electron 45) sends the request through
 * Chromium, which follows all of them, as Edge and Chrome on the same PC do. Every request to
 * CIS2 goes through here: discovery, token, userinfo, JWKS, revocation, and the logout-token
 * check's JWKS (main/services/compose.ts hands the same port to both).
 *
 * What the request carries is what openid-client or jose put in it, and nothing else:
 * - its own in-memory session (`issuerPartition`), used by nothing else, with no HTTP cache: no
 *   cookie, cached credential or cached response is shared with a shell window or kept on disk;
 * - `credentials: 'omit'`: no cookie and no cached server credential is attached (a proxy's own
 *   integrated authentication is Chromium's business and is not affected);
 * - no Referer; custom protocol handlers bypassed;
 * - `redirect: 'manual'`, as openid-client and jose ask: Electron then cancels a redirect instead
 *   of following it, so a token request is never re-sent to wherever a 3xx points;
 * - https only (plain http only to a loopback address, which Chromium never sends to a proxy), so
 *   a proxy sees the host and port of a CONNECT tunnel and nothing inside it. Chromium also strips
 *   the path and query from https addresses before a PAC script sees them.
 */
import type { FromPartitionOptions, Session } from 'electron';
import { isHttpsOrLoopback } from '../core/http-scheme';
import type { IssuerFetch } from '../services/oidc';

/** The in-memory partition (no `persist:` prefix) that only requests to the issuer use. */
export const issuerPartition = 'cis2-network';

/** What the adapter uses of an Electron Session. */
export type NetworkSession = Pick<Session, 'fetch'>;

/** Electron's `session` module, as far as making the issuer's session goes. */
export interface SessionModule {
  fromPartition(partition: string, options?: FromPartitionOptions): Session;
}

/** The issuer's own session: in memory, no HTTP cache, the system proxy settings (Electron's default). */
export function issuerSession(sessions: SessionModule): Session {
  return sessions.fromPartition(issuerPartition, { cache: false });
}

/**
 * The port main/index.ts hands the services: electronFetch on the issuer's session, which is made
 * at the first request (a sign-in, always after 'ready'), so starting the shell makes no session.
 */
export function issuerFetch(sessions: SessionModule): IssuerFetch {
  let send: IssuerFetch | null = null;
  return async (url, options) => (send ??= electronFetch(issuerSession(sessions)))(url, options);
}

/** An abort or timeout is the caller's own signal: passed on as it is (jose and openid-client look at its name). */
function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/**
 * A network failure as WHATWG fetch reports one (a TypeError; the services say "could not reach
 * CIS2"), with Chromium's error name as its `code` (e.g. ERR_PROXY_CONNECTION_FAILED,
 * ERR_TUNNEL_CONNECTION_FAILED, ERR_CERT_AUTHORITY_INVALID), which the audit log's `cause` field
 * carries for IT; never the address or anything else Electron's message may hold.
 */
function networkFailure(error: unknown): TypeError {
  const message = error instanceof Error ? error.message : '';
  const code =
    /\bnet::(ERR_[A-Z0-9_]+)/.exec(message)?.[1] ??
    (message === 'Redirect was cancelled' ? 'REDIRECT_NOT_FOLLOWED' : undefined);
  return Object.assign(
    new TypeError(`fetch failed (${code ?? 'network error'})`, { cause: error }),
    code === undefined ? {} : { code },
  );
}

/** openid-client's CustomFetch over `session.fetch`. */
export function electronFetch(session: NetworkSession): IssuerFetch {
  return async (url, options) => {
    const target = new URL(url);
    if (!isHttpsOrLoopback(target)) {
      throw new TypeError(
        `fetch refused: requests to the identity provider must use https (${target.protocol}//${target.host}).`,
      );
    }
    try {
      return await session.fetch(target.href, {
        method: options.method,
        headers: options.headers,
        // openid-client's Uint8Array may sit on a SharedArrayBuffer by type; it never does in fact.
        body: (options.body ?? null) as BodyInit | null,
        ...(options.duplex ? { duplex: options.duplex } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        redirect: 'manual',
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        bypassCustomProtocolHandlers: true,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw networkFailure(error);
    }
  };
}
