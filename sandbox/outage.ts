/**
 * A ward network outage, as the shell meets one, for the sandbox to play: the check sits in front
 * of oidc-provider (provider.ts's `serve` asks it first), so while an outage is on nothing the
 * outage covers reaches the provider and nothing in the provider changes state.
 *
 * - `mode: 'drop'`: the request's connection is reset without any response, as when the ward's
 *   Wi-Fi drops mid-request (the shell's HTTP client sees a connection reset: "fetch failed").
 * - `mode: 'unavailable'`: `503 Service Unavailable` with `Retry-After: 30` and a line of text, as
 *   a gateway in front of CIS2 answers while CIS2 is down.
 * - `scope: 'token-endpoint'`: only the provider's token endpoint (where the refresh_token grant
 *   goes); `scope: 'everything'`: every request to the sandbox's server (discovery, JWKS, the
 *   authorization endpoint, the sign-in pages, token, userinfo, and paths that do not exist).
 *   Requests the sandbox makes itself (its back-channel logout posts) are not covered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Outage {
  readonly mode: 'drop' | 'unavailable';
  readonly scope: 'token-endpoint' | 'everything';
}

export interface OutageSwitch {
  /** Start an outage (replacing any other), or end it with null. */
  set(outage: Outage | null): void;
  /**
   * Deal with a request as the outage in force says: true when it was dropped or answered 503
   * (the caller must do nothing more with it), false when it goes on to the sandbox.
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
}

/** Seconds the 503 asks the client to wait before it tries again. */
const RETRY_AFTER_SECONDS = 30;

/**
 * `tokenPath` is the token endpoint's path on the sandbox's server as the provider routes it
 * (`provider.pathFor('token')`: the realm path, then `/token`), the path the discovery document's
 * `token_endpoint` names.
 */
export function createOutageSwitch(tokenPath: string): OutageSwitch {
  let current: Outage | null = null;
  const covers = (outage: Outage, req: IncomingMessage): boolean =>
    outage.scope === 'everything' || (req.url ?? '/').split('?')[0] === tokenPath;
  return {
    set(outage) {
      current = outage;
    },
    intercept(req, res) {
      const outage = current;
      if (outage === null || !covers(outage, req)) return false;
      if (outage.mode === 'drop') {
        // A TCP reset, no status line: the client reads ECONNRESET, as on a dropped network.
        req.socket.resetAndDestroy();
        return true;
      }
      // Plain text, as a gateway answers: no OAuth `error` a client could take for CIS2 refusing it.
      res
        .writeHead(503, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'retry-after': String(RETRY_AFTER_SECONDS),
          // The request's body is never read: close rather than keep a connection with it unread.
          connection: 'close',
        })
        .end('Service Unavailable: the CIS2 sandbox is in a simulated outage.');
      return true;
    },
  };
}
