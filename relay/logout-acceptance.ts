/**
 * What the ingress does with a logout token once it has one: validates it with the shell's own
 * validator (OpenID Connect Back-Channel Logout 1.0 §2.6), its `jti` checked for replay in the
 * store shared by every replica, records it in the revocation list and fans it out (200); refuses
 * an invalid one (400).
 *
 * A valid logout is never refused for want of Redis. When the store is unreachable, or fails
 * under the replay check or the publish, a token that passes every other check (its `jti` checked
 * against this replica's own memory) is answered 200, delivered to this replica's own workstations
 * at once and kept durably until Redis takes it (pending.ts). That is safe because a logout is
 * idempotent: a genuine token replayed can only end the session CIS2 already ended, and the PC
 * refuses one issued before its session's `auth_time`. 503 is left for what truly cannot be
 * checked: the issuer's keys. No `jti` is recorded before a 503, so CIS2's retry is never refused
 * as a replay.
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
  /** Of those accepted, how many while the store was away (kept pending). */
  acceptedPending: number;
  refused: number;
  unavailable: number;
}

export interface LogoutAcceptanceOptions extends ReplicaDeps {
  /** Accepted while the store was away: deliver here now, keep for publishing. Returns how many workstations had it. */
  readonly acceptLocally: (revocation: Revocation) => number;
  /** Told the status and code of every answer (metrics). */
  readonly answered: (status: number, code: string) => void;
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
        trustedAudiences: config.trustedAudiences,
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
    // Absent ones stay undefined: JSON (Redis, the state directory) leaves them out.
    sid: result.sessionId,
    sub: result.subject,
    iat: Number(claims.iat),
    exp: claims.exp,
    logoutToken: token,
    acceptedAt: now(),
  };
}

export function createLogoutAcceptance(options: LogoutAcceptanceOptions, counts: IngressCounts): AcceptLogout {
  const { logger, hash, store, now } = options;
  const validatorsFor = validatorsOnce(options);

  function keysUnavailable(res: ServerResponse): void {
    counts.unavailable += 1;
    options.answered(503, 'keys-unavailable');
    logger.warn({ event: 'logout not checked', reason: 'keys-unavailable' }, "the issuer's keys are unavailable");
    answer(
      res,
      503,
      { error: 'temporarily_unavailable', error_description: "The issuer's keys are unavailable; retry later." },
      { 'retry-after': '5' },
    );
  }
  function refused(res: ServerResponse, code: string, storeAway: boolean): void {
    if (code === 'LOGOUT_TOKEN_KEYS_UNAVAILABLE') return keysUnavailable(res);
    counts.refused += 1;
    options.answered(400, code);
    logger.info({ event: 'logout refused', code, ...(storeAway ? { store: 'unavailable' } : {}) }, 'logout refused');
    answer(res, 400, { error: 'invalid_request', error_description: code });
  }
  /** Passes a logout to this replica's workstations, keeps it until the store takes it, and answers 200. */
  function acceptPending(res: ServerResponse, revocation: Revocation): void {
    const delivered = options.acceptLocally(revocation);
    counts.accepted += 1;
    counts.acceptedPending += 1;
    options.answered(200, 'accepted-pending');
    logger.warn(
      { event: 'logout accepted pending', sub: hash(revocation.sub), sid: hash(revocation.sid), delivered },
      'logout accepted and passed to this replica; kept until Redis takes it',
    );
    answer(res, 200);
  }
  /** The store is away: check everything with this replica's own jti memory, pass it on here, keep it. */
  async function degraded(res: ServerResponse, token: string, keys: IssuerKeys): Promise<void> {
    const result = await validatorsFor(keys).local(token);
    if (!result.ok) return refused(res, result.error.code, true);
    acceptPending(res, revocationOf(token, result, now));
  }

  return async (res, token) => {
    let keys: IssuerKeys;
    try {
      keys = await options.keys();
    } catch {
      return keysUnavailable(res);
    }
    // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent: an away store fails the shared check's first call (firstSeen) at once, which lands in degraded() below too; this only spares the call
    if (!store.available()) return degraded(res, token, keys);
    let result;
    try {
      result = await validatorsFor(keys).shared(token);
    } catch {
      // The replay store failed under the check: nothing was decided about the token.
      return degraded(res, token, keys);
    }
    if (!result.ok) return refused(res, result.error.code, false);
    const revocation = revocationOf(token, result, now);
    try {
      await store.publish(revocation);
    } catch {
      // Its jti is recorded, the publication is not: kept and published again (with the jti) later.
      return acceptPending(res, revocation);
    }
    counts.accepted += 1;
    options.answered(200, 'accepted');
    logger.info({ event: 'logout accepted', sub: hash(revocation.sub), sid: hash(revocation.sid) }, 'logout accepted');
    answer(res, 200);
  };
}
