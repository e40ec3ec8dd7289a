/**
 * Who may receive which drafts. A draft goes back to the renderer only while a session is
 * active (or warning) for its owner, and a sealed draft only within the retention limit.
 * Lock keeps drafts in main but shows none: the renderer drops clinical content on lock.
 */
import { isSealExpired } from './retention';

/** The part of the session view custody cares about. */
export type CustodySession =
  | { kind: 'active'; subject: string }
  | { kind: 'warning'; subject: string }
  | { kind: 'locked'; subject: string }
  | { kind: 'signed-out' }
  | { kind: 'signing-in' }
  | { kind: 'ended' };

export type ReleaseDecision =
  | { release: true }
  | { release: false; reason: 'no-session' | 'locked' | 'not-owner' | 'expired' };

export interface ReleaseQuestion {
  /** The subject who saved the drafts. */
  owner: string;
  /** The subject asking for them (from the session, never from the renderer). */
  requester: string;
  session: CustodySession;
  /** Present when the drafts come from a seal rather than from memory. */
  seal?: { sealedAt: number };
  now: number;
  retentionMs: number;
}

export function mayRelease(q: ReleaseQuestion): ReleaseDecision {
  const { session } = q;
  if (session.kind === 'signed-out' || session.kind === 'signing-in' || session.kind === 'ended') {
    return { release: false, reason: 'no-session' };
  }
  if (session.kind === 'locked') return { release: false, reason: 'locked' };
  // Both must match: the session's subject is who is at the keyboard, the requester is who
  // the caller thinks it is serving. Empty subjects never match anything.
  if (q.owner === '' || q.owner !== q.requester || session.subject !== q.owner) {
    return { release: false, reason: 'not-owner' };
  }
  if (q.seal && isSealExpired(q.seal.sealedAt, q.now, q.retentionMs)) return { release: false, reason: 'expired' };
  return { release: true };
}
