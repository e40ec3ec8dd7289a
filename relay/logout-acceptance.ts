/**
 * What the ingress does with a logout token once it has one: validates it with the shell's own
 * validator (OpenID Connect Back-Channel Logout 1.0 §2.6), its `jti` checked for replay in the
 * store shared by every replica, records it in the revocation list and fans it out (200); refuses
 * an invalid one (400).
 *
 * When the store is unreachable the answer is 503: the token cannot be checked for replay across
 * replicas nor put in the revocation list. A token that passes every other check is still passed
 * to this replica's own workstations at once, and published when the store comes back.
 */
import type { ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { createLogoutTokenValidator } from '../main/services/oidc/backchannel-logout';
import type { LogoutTokenValidator } from '../main/services/oidc/backchannel-logout';
import type { ReplicaDeps } from './deps';
import { answer } from './http';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';
import type { Revocation } from './revocations';

export interface IngressCounts {
  accepted: number;
  refused: number;
  unavailable: number;
}

export interface LogoutAcceptanceOptions extends ReplicaDeps {
  /** Accepted while the store was away: deliver here now, publish later. Returns how many workstations had it. */
  readonly acceptLocally: (revocation: Revocation) => number;
}

/** Answers the POST that carried `token`. */
export type AcceptLogout = (res: ServerResponse, token: string) => Promise<void>;

interface Validators {
  /** With the replay set shared by every replica (Redis SET NX), or the single relay's memory. */
  readonly shared: LogoutTokenValidator;
  /** While the store is away: this replica's own memory, for the tokens it passes on locally. */
  readonly local: LogoutTokenValidator;
}

/** The two validators, made once with the issuer's keys the first time they are asked for. */
function validatorsOnce(options: ReplicaDeps): (keys: IssuerKeys) => Validators {
  const { config, store, now } = options;
  let validators: Validators | null = null;
  return (keys) => {
    if (validators === null) {
      const base = {
        issuer: config.issuer,
        clientId: config.clientId,
        jwks: keys.jwks,
        algorithms: keys.algorithms,
        now,
      };
      validators = {
        shared: createLogoutTokenValidator({ ...base, seenJti: (jti, expiresAt) => store.firstSeen(jti, expiresAt) }),
        local: createLogoutTokenValidator({ ...base, seen: 10_000 }),
      };
    }
    return validators;
  };
}

function revocationOf(token: string, result: { subject?: string; sessionId?: string }, now: () => number): Revocation {
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

export function createLogoutAcceptance(options: LogoutAcceptanceOptions, counts: IngressCounts): AcceptLogout {
  const { logger, hash, store, now } = options;
  const validatorsFor = validatorsOnce(options);

  function unavailable(res: ServerResponse, why: string): void {
    counts.unavailable += 1;
    answer(res, 503, { error: 'temporarily_unavailable', error_description: why }, { 'retry-after': '5' });
  }
  function keysUnavailable(res: ServerResponse): void {
    logger.warn({ event: 'logout not checked', reason: 'keys-unavailable' }, "the issuer's keys are unavailable");
    unavailable(res, "The issuer's keys are unavailable; retry later.");
  }
  function refused(res: ServerResponse, code: string, storeAway: boolean): void {
    counts.refused += 1;
    logger.info({ event: 'logout refused', code, ...(storeAway ? { store: 'unavailable' } : {}) }, 'logout refused');
    answer(res, 400, { error: 'invalid_request', error_description: code });
  }
  /** Passes a logout to this replica's workstations only, and answers 503: the store is away. */
  function passOnLocally(res: ServerResponse, revocation: Revocation): void {
    const delivered = options.acceptLocally(revocation);
    logger.warn(
      { event: 'logout accepted locally only', sub: hash(revocation.sub), sid: hash(revocation.sid), delivered },
      'logout passed to this replica only; the store is unavailable',
    );
    unavailable(res, 'The revocation store is unavailable; retry later.');
  }
  /** The store is away: check everything but the cross-replica replay, pass it on here, answer 503. */
  async function degraded(res: ServerResponse, token: string, keys: IssuerKeys): Promise<void> {
    const result = await validatorsFor(keys).local(token);
    if (!result.ok) return refused(res, result.error.code, true);
    passOnLocally(res, revocationOf(token, result, now));
  }

  return async (res, token) => {
    let keys: IssuerKeys;
    try {
      keys = await options.keys();
    } catch {
      return keysUnavailable(res);
    }
    if (!store.available()) return degraded(res, token, keys);
    let result;
    try {
      result = await validatorsFor(keys).shared(token);
    } catch {
      // The replay store failed under the check: nothing was decided about the token.
      return degraded(res, token, keys);
    }
    if (!result.ok) {
      if (result.error.code === 'LOGOUT_TOKEN_KEYS_UNAVAILABLE') return keysUnavailable(res);
      return refused(res, result.error.code, false);
    }
    const revocation = revocationOf(token, result, now);
    try {
      await store.publish(revocation);
    } catch {
      // Not recorded: forget the jti so a retry is not refused as a replay, pass it on here.
      await store.forget(revocation.jti).catch(() => undefined);
      return passOnLocally(res, revocation);
    }
    counts.accepted += 1;
    logger.info({ event: 'logout accepted', sub: hash(revocation.sub), sid: hash(revocation.sid) }, 'logout accepted');
    answer(res, 200);
  };
}
