/**
 * What each request a clinician can make does in each state: the one table the session
 * service's backend follows (it adds no rules of its own). A request is accepted in the states
 * listed and refused with a stable code in every other; an accepted request becomes one engine
 * event, and a draft request names whose drafts it may touch: always the session's own
 * clinician, never a subject the renderer supplies. This is the draft-custody gate.
 */
import { elapsedMs } from '../clock';
import type { Instant } from '../clock';
import type { ShellErrorCode } from '../errors';
import type { EventTypeOf } from './vocabulary';
import type { SessionState, SessionStatus } from './types';

const anyState = [
  'signed-out',
  'signing-in',
  'active',
  'warning',
  'locked',
  'reauthenticating',
  'ended',
] as const satisfies readonly SessionStatus[];
const working = ['active', 'warning'] as const satisfies readonly SessionStatus[];
const withSession = ['active', 'warning', 'locked', 'reauthenticating'] as const satisfies readonly SessionStatus[];

type RequestRule = {
  readonly acceptedIn: readonly SessionStatus[];
  /** Why it is refused elsewhere. */
  readonly refusal: Extract<ShellErrorCode, 'SESSION_NOT_ACTIVE' | 'SESSION_WRONG_STATE'>;
  /** The engine event an accepted request becomes (null: it reads or writes drafts). */
  readonly event: EventTypeOf<'none'> | null;
  /** Draft requests: the session's clinician is the only owner they may touch. */
  readonly drafts?: 'read' | 'write';
};

export const clinicianRequests = {
  signIn: { acceptedIn: ['signed-out', 'ended', 'signing-in'], refusal: 'SESSION_WRONG_STATE', event: 'signInStarted' },
  cancelSignIn: { acceptedIn: anyState, refusal: 'SESSION_WRONG_STATE', event: 'cancelRequested' },
  unlock: { acceptedIn: ['locked', 'reauthenticating'], refusal: 'SESSION_WRONG_STATE', event: 'reauthStarted' },
  signInAsSomeoneElse: { acceptedIn: anyState, refusal: 'SESSION_WRONG_STATE', event: 'switchClinicianRequested' },
  signOut: { acceptedIn: anyState, refusal: 'SESSION_WRONG_STATE', event: 'signOut' },
  stillHere: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: 'activity' },
  reportActivity: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: 'activity' },
  lock: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: 'lockRequested' },
  /** "Sign in again now": only while working; at the lock screen, Unlock is the same sign-in. */
  renewSession: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: 'renewalRequested' },
  /** Only while working: at the lock screen, Unlock already lets the clinician choose a role. */
  changeRole: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: 'roleChangeRequested' },
  /** Drafts reach the screen only while their owner is working: never at the lock screen. */
  loadDrafts: { acceptedIn: working, refusal: 'SESSION_NOT_ACTIVE', event: null, drafts: 'read' },
  /**
   * A locked session still takes its owner's last keystrokes (the renderer sends them as it
   * drops the editor): writing into the owner's own custody shows nothing to anyone.
   */
  saveDraft: { acceptedIn: withSession, refusal: 'SESSION_NOT_ACTIVE', event: null, drafts: 'write' },
} as const satisfies Record<string, RequestRule>;

export type ClinicianRequest = keyof typeof clinicianRequests;

export type RequestDecision =
  | { readonly ok: true; readonly event: EventTypeOf<'none'> | null; readonly owner: string | null }
  | { readonly ok: false; readonly code: RequestRule['refusal'] };

export function decideRequest(state: SessionState, request: ClinicianRequest): RequestDecision {
  const rule: RequestRule = clinicianRequests[request];
  if (!rule.acceptedIn.includes(state.status)) return { ok: false, code: rule.refusal };
  const owner = rule.drafts !== undefined && 'session' in state ? state.session.subject : null;
  return { ok: true, event: rule.event, owner };
}

/** A session that ended moments ago, as the service remembers it (the state itself keeps nobody). */
export type RecentEnd = { readonly subject: string; readonly endedAt: Instant };

/**
 * How long after an end its clinician's last keystrokes are still taken into their custody:
 * the renderer sends them as it drops the editor, which may be just after main ended the
 * session (a logout token, shutdown, sign-out a moment after typing).
 */
export const lastKeystrokesGraceMs = 5_000;

/**
 * Whose drafts may be read (shown) or written now: the custody gate. Reads: the working
 * clinician only. Writes: the clinician whose session exists, working or locked; or, while no
 * session exists, the one whose session ended within the grace period (writing into their own
 * sealed custody shows nothing to anyone). Never a subject the renderer names.
 */
export function draftCustodian(
  state: SessionState,
  use: 'read' | 'write',
  recentEnd: RecentEnd | null = null,
  now?: Instant,
): string | null {
  const decision = decideRequest(state, use === 'read' ? 'loadDrafts' : 'saveDraft');
  if (decision.ok) return decision.owner;
  // Writes are refused only where no session exists: the last keystrokes of one that just ended.
  if (use !== 'write' || recentEnd === null || now === undefined) return null;
  const since = elapsedMs(recentEnd.endedAt, now);
  return since >= 0 && since <= lastKeystrokesGraceMs ? recentEnd.subject : null;
}
