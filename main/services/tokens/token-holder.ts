import { backoffDelay } from '../../core/backoff';
import type { Backoff } from '../../core/backoff';
import { createEmitter } from '../../core/emitter';
import type { Emitter } from '../../core/emitter';
import { ShellError } from '../../core/errors';
import { forgetSecret, registerSecret } from '../logger';
import { classifyRefreshFailure } from './refresh-failure';
import type { UnansweredCause } from './refresh-failure';
import type {
  AccessTokenResult,
  AttemptSecrets,
  HeldTokens,
  RefreshedTokens,
  RefreshOutcome,
  TokenCustody,
  TokenHolderDeps,
} from './types';

export type {
  AccessTokenResult,
  AttemptSecrets,
  HeldTokens,
  RefreshedTokens,
  RefreshOutcome,
  TokenCustody,
  TokenHolder,
  TokenHolderDeps,
} from './types';

/**
 * The one place the session's secrets live: access, refresh and ID tokens, plus the PKCE verifier,
 * state and nonce of the attempt in progress. Main-process memory only; nothing here is ever written
 * to disk, put in a URL, or logged. wipe() is synchronous so sign-out works with the network down.
 * The logger's redaction list follows the holder exactly (`custody` below): a secret is registered
 * when the holder takes it and forgotten (only a keyed hash stays) when the holder lets it go, so
 * no earlier clinician's token outlives their session in this process through the log.
 *
 * A refresh CIS2 refuses ends what the holder holds (the session locks); one that goes unanswered
 * (refresh-failure.ts) keeps every token as it was and tries again on a jittered backoff
 * (`retry`: 15 s doubling to 5 min by default), at the first keep-alive after the wait.
 */
/**
 * While CIS2 does not answer: 15 s, doubling to 5 minutes, each wait jittered by half so a
 * ward's PCs that lost the network together do not all come back in the same second.
 */
export const unansweredRetry: Backoff = { firstMs: 15_000, maxMs: 5 * 60_000, jitter: 0.5 };

type State =
  { readonly kind: 'empty' } | { readonly kind: 'held'; readonly tokens: HeldTokens } | { readonly kind: 'failed' };

const cannotRenew = 'Your sign-in has expired and cannot be renewed; sign in again to carry on.';
const renewalRefused = 'NHS Care Identity refused to renew your sign-in; sign in again to carry on. Your work is kept.';
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
    // Stryker disable next-line ConditionalExpression: registering a secret twice adds it to the same set once
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
  /** CIS2 not answering: since when (epoch ms), unanswered tries in a row, and when to try again. */
  outage: { readonly since: number; readonly failures: number; readonly retryAt: number } | null;
  /** Called after every change of `state` or `attempt`: the logger's redaction list follows it. */
  readonly custody: () => void;
}

/**
 * The access token, refreshed when it is inside the margin: one refresh at a time, shared by
 * every caller; each outcome but a plain success is told once to `outcomes`' listeners.
 */
function refresher(
  h: Holding,
  deps: TokenHolderDeps,
  outcomes: Emitter<[RefreshOutcome]>,
): () => Promise<AccessTokenResult> {
  const retry = deps.retry ?? unansweredRetry;
  const random = deps.random ?? Math.random;
  const signedOut: AccessTokenResult = { ok: false, reason: 'signed-out' };

  const refuse = (error: ShellError, refusal: Extract<RefreshOutcome, { kind: 'refused' }>['refusal']) => {
    h.state = { kind: 'failed' };
    h.outage = null;
    h.custody();
    outcomes.emit({ kind: 'refused', error, refusal });
    return { ok: false, reason: 'refresh-refused' } as const;
  };

  // Nothing held changes: the same tokens are tried again after the wait.
  const unanswered = (cause: UnansweredCause, detail: string | null): AccessTokenResult => {
    const now = deps.now();
    const failures = (h.outage?.failures ?? 0) + 1;
    const since = h.outage?.since ?? now;
    const retryInMs = backoffDelay(retry, failures, random());
    h.outage = { since, failures, retryAt: now + retryInMs };
    outcomes.emit({
      kind: 'unanswered',
      cause,
      detail,
      attempt: failures,
      unreachableForMs: Math.max(0, now - since),
      retryInMs,
    });
    return { ok: false, reason: 'unreachable' };
  };

  async function refreshOnce(held: HeldTokens, gen: number): Promise<AccessTokenResult> {
    if (held.refreshToken === null)
      return refuse(new ShellError('TOKEN_REFRESH_FAILED', cannotRenew), 'no-refresh-token');
    let next: RefreshedTokens;
    try {
      next = await deps.refresh(held.refreshToken);
    } catch (cause) {
      if (gen !== h.generation) return signedOut;
      const failure = classifyRefreshFailure(cause);
      if (failure.kind === 'unanswered') return unanswered(failure.cause, failure.detail);
      return refuse(new ShellError('TOKEN_REFRESH_FAILED', renewalRefused, { cause }), failure.refusal);
    }
    if (gen !== h.generation) return signedOut;
    const tokens = renewedTokens(held, next);
    if (tokens === null) return refuse(new ShellError('TOKEN_REFRESH_FAILED', otherIdentity), 'other-identity');
    const outage = h.outage;
    h.state = { kind: 'held', tokens };
    h.outage = null;
    h.custody();
    if (outage !== null) outcomes.emit(recovered(outage, deps.now()));
    deps.onRefreshed?.(held.subject);
    return { ok: true, token: next.accessToken };
  }

  return async () => {
    if (h.state.kind === 'empty') return signedOut;
    if (h.state.kind === 'failed') return { ok: false, reason: 'refresh-refused' };
    const held = h.state.tokens;
    if (held.expiresAt - deps.now() > deps.refreshMarginMs) return { ok: true, token: held.accessToken };
    if (h.inFlight === null && !retryIsDue(h, deps.now(), retry)) return { ok: false, reason: 'unreachable' };
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

/** CIS2 answered again: how long it could not be reached, and how many tries went unanswered. */
function recovered(outage: NonNullable<Holding['outage']>, now: number): RefreshOutcome {
  return { kind: 'recovered', unreachableForMs: Math.max(0, now - outage.since), attempts: outage.failures };
}

/**
 * Whether a refresh may be tried now: always while CIS2 answers; after an unanswered one, once
 * the wait is over. A wait longer than the retry's longest means the clock went back: try now.
 */
function retryIsDue(h: Holding, now: number, retry: Backoff): boolean {
  if (h.outage === null) return true;
  const waiting = h.outage.retryAt - now;
  return waiting <= 0 || waiting > retry.maxMs;
}

export function createTokenHolder(deps: TokenHolderDeps): TokenCustody {
  // The secrets registered with the logger: exactly those held in `state` and `attempt`.
  const follow = logRedactionFollower();
  const h: Holding = {
    state: { kind: 'empty' },
    attempt: null,
    generation: 0,
    inFlight: null,
    outage: null,
    custody: () => follow(secretsIn(h.state, h.attempt)),
  };
  // No onListenerError: a listener's failure must not turn a reported refresh failure into a thrown one.
  const outcomes = createEmitter<[RefreshOutcome]>();

  return {
    getAccessToken: refresher(h, deps, outcomes),
    hasSession: () => h.state.kind === 'held',
    currentIdToken: () => (h.state.kind === 'held' ? h.state.tokens.idToken : null),
    wipe() {
      h.generation += 1;
      h.state = { kind: 'empty' };
      h.attempt = null;
      h.inFlight = null;
      h.outage = null;
      h.custody();
    },
    onRefreshOutcome: (listener) => outcomes.on(listener),
    // An outage is recorded only while tokens are held: store, wipe and a refusal all clear it.
    retryDue: () => h.outage !== null && retryIsDue(h, deps.now(), deps.retry ?? unansweredRetry),
    store(tokens) {
      h.generation += 1;
      h.inFlight = null;
      h.outage = null;
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
