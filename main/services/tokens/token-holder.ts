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

export function createTokenHolder(deps: TokenHolderDeps): TokenCustody {
  let state: State = { kind: 'empty' };
  let attempt: AttemptSecrets | null = null;
  // Bumped on every store/wipe so a refresh that finishes after sign-out is thrown away.
  let generation = 0;
  let inFlight: Promise<AccessTokenResult> | null = null;
  const listeners = new Set<(error: ShellError) => void>();
  // The secrets registered with the logger: exactly those held in `state` and `attempt`.
  let registered = new Set<string>();
  const custody = (): void => {
    const held = new Set<string>();
    if (state.kind === 'held')
      for (const s of [state.tokens.accessToken, state.tokens.refreshToken, state.tokens.idToken])
        if (s !== null) held.add(s);
    if (attempt !== null) for (const s of [attempt.codeVerifier, attempt.state, attempt.nonce]) held.add(s);
    for (const s of held) if (!registered.has(s)) registerSecret(s);
    for (const s of registered) if (!held.has(s)) forgetSecret(s);
    registered = held;
  };

  const fail = (cause: unknown, message: string): AccessTokenResult => {
    state = { kind: 'failed' };
    custody();
    const error = new ShellError('TOKEN_REFRESH_FAILED', message, { cause });
    for (const l of [...listeners]) {
      try {
        l(error);
      } catch {
        // A listener's failure must not turn a reported refresh failure into a thrown one.
      }
    }
    return { ok: false, reason: 'refresh-failed' };
  };

  async function refreshOnce(held: HeldTokens, gen: number): Promise<AccessTokenResult> {
    if (held.refreshToken === null) {
      return fail(undefined, 'Your sign-in has expired and cannot be renewed; sign in again to carry on.');
    }
    let next: RefreshedTokens;
    try {
      next = await deps.refresh(held.refreshToken);
    } catch (cause) {
      if (gen !== generation) return { ok: false, reason: 'signed-out' };
      return fail(cause, 'Your sign-in could not be renewed with CIS2; sign in again to carry on. Your work is kept.');
    }
    if (gen !== generation) return { ok: false, reason: 'signed-out' };
    if (
      (next.issuer !== null && next.issuer !== held.issuer) ||
      (next.subject !== null && next.subject !== held.subject)
    ) {
      return fail(
        undefined,
        'CIS2 renewed the sign-in for a different identity, so it was refused; sign in again to carry on.',
      );
    }
    state = {
      kind: 'held',
      tokens: {
        ...held,
        accessToken: next.accessToken,
        // Rotation: the new refresh token replaces the old one at once; keep the old only if none came back.
        refreshToken: next.refreshToken ?? held.refreshToken,
        idToken: next.idToken ?? held.idToken,
        expiresAt: next.expiresAt,
      },
    };
    custody();
    deps.onRefreshed?.(held.subject);
    return { ok: true, token: next.accessToken };
  }

  return {
    async getAccessToken() {
      if (state.kind === 'empty') return { ok: false, reason: 'signed-out' };
      if (state.kind === 'failed') return { ok: false, reason: 'refresh-failed' };
      const held = state.tokens;
      if (held.expiresAt - deps.now() > deps.refreshMarginMs) return { ok: true, token: held.accessToken };
      // Single flight: every caller during a refresh shares the same request.
      if (inFlight === null) {
        const gen = generation;
        const flight: Promise<AccessTokenResult> = refreshOnce(held, gen).finally(() => {
          if (inFlight === flight) inFlight = null;
        });
        inFlight = flight;
      }
      return inFlight;
    },
    hasSession: () => state.kind === 'held',
    currentIdToken: () => (state.kind === 'held' ? state.tokens.idToken : null),
    wipe() {
      generation += 1;
      state = { kind: 'empty' };
      attempt = null;
      inFlight = null;
      custody();
    },
    onRefreshFailed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    store(tokens) {
      generation += 1;
      inFlight = null;
      state = { kind: 'held', tokens };
      custody();
    },
    peekForRevocation() {
      if (state.kind !== 'held') return null;
      const { refreshToken, accessToken, idToken } = state.tokens;
      return { refreshToken, accessToken, idToken };
    },
    beginAttempt(secrets) {
      attempt = secrets;
      custody();
    },
    attempt: () => attempt,
    endAttempt(state) {
      if (attempt?.state === state) attempt = null;
      custody();
    },
  };
}
