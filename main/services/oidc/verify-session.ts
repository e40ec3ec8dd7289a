import { aalFromClaims } from '../../core/aal-mapping';
import { audienceRefusal } from '../../core/audience';
import type { AssuranceClaims } from '../../core/aal-mapping';
import type { MinimumAssurance, ReachedAssurance } from '../../core/assurance-level';
import { judgeAssurance } from '../../core/assurance-minimum';
import { ShellError } from '../../core/errors';
import { identityFromClaims } from '../../core/rbac';
import type { OidcSettings } from './settings';
import type { SignInSession } from './types';
import { isFiniteNumber } from '../../core/finite';

/**
 * Our checks on top of openid-client's (which already verified signature, iss, aud, exp, nonce,
 * state, iss response parameter and PKCE): the audience rule shared with logout tokens and the
 * relay, the CIS2 auth_time rule and building the session.
 */
export interface AuthTimeCheck {
  readonly nowMs: number;
  readonly skewSeconds: number;
}

/**
 * The cause of a refusal for an auth_time from before now: CIS2 let the clinician in on an earlier
 * authentication (with Identity Agent, the card left in the reader), not a new one. The unlock
 * says what to do about it (session/sign-in-attempts.ts).
 */
export const notAskedAgain = Object.freeze({ code: 'AUTH_TIME_BEFORE_NOW' });

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
      { cause: notAskedAgain },
    );
  }
  return authMs;
}

/**
 * The one audience rule (core/audience.ts, OpenID Connect Core 1.0 §3.1.3.7 items 3 to 5): the
 * shell is an audience, any other is one IT configured as trusted, and `azp` names the shell when
 * there are several. openid-client checks part of this; this makes the whole rule ours and the
 * same as the logout tokens' and the relay's.
 */
export function checkIdTokenAudience(
  claims: { readonly aud?: unknown; readonly azp?: unknown },
  settings: Pick<OidcSettings, 'clientId' | 'trustedAudiences'>,
): void {
  if (audienceRefusal(claims, settings) === null) return;
  throw new ShellError(
    'SIGNIN_TOKEN_REJECTED',
    'The sign-in response from NHS Care Identity was addressed to another application as well as this one, so you have not been signed in. Tell IT.',
  );
}

/** What the clinician must sign in with, in their words (CIS2 "high" and "very high confidence"). */
const neededWords: Readonly<Record<MinimumAssurance, string>> = {
  AAL3: 'a smartcard, security key or Windows Hello (very high confidence)',
  AAL2: 'two factors (high confidence), such as a smartcard, security key, passkey or Microsoft Authenticator, not a password alone',
};

/**
 * The sign-in's assurance against the machine policy's minimum and the acr_values asked for
 * (core/assurance-minimum.ts): the level it reached, or a refusal that names what is needed. The
 * audit's `cause` says what was reached as a fixed code (REACHED_AAL1 … REACHED_UNKNOWN), never
 * the claims themselves.
 */
export function checkAssurance(
  claims: AssuranceClaims,
  settings: Pick<OidcSettings, 'acrValues' | 'minimumAssurance'>,
): ReachedAssurance {
  const judgement = judgeAssurance(claims, { requested: settings.acrValues, minimum: settings.minimumAssurance });
  if (judgement.ok) return judgement.reached;
  const unconfirmed = judgement.reached === 'unknown';
  throw new ShellError(
    'SIGNIN_ASSURANCE_TOO_LOW',
    `${unconfirmed ? 'NHS Care Identity did not confirm how you signed in. ' : ''}This workstation needs a sign-in with ${neededWords[judgement.needed]}, so this sign-in was refused. Sign in again with one of those.${unconfirmed ? ' If it keeps happening, tell IT.' : ''}`,
    { cause: { code: `REACHED_${judgement.reached.toUpperCase()}` } },
  );
}

export function buildSession(
  idClaims: Record<string, unknown>,
  userinfo: Record<string, unknown>,
  authTimeMs: number,
): Omit<SignInSession, 'assurance'> {
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
