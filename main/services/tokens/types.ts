/** The token holder's port and what passes through it (token-holder.ts holds the secrets). */
import type { Backoff } from '../../core/backoff';
import type { ShellError } from '../../core/errors';
import type { RefusalKind, UnansweredCause } from './refresh-failure';

export type AccessTokenResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: 'refresh-refused' | 'unreachable' | 'signed-out' };

/** What a refresh that did not simply succeed told the holder; told once per refresh. */
export type RefreshOutcome =
  /** CIS2 said no (or renewed another identity, or there is nothing to renew with): the session locks. */
  | {
      readonly kind: 'refused';
      readonly error: ShellError;
      readonly refusal: RefusalKind | 'no-refresh-token' | 'other-identity';
    }
  /** No answer from CIS2: nothing changes but the next try, `retryInMs` from now. */
  | {
      readonly kind: 'unanswered';
      readonly cause: UnansweredCause;
      /** Chromium's or Node's error code, or the HTTP status ("HTTP 503"): fixed vocabularies, never a value. */
      readonly detail: string | null;
      /** Unanswered refreshes in a row, this one included. */
      readonly attempt: number;
      /** Since the first unanswered refresh of this outage. */
      readonly unreachableForMs: number;
      readonly retryInMs: number;
    }
  /** CIS2 answered again after one or more unanswered refreshes. */
  | { readonly kind: 'recovered'; readonly unreachableForMs: number; readonly attempts: number };

export interface HeldTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly idToken: string | null;
  /** Epoch ms at which the access token stops working. */
  readonly expiresAt: number;
  readonly issuer: string;
  readonly subject: string;
}

/** What a refresh returns; `issuer`/`subject` are from the new ID token when there is one. */
export interface RefreshedTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly idToken: string | null;
  readonly expiresAt: number;
  readonly issuer: string | null;
  readonly subject: string | null;
}

export interface AttemptSecrets {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

export interface TokenHolder {
  getAccessToken(): Promise<AccessTokenResult>;
  hasSession(): boolean;
  /**
   * The held session's ID token, for the logout relay's registration only (main process; it
   * goes nowhere else). null when nothing is held or CIS2 sent none.
   */
  currentIdToken(): string | null;
  /** Forget every secret at once. Synchronous: no I/O, cannot fail. */
  wipe(): void;
  /** Told each refresh's outcome unless it simply succeeded; returns the unsubscribe function. */
  onRefreshOutcome(listener: (outcome: RefreshOutcome) => void): () => void;
  /** Whether a refresh went unanswered and the wait before the next try is over. */
  retryDue(): boolean;
}

/** The part only the sign-in service uses. */
export interface TokenCustody extends TokenHolder {
  store(tokens: HeldTokens): void;
  /** Tokens for best-effort revocation after wipe; null when signed out. */
  peekForRevocation(): { refreshToken: string | null; accessToken: string; idToken: string | null } | null;
  beginAttempt(secrets: AttemptSecrets): void;
  attempt(): AttemptSecrets | null;
  /** Forget the attempt's secrets, unless a newer attempt has replaced them. */
  endAttempt(state: string): void;
}

export interface TokenHolderDeps {
  readonly now: () => number;
  readonly refreshMarginMs: number;
  readonly refresh: (refreshToken: string) => Promise<RefreshedTokens>;
  /** Told (with the subject, never a token) after each refresh the holder accepted. */
  readonly onRefreshed?: (subject: string) => void;
  /** The wait between tries while CIS2 does not answer; default `unansweredRetry`. */
  readonly retry?: Backoff;
  /** [0, 1): chooses within the retry's jitter; default Math.random. */
  readonly random?: () => number;
}
