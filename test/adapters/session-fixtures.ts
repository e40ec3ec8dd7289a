/**
 * A session service as the lock guard sees it (state, onStateChange, the backend's view push,
 * lockBeforeReload), in the order the real session loop keeps: the state changes, the view is
 * published to the IPC server, then the state-change listeners run
 * (main/services/session/session-loop.ts `apply`).
 */
import { vi } from 'vitest';
import type { Session, SessionState } from '../../main/core/session';
import type { SessionView } from '../../preload/contract';
import { spyBackend } from './shell-fixtures';

const at = { wall: 1_700_000_000_000, mono: 1 };

export function sessionOf(subject: string): Session {
  return { subject, sessionId: `sid-${subject}`, aal: 'AAL3', authTime: at.wall, authAt: at, lastActivity: at };
}

export const states = {
  active: (subject: string): SessionState => ({ status: 'active', session: sessionOf(subject) }),
  warning: (subject: string): SessionState => ({ status: 'warning', session: sessionOf(subject) }),
  locked: (subject: string): SessionState => ({
    status: 'locked',
    session: sessionOf(subject),
    reason: 'idle',
    lockedAt: at,
  }),
  reauthenticating: (subject: string): SessionState => ({
    status: 'reauthenticating',
    session: sessionOf(subject),
    reason: 'idle',
    lockedAt: at,
  }),
  ended: (): SessionState => ({ status: 'ended', reason: 'sign-out' }),
  signedOut: (): SessionState => ({ status: 'signed-out' }),
  signingIn: (): SessionState => ({ status: 'signing-in' }),
};

/** Every status in which clinical content must not show, from a working clinician 'A'. */
export const nonWorking: ReadonlyArray<[string, SessionState]> = [
  ['locked', states.locked('A')],
  ['reauthenticating', states.reauthenticating('A')],
  ['ended', states.ended()],
  ['signed-out', states.signedOut()],
  ['signing-in', states.signingIn()],
];

/** What the session service's view would be (valid against the contract). */
export function viewOf(state: SessionState): SessionView {
  const clinician = (subject: string) => ({ name: `Dr ${subject}`, roleName: null, orgName: null, orgCode: null });
  switch (state.status) {
    case 'active':
      return {
        kind: 'active',
        clinician: clinician(state.session.subject),
        sessionSecondsLeft: 3600,
        sessionEndingSoon: false,
        signingInAgain: null,
        notice: null,
        draftStorage: 'protected',
      };
    case 'warning':
      return {
        kind: 'warning',
        clinician: clinician(state.session.subject),
        secondsLeft: 30,
        sessionSecondsLeft: 3600,
        sessionEndingSoon: false,
        signingInAgain: null,
        notice: null,
        draftStorage: 'protected',
      };
    case 'locked':
    case 'reauthenticating':
      return {
        kind: 'locked',
        reason: state.reason,
        clinician: clinician(state.session.subject),
        unlocking: state.status === 'reauthenticating',
        lockedAt: Math.floor(state.lockedAt.wall),
        notice: null,
      };
    case 'ended':
      return { kind: 'ended', reason: state.reason };
    case 'signed-out':
      return { kind: 'signed-out', notice: null };
    case 'signing-in':
      return { kind: 'signing-in', purpose: 'sign-in', notice: null };
  }
}

const subjectOf = (state: SessionState): string | null => ('session' in state ? state.session.subject : null);

export function fakeSessionService(initial: SessionState) {
  let state = initial;
  const viewListeners = new Set<(view: SessionView) => void>();
  const changeListeners = new Set<(state: SessionState, previous: SessionState) => void>();
  const { backend } = spyBackend();
  backend.getView.mockImplementation(() => ({ ok: true, value: viewOf(state) }) as never);
  backend.subscribe.mockImplementation((listener: (view: SessionView) => void) => {
    viewListeners.add(listener);
    return () => void viewListeners.delete(listener);
  });

  /** As the session loop applies a transition: the state, then the view, then the change listeners. */
  const go = (next: SessionState): void => {
    const previous = state;
    state = next;
    for (const listener of viewListeners) listener(viewOf(next));
    if (previous.status !== next.status || subjectOf(previous) !== subjectOf(next))
      for (const listener of [...changeListeners]) listener(next, previous);
  };

  return {
    backend,
    go,
    state: () => state,
    onStateChange(listener: (state: SessionState, previous: SessionState) => void) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    /** main/services/session/session-service.ts: lock only if working. */
    lockBeforeReload: vi.fn(() => {
      if (state.status === 'active' || state.status === 'warning')
        go({ status: 'locked', session: state.session, reason: 'manual', lockedAt: at });
    }),
  };
}
