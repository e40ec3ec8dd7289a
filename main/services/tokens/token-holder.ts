import { createEmitter } from '../../core/emitter';
import type { Emitter } from '../../core/emitter';
import { ShellError } from '../../core/errors';
import { forgetSecret, registerSecret } from '../logger';

/**
 * The one place the session's secrets live: access, refresh and ID tokens, plus the PKCE verifier,
 * state and nonce of the attempt in progress. Main-process memory only; nothing here is ever written
 * to disk, put in a URL, or logged. wipe() is synchronous so sign-out works with the network down.
 * The logger's redaction list follows the holder exactly (`custody` below): a secret is registered
 * when the holder takes it and forgotten (only a keyed hash stays) when the holder lets it go, so
 * no earlier clinician's token outlives their session in this process through the log.
 */
export type AccessTokenResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: 'refresh-failed' | 'signed-out' };

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
  /** Called once per failed refresh; returns the unsubscribe function. */
  onRefreshFailed(listener: (error: ShellError) => void): () => void;
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
}

type State =
  { readonly kind: 'empty' } | { readonly kind: 'held'; readonly tokens: HeldTokens } | { readonly kind: 'failed' };

const cannotRenew = 'Your sign-in has expired and cannot be renewed; sign in again to carry on.';
const renewalFailed = 'Your sign-in could not be renewed with CIS2; sign in again to carry on. Your work is kept.';
const otherIdentity =
  'CIS2 renewed the sign-in for a different identity, so it was refused; sign in again to carry on.';

/** Every secret the holder has in `state` and `attempt`. */
function secretsIn(state: State, attempt: AttemptSecrets | null): Set<string> {
  const held = new Set<string>();
  if (state.kind === 'held')
    for (const s of [state.tokens.accessToken, state.tokens.refreshToken, state.tokens.idToken])
      if (s !== null) held.add(s);
  if (attempt !== null) for (const s of [attempt.codeVerifier, attempt.state, attempt.nonce]) held.add(s);
  return held;
}

/**
 * Keeps the logger's redaction list equal to what the holder has: each call registers the
 * secrets newly held and forgets those let go since the last call.
 */
function logRedactionFollower(): (held: Set<string>) => void {
  let registered = new Set<string>();
  return (held) => {
    for (const s of held) if (!registered.has(s)) registerSecret(s);
    for (const s of registered) if (!held.has(s)) forgetSecret(s);
    registered = held;
  };
}

/** The tokens after a refresh, or null when CIS2 renewed them for another identity (refused). */
function renewedTokens(held: HeldTokens, next: RefreshedTokens): HeldTokens | null {
  if ((next.issuer !== null && next.issuer !== held.issuer) || (next.subject !== null && next.subject !== held.subject))
    return null;
  return {
    ...held,
    accessToken: next.accessToken,
    // Rotation: the new refresh token replaces the old one at once; keep the old only if none came back.
    refreshToken: next.refreshToken ?? held.refreshToken,
    idToken: next.idToken ?? held.idToken,
    expiresAt: next.expiresAt,
  };
}

/** What the holder has: the refresh and the holder's own methods both change it. */
interface Holding {
  state: State;
  attempt: AttemptSecrets | null;
  /** Bumped on every store/wipe so a refresh that finishes after sign-out is thrown away. */
  generation: number;
  inFlight: Promise<AccessTokenResult> | null;
  /** Called after every change of `state` or `attempt`: the logger's redaction list follows it. */
  readonly custody: () => void;
}

/**
 * The access token, refreshed when it is inside the margin: one refresh at a time, shared by
 * every caller; each failure is reported once to `failures`' listeners.
 */
function refresher(
  h: Holding,
  deps: TokenHolderDeps,
  failures: Emitter<[ShellError]>,
): () => Promise<AccessTokenResult> {
  const fail = (cause: unknown, message: string): AccessTokenResult => {
    h.state = { kind: 'failed' };
    h.custody();
    failures.emit(new ShellError('TOKEN_REFRESH_FAILED', message, { cause }));
    return { ok: false, reason: 'refresh-failed' };
  };

  async function refreshOnce(held: HeldTokens, gen: number): Promise<AccessTokenResult> {
    if (held.refreshToken === null) return fail(undefined, cannotRenew);
    let next: RefreshedTokens;
    try {
      next = await deps.refresh(held.refreshToken);
    } catch (cause) {
      if (gen !== h.generation) return { ok: false, reason: 'signed-out' };
      return fail(cause, renewalFailed);
    }
    if (gen !== h.generation) return { ok: false, reason: 'signed-out' };
    const tokens = renewedTokens(held, next);
    if (tokens === null) return fail(undefined, otherIdentity);
    h.state = { kind: 'held', tokens };
    h.custody();
    deps.onRefreshed?.(held.subject);
    return { ok: true, token: next.accessToken };
  }

  return async () => {
    if (h.state.kind === 'empty') return { ok: false, reason: 'signed-out' };
    if (h.state.kind === 'failed') return { ok: false, reason: 'refresh-failed' };
    const held = h.state.tokens;
    if (held.expiresAt - deps.now() > deps.refreshMarginMs) return { ok: true, token: held.accessToken };
    // Single flight: every caller during a refresh shares the same request.
    if (h.inFlight === null) {
      const gen = h.generation;
      const flight: Promise<AccessTokenResult> = refreshOnce(held, gen).finally(() => {
        if (h.inFlight === flight) h.inFlight = null;
      });
      h.inFlight = flight;
    }
    return h.inFlight;
  };
}

export function createTokenHolder(deps: TokenHolderDeps): TokenCustody {
  // The secrets registered with the logger: exactly those held in `state` and `attempt`.
  const follow = logRedactionFollower();
  const h: Holding = {
    state: { kind: 'empty' },
    attempt: null,
    generation: 0,
    inFlight: null,
    custody: () => follow(secretsIn(h.state, h.attempt)),
  };
  // No onListenerError: a listener's failure must not turn a reported refresh failure into a thrown one.
  const failures = createEmitter<[ShellError]>();

  return {
    getAccessToken: refresher(h, deps, failures),
    hasSession: () => h.state.kind === 'held',
    currentIdToken: () => (h.state.kind === 'held' ? h.state.tokens.idToken : null),
    wipe() {
      h.generation += 1;
      h.state = { kind: 'empty' };
      h.attempt = null;
      h.inFlight = null;
      h.custody();
    },
    onRefreshFailed: (listener) => failures.on(listener),
    store(tokens) {
      h.generation += 1;
      h.inFlight = null;
      h.state = { kind: 'held', tokens };
      h.custody();
    },
    peekForRevocation() {
      if (h.state.kind !== 'held') return null;
      const { refreshToken, accessToken, idToken } = h.state.tokens;
      return { refreshToken, accessToken, idToken };
    },
    beginAttempt(secrets) {
      h.attempt = secrets;
      h.custody();
    },
    attempt: () => h.attempt,
    endAttempt(state) {
      if (h.attempt?.state === state) h.attempt = null;
      h.custody();
    },
  };
}
