// The vocabulary's derived lists and its classification of lock causes, checked against the
// engine itself: every presence loss is an OS signal and a lock reason, each OS signal becomes
// an event the engine accepts, and lockingEvents says exactly which events lock a working
// session, with which reason, and which of them abandon a sign-in or unlock in the browser. The
// property tests take their lock causes from that table, so it must be true.
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../main/core/policy';
import {
  isAbsence,
  isLockingEventType,
  isOsSignal,
  isSessionEventType,
  lockReasonOf,
  lockReasons,
  lockingEvents,
  osSignalEvent,
  osSignalEvents,
  osSignals,
  presenceLossReasons,
  sessionEvents,
  sessionEventTypes,
  transition,
} from '../../../main/core/session';
import type { SessionEvent, SessionEventBody, SessionEventType, SessionState } from '../../../main/core/session';
import { Driver, MINUTE, T0, after } from './fixtures';

const at = after(MINUTE);

/** Every event the table locks on, with every reason a presence loss may carry. */
const lockingBodies: SessionEventBody[] = (Object.keys(lockingEvents) as (keyof typeof lockingEvents)[]).flatMap(
  (type): SessionEventBody[] =>
    type === 'presenceLost' ? presenceLossReasons.map((reason) => ({ type, reason })) : [{ type }],
);

function working(): SessionState {
  const d = new Driver();
  d.signIn('alice', T0);
  return d.state;
}

function whileAttempting(status: 'signing-in' | 'reauthenticating'): SessionState {
  const d = new Driver();
  if (status === 'signing-in') {
    d.send({ type: 'signInStarted', at: T0 });
  } else {
    d.signIn('alice', T0);
    d.send({ type: 'lockRequested', at: T0 });
    d.send({ type: 'reauthStarted', at: T0 });
  }
  expect(d.status).toBe(status);
  return d.state;
}

const stamp = (body: SessionEventBody): SessionEvent => ({ ...body, at }) as SessionEvent;

describe('the presence losses', () => {
  it('are OS signals, each becoming presenceLost with its own name as the reason', () => {
    for (const reason of presenceLossReasons) {
      expect(osSignals).toContain(reason);
      expect(isOsSignal(reason)).toBe(true);
      expect(osSignalEvent(reason)).toEqual({ type: 'presenceLost', reason });
      expect(osSignalEvents[reason]).toBe('presenceLost');
    }
  });

  it('are lock reasons, after the others in their order', () => {
    expect(lockReasons.slice(-presenceLossReasons.length)).toEqual([...presenceLossReasons]);
  });

  it('come as one engine event carrying the reason', () => {
    expect(sessionEvents.presenceLost).toBe('presenceLoss');
    expect(sessionEventTypes).toContain('presenceLost');
  });
});

describe('the OS signals', () => {
  it('each become an event the engine accepts, of the type osSignalEvents names', () => {
    for (const name of osSignals) {
      const body = osSignalEvent(name);
      expect(body.type).toBe(osSignalEvents[name]);
      expect(() => transition(working(), stamp(body), defaultPolicy)).not.toThrow();
    }
  });

  it('are told from anything else', () => {
    for (const other of ['shutdown', 'toString', 'smartcardRemoved', '', 3, null])
      expect(isOsSignal(other)).toBe(false);
  });
});

describe('lockingEvents (the lock causes the property tests use)', () => {
  it.each(lockingBodies.map((b) => [JSON.stringify(b), b] as const))(
    '%s locks a working session with the reason the table gives',
    (_name, body) => {
      const reason = lockReasonOf(body);
      expect(reason).not.toBeNull();
      const { state, effects } = transition(working(), stamp(body), defaultPolicy);
      expect(state).toMatchObject({ status: 'locked', reason });
      expect(effects).toContainEqual({ type: 'lock', reason });
    },
  );

  it.each(lockingBodies.filter(isAbsence).map((b) => [JSON.stringify(b), b] as const))(
    '%s says nobody is there: it abandons a sign-in and an unlock in the browser',
    (_name, body) => {
      const signingIn = transition(whileAttempting('signing-in'), stamp(body), defaultPolicy);
      expect(signingIn.state).toEqual({ status: 'signed-out' });
      expect(signingIn.effects).toContainEqual({ type: 'cancelAttempt', purpose: 'sign-in', byClinician: false });
      const unlocking = transition(whileAttempting('reauthenticating'), stamp(body), defaultPolicy);
      expect(unlocking.state.status).toBe('locked');
      expect(unlocking.effects).toContainEqual({ type: 'cancelAttempt', purpose: 'unlock', byClinician: false });
    },
  );

  it('names every event that locks a working session: no other event without a payload does', () => {
    const others = sessionEventTypes.filter(
      (type): type is SessionEventType => sessionEvents[type] === 'none' && !isLockingEventType(type),
    );
    for (const type of others) {
      const { state } = transition(working(), stamp({ type } as SessionEventBody), defaultPolicy);
      expect(state.status, type).not.toBe('locked');
      expect(lockReasonOf({ type } as SessionEventBody)).toBeNull();
    }
  });
});

describe('the guards on names from outside (a policy file, an adapter, the harness)', () => {
  it('tell every OS signal as one, and only the four absences as absence', () => {
    for (const name of osSignals) expect(isOsSignal(name), name).toBe(true);
    const absences = sessionEventTypes.filter((type) => isAbsence({ type }));
    expect(absences).toEqual(['osLocked', 'suspend', 'userSwitchedAway', 'presenceLost']);
  });

  it('refuse a list holding a known name (Object.hasOwn would read it as the name)', () => {
    expect(isOsSignal(['lock-screen'])).toBe(false);
    expect(isOsSignal([presenceLossReasons[0]])).toBe(false);
    expect(isLockingEventType(['osLocked'])).toBe(false);
    expect(isSessionEventType(['tick'])).toBe(false);
  });
});
