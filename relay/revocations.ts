/**
 * The revocation list: every logout token the relay accepted, kept at least 12 hours (the CIS2
 * session limit), so a workstation that was offline when the logout came learns of it when it
 * comes back. This is the in-memory list: the whole store of a single relay, and each replica's
 * own copy of what it has seen when several share Redis (catch-up answers from it while Redis
 * is down).
 */

/** One accepted logout. Times are epoch milliseconds except `iat`/`exp` (seconds, as in the token). */
export interface Revocation {
  readonly jti: string;
  readonly sid?: string | undefined;
  readonly sub?: string | undefined;
  readonly iat: number;
  readonly exp?: number | undefined;
  /** The token exactly as CIS2 sent it; the shell validates it again itself. */
  readonly logoutToken: string;
  readonly acceptedAt: number;
}

/** What a workstation registered: the `sub` and `sid` of its current ID token, and when that session began. */
export interface Registration {
  readonly sub: string;
  readonly sid?: string;
  /** auth_time of the session (or the ID token's iat when it has none), epoch seconds. */
  readonly sessionStart: number;
}

/**
 * Does this logout name this registration? Both claims must match when the token has both; `sub`
 * alone names every session of that user; `sid` alone names that session (CIS2 "Actions").
 */
export function names(
  revocation: Pick<Revocation, 'sid' | 'sub'>,
  registration: Pick<Registration, 'sid' | 'sub'>,
): boolean {
  if (revocation.sid !== undefined && revocation.sub !== undefined)
    return revocation.sid === registration.sid && revocation.sub === registration.sub;
  if (revocation.sub !== undefined) return revocation.sub === registration.sub;
  if (revocation.sid !== undefined) return revocation.sid === registration.sid;
  return false;
}

/** Clock tolerance when comparing a logout's iat with a session's start. */
export const CATCH_UP_SKEW_SECONDS = 60;

/**
 * For catch-up: a logout issued before the session began cannot be about it (a clinician who was
 * logged out by `sub` at 09:00 and signed in again at 10:00 is in a new CIS2 session), so it is
 * not sent. The shell checks again; this only spares it tokens that could never apply.
 */
export function appliesToSession(revocation: Revocation, registration: Registration): boolean {
  return names(revocation, registration) && revocation.iat >= registration.sessionStart - CATCH_UP_SKEW_SECONDS;
}

export class RevocationList {
  readonly #bySid = new Map<string, Revocation[]>();
  readonly #bySub = new Map<string, Revocation[]>();
  readonly #jtis = new Set<string>();
  readonly #order: Revocation[] = [];

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 200_000,
  ) {}

  get size(): number {
    return this.#order.length;
  }

  has(jti: string): boolean {
    return this.#jtis.has(jti);
  }

  /** Adds it unless already there; false when it was. */
  add(revocation: Revocation): boolean {
    this.sweep();
    if (this.#jtis.has(revocation.jti)) return false;
    this.#jtis.add(revocation.jti);
    this.#order.push(revocation);
    // A token with sid is found through its sid (and then sub is compared); sub alone through sub.
    if (revocation.sid !== undefined) push(this.#bySid, revocation.sid, revocation);
    else if (revocation.sub !== undefined) push(this.#bySub, revocation.sub, revocation);
    while (this.#order.length > this.maxEntries) this.#drop();
    return true;
  }

  /** The kept logouts that apply to this registration, oldest first. */
  for(registration: Registration): Revocation[] {
    this.sweep();
    const found = [
      ...(registration.sid === undefined ? [] : (this.#bySid.get(registration.sid) ?? [])),
      ...(this.#bySub.get(registration.sub) ?? []),
    ];
    return found.filter((r) => appliesToSession(r, registration)).sort((a, b) => a.acceptedAt - b.acceptedAt);
  }

  sweep(): void {
    const oldest = this.now() - this.retentionMs;
    while (this.#order.length > 0 && (this.#order[0] as Revocation).acceptedAt < oldest) this.#drop();
  }

  #drop(): void {
    const r = this.#order.shift();
    if (r === undefined) return;
    this.#jtis.delete(r.jti);
    if (r.sid !== undefined) pull(this.#bySid, r.sid, r);
    else if (r.sub !== undefined) pull(this.#bySub, r.sub, r);
  }
}

function push(map: Map<string, Revocation[]>, key: string, r: Revocation): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [r]);
  else list.push(r);
}

function pull(map: Map<string, Revocation[]>, key: string, r: Revocation): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(r);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
