import { aalFromClaims } from '../../core/aal-mapping';
import { ShellError } from '../../core/errors';
import { identityFromClaims } from '../../core/rbac';
import type { SignInSession } from './types';

/**
 * Our checks on top of openid-client's (which already verified signature, iss, aud, exp, nonce,
 * state, iss response parameter and PKCE): the CIS2 auth_time rule and building the session.
 */
export interface AuthTimeCheck {
  readonly nowMs: number;
  readonly skewSeconds: number;
}

/** A finite number (Number.isFinite is false for anything that is not a number). */
function isFiniteNumber(value: unknown): value is number {
  return Number.isFinite(value);
}

/** CIS2 "Authentication time claim": after prompt=login / max_age=0, auth_time is within skew of now. */
export function checkAuthTime(authTime: unknown, check: AuthTimeCheck): number {
  if (!isFiniteNumber(authTime)) {
    throw new ShellError(
      'SIGNIN_AUTH_TIME_MISSING',
      'NHS Care Identity did not say when you signed in, so the sign-in was refused. Try again. If it keeps happening, tell IT.',
    );
  }
  const authMs = authTime * 1000;
  const skewMs = check.skewSeconds * 1000;
  if (authMs > check.nowMs + skewMs) {
    throw new ShellError(
      'SIGNIN_AUTH_TIME_STALE',
      'NHS Care Identity gave a sign-in time in the future, so the sign-in was refused. Check the workstation clock is right, then try again. If it keeps happening, tell IT.',
    );
  }
  if (check.nowMs - authMs > skewMs) {
    throw new ShellError(
      'SIGNIN_AUTH_TIME_STALE',
      'You were not asked to sign in again, so for your safety the sign-in was refused. Try again. If it keeps happening, tell IT.',
    );
  }
  return authMs;
}

export function buildSession(
  idClaims: Record<string, unknown>,
  userinfo: Record<string, unknown>,
  authTimeMs: number,
): SignInSession {
  const sub = idClaims['sub'];
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new ShellError(
      'SIGNIN_TOKEN_REJECTED',
      'The sign-in response from NHS Care Identity did not identify you, so you have not been signed in. Try again. If it keeps happening, tell IT.',
    );
  }
  if (userinfo['sub'] !== sub) throw userinfoMismatch(undefined);
  // The ID token's claims win over userinfo for anything both carry; roles may be in either.
  const merged = { ...userinfo, ...idClaims };
  const sid = idClaims['sid'];
  return {
    subject: sub,
    sessionId: typeof sid === 'string' ? sid : null,
    authTime: authTimeMs,
    aal: aalFromClaims({ acr: idClaims['acr'], amr: idClaims['amr'] }),
    identity: identityFromClaims(merged),
  };
}

export function userinfoMismatch(cause: unknown): ShellError {
  return new ShellError(
    'SIGNIN_USERINFO_MISMATCH',
    'NHS Care Identity returned details for a different person from the one who signed in, so the sign-in was refused. Try again, and tell IT.',
    { cause },
  );
}
