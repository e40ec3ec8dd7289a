/**
 * Ingress: CIS2's `POST /backchannel-logout` (OpenID Connect Back-Channel Logout 1.0 §2.5), the
 * one public endpoint. The token is validated by the shell's own validator (§2.6), with the replay
 * check in the shared store; the answer is 200 or 400 with `Cache-Control: no-store` (§2.8), 200
 * also when no workstation holds the session (a logout of nobody connected has still succeeded:
 * it is in the revocation list for catch-up).
 *
 * Before the token is looked at: the source allow-list (403), the per-source rate (429), the
 * method (405), the content type (415) and the body size (413) (ingress-gate.ts). Slow clients are
 * cut off by the server's header and request timeouts (408, relay-server.ts).
 *
 * When the store is unreachable a token that passes every other check is still answered 200: it is
 * passed to this replica's own workstations at once and kept durably until the store takes it
 * (logout-acceptance.ts, pending.ts). 503 only when the issuer's keys are unavailable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, answer, readBody } from './http';
import { createIngressGate } from './ingress-gate';
import { createLogoutAcceptance } from './logout-acceptance';
import type { IngressCounts, LogoutAcceptanceOptions } from './logout-acceptance';
import { causeOf } from './log';
import type { AddressSet } from './net';

export type { IngressCounts } from './logout-acceptance';

export const INGRESS_PATH = '/backchannel-logout';

export interface IngressOptions extends LogoutAcceptanceOptions {
  readonly allowSources: AddressSet;
}

export interface Ingress {
  handle(req: IncomingMessage, res: ServerResponse, source: string): void;
  counts(): IngressCounts;
}

export function createIngress(options: IngressOptions): Ingress {
  const { config, logger } = options;
  const counts: IngressCounts = { accepted: 0, acceptedPending: 0, refused: 0, unavailable: 0 };
  const refusedAtTheGate = createIngressGate(options);
  const accept = createLogoutAcceptance(options, counts);

  async function onBody(res: ServerResponse, body: string): Promise<void> {
    const [token, ...others] = new URLSearchParams(body).getAll('logout_token');
    if (token === undefined || token === '' || others.length > 0) {
      counts.refused += 1;
      options.answered(400, 'LOGOUT_TOKEN_MISSING');
      logger.info({ event: 'logout refused', code: 'LOGOUT_TOKEN_MISSING' }, 'logout refused');
      answer(res, 400, { error: 'invalid_request', error_description: 'exactly one logout_token is required' });
      return;
    }
    await accept(res, token);
  }

  function onFailure(res: ServerResponse, err: unknown): void {
    if (err instanceof BodyTooLarge) {
      options.answered(413, 'body-too-large');
      // The rest of the body is not read: `Connection: close` has Node destroy the socket once the
      // answer is sent (ingress-gate.ts says where).
      answer(res, 413, { error: 'invalid_request', error_description: 'body too large' }, { connection: 'close' });
      return;
    }
    logger.error({ event: 'logout failed', ...causeOf(err) }, 'a logout POST could not be handled');
    options.answered(500, 'server-error');
    answer(res, 500, { error: 'server_error' });
  }

  return {
    counts: () => ({ ...counts }),
    handle(req, res, source) {
      if (refusedAtTheGate(req, res, source)) return;
      readBody(req, config.maxBodyBytes)
        .then((body) => onBody(res, body))
        .catch((err: unknown) => onFailure(res, err));
    },
  };
}
