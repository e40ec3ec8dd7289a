/**
 * Ingress: CIS2's `POST /backchannel-logout` (OpenID Connect Back-Channel Logout 1.0 §2.5), the
 * one public endpoint. The token is validated by the shell's own validator (§2.6), with the replay
 * check in the shared store; the answer is 200 or 400 with `Cache-Control: no-store` (§2.8), 200
 * also when no workstation holds the session (a logout of nobody connected has still succeeded:
 * it is in the revocation list for catch-up).
 *
 * Before the token is looked at: the source allow-list (403), the per-source rate (429), the
 * method (405), the content type (415) and the body size (413). Slow clients are cut off by the
 * server's header and request timeouts (408, server.ts).
 *
 * When the store is unreachable the answer is 503: the token cannot be checked for replay across
 * replicas nor put in the revocation list. A token that passes every other check is still passed
 * to this replica's own workstations at once, and published when the store comes back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { createLogoutTokenValidator } from '../main/services/oidc/backchannel-logout';
import type { LogoutTokenValidator } from '../main/services/oidc/backchannel-logout';
import type { RelayDeps } from './deps';
import type { IssuerKeys } from './keys';
import type { AddressSet } from './net';
import { rateLimiter } from './rate-limit';
import type { Revocation } from './revocations';

export const INGRESS_PATH = '/backchannel-logout';

export interface IngressOptions extends RelayDeps {
  readonly allowSources: AddressSet;
  /** Accepted while the store was away: deliver here now, publish later. */
  readonly acceptLocally: (revocation: Revocation) => number;
}

export interface IngressCounts {
  accepted: number;
  refused: number;
  unavailable: number;
}

export interface Ingress {
  handle(req: IncomingMessage, res: ServerResponse, source: string): void;
  counts(): IngressCounts;
}

/** Every answer: JSON (or empty), never cached (§2.8). */
export function answer(
  res: ServerResponse,
  status: number,
  body?: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'content-length': Buffer.byteLength(text),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...headers,
  });
  res.end(text);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createIngress(options: IngressOptions): Ingress {
  const { config, logger, hash, store, now } = options;
  const limiter = rateLimiter(config.ingressPerMinute, now);
  const counts: IngressCounts = { accepted: 0, refused: 0, unavailable: 0 };
  let validators: { shared: LogoutTokenValidator; local: LogoutTokenValidator } | null = null;

  function validatorsFor(keys: IssuerKeys): { shared: LogoutTokenValidator; local: LogoutTokenValidator } {
    if (validators === null) {
      const base = {
        issuer: config.issuer,
        clientId: config.clientId,
        jwks: keys.jwks,
        algorithms: keys.algorithms,
        now,
      };
      validators = {
        // The replay set shared by every replica (Redis SET NX), or the single relay's memory.
        shared: createLogoutTokenValidator({ ...base, seenJti: (jti, expiresAt) => store.firstSeen(jti, expiresAt) }),
        // While the store is away: this replica's own memory, for the tokens it passes on locally.
        local: createLogoutTokenValidator({ ...base, seen: 10_000 }),
      };
    }
    return validators;
  }

  function revocationOf(token: string, result: { subject?: string; sessionId?: string }): Revocation {
    const claims = decodeJwt(token);
    return {
      jti: String(claims.jti),
      ...(result.sessionId === undefined ? {} : { sid: result.sessionId }),
      ...(result.subject === undefined ? {} : { sub: result.subject }),
      iat: Number(claims.iat),
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
      logoutToken: token,
      acceptedAt: now(),
    };
  }

  function unavailable(res: ServerResponse, why: string): void {
    counts.unavailable += 1;
    answer(res, 503, { error: 'temporarily_unavailable', error_description: why }, { 'retry-after': '5' });
  }

  /** The store is away: check everything but the cross-replica replay, pass it on here, answer 503. */
  async function degraded(res: ServerResponse, token: string, keys: IssuerKeys): Promise<void> {
    const result = await validatorsFor(keys).local(token);
    if (!result.ok) {
      counts.refused += 1;
      logger.info({ event: 'logout refused', code: result.error.code, store: 'unavailable' }, 'logout refused');
      answer(res, 400, { error: 'invalid_request', error_description: result.error.code });
      return;
    }
    const revocation = revocationOf(token, result);
    const delivered = options.acceptLocally(revocation);
    logger.warn(
      { event: 'logout accepted locally only', sub: hash(revocation.sub), sid: hash(revocation.sid), delivered },
      'logout passed to this replica only; the store is unavailable',
    );
    unavailable(res, 'The revocation store is unavailable; retry later.');
  }

  async function accept(res: ServerResponse, token: string): Promise<void> {
    let keys: IssuerKeys;
    try {
      keys = await options.keys();
    } catch {
      logger.warn({ event: 'logout not checked', reason: 'keys-unavailable' }, "the issuer's keys are unavailable");
      unavailable(res, "The issuer's keys are unavailable; retry later.");
      return;
    }
    if (!store.available()) {
      await degraded(res, token, keys);
      return;
    }
    let result;
    try {
      result = await validatorsFor(keys).shared(token);
    } catch {
      // The replay store failed under the check: nothing was decided about the token.
      await degraded(res, token, keys);
      return;
    }
    if (!result.ok) {
      if (result.error.code === 'LOGOUT_TOKEN_KEYS_UNAVAILABLE') {
        logger.warn({ event: 'logout not checked', reason: 'keys-unavailable' }, "the issuer's keys are unavailable");
        unavailable(res, "The issuer's keys are unavailable; retry later.");
        return;
      }
      counts.refused += 1;
      logger.info({ event: 'logout refused', code: result.error.code }, 'logout refused');
      answer(res, 400, { error: 'invalid_request', error_description: result.error.code });
      return;
    }
    const revocation = revocationOf(token, result);
    try {
      await store.publish(revocation);
    } catch {
      // Not recorded: forget the jti so a retry is not refused as a replay, pass it on here.
      await store.forget(revocation.jti).catch(() => undefined);
      const delivered = options.acceptLocally(revocation);
      logger.warn(
        { event: 'logout accepted locally only', sub: hash(revocation.sub), sid: hash(revocation.sid), delivered },
        'logout passed to this replica only; the store is unavailable',
      );
      unavailable(res, 'The revocation store is unavailable; retry later.');
      return;
    }
    counts.accepted += 1;
    logger.info({ event: 'logout accepted', sub: hash(revocation.sub), sid: hash(revocation.sid) }, 'logout accepted');
    answer(res, 200);
  }

  return {
    counts: () => ({ ...counts }),
    handle(req, res, source) {
      if (options.allowSources.size > 0 && !options.allowSources.has(source)) {
        logger.warn(
          { event: 'logout refused', code: 'SOURCE_NOT_ALLOWED' },
          'logout POST from outside the allowed source ranges',
        );
        answer(res, 403, { error: 'access_denied' }, { connection: 'close' });
        req.resume();
        return;
      }
      if (!limiter.take(source)) {
        answer(
          res,
          429,
          { error: 'slow_down' },
          { 'retry-after': String(Math.max(1, limiter.retryAfterSeconds(source))), connection: 'close' },
        );
        req.resume();
        return;
      }
      if (req.method !== 'POST') {
        answer(res, 405, { error: 'invalid_request', error_description: 'POST only' }, { allow: 'POST' });
        req.resume();
        return;
      }
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        answer(
          res,
          415,
          { error: 'invalid_request', error_description: 'application/x-www-form-urlencoded only' },
          { connection: 'close' },
        );
        req.resume();
        return;
      }
      const declared = Number(req.headers['content-length'] ?? '0');
      if (declared > config.maxBodyBytes) {
        answer(res, 413, { error: 'invalid_request', error_description: 'body too large' }, { connection: 'close' });
        req.destroy();
        return;
      }
      readBody(req, config.maxBodyBytes)
        .then(async (body) => {
          const tokens = new URLSearchParams(body).getAll('logout_token');
          const token = tokens[0];
          if (tokens.length !== 1 || token === undefined || token === '') {
            counts.refused += 1;
            logger.info({ event: 'logout refused', code: 'LOGOUT_TOKEN_MISSING' }, 'logout refused');
            answer(res, 400, { error: 'invalid_request', error_description: 'exactly one logout_token is required' });
            return;
          }
          await accept(res, token);
        })
        .catch((err: unknown) => {
          if (err instanceof BodyTooLarge) {
            answer(
              res,
              413,
              { error: 'invalid_request', error_description: 'body too large' },
              { connection: 'close' },
            );
            res.on('finish', () => req.destroy());
            return;
          }
          logger.error(
            { event: 'logout failed', err: err instanceof Error ? err.name : 'unknown' },
            'a logout POST could not be handled',
          );
          answer(res, 500, { error: 'server_error' });
        });
    },
  };
}
