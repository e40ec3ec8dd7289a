// Examples for the parts of transition() that the rules table does not name: events that
// make no sense in a state are ignored, malformed input fails loudly, and each state's deadline.
import { describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { defaultPolicy, resolvePolicy } from '../../../main/core/policy';
import type { SessionPolicy } from '../../../main/core/policy';
import { initialSessionState, nextDeadline, transition } from '../../../main/core/session';
import type { SessionEvent, SessionState } from '../../../main/core/session';
import { Driver, HOUR, MINUTE, SECOND, T0, after } from './fixtures';

function stateAfter(setup: (d: Driver) => void): SessionState {
  const d = new Driver();
  setup(d);
  return d.state;
}

const signedIn = stateAfter((d) => d.signIn('alice', T0));
const locked = stateAfter((d) => {
  d.signIn('alice', T0);
  d.send({ type: 'lockRequested', at: T0 });
});
const at = after(MINUTE);
const auth = { subject: 'bob', sessionId: 'sid-b', authTime: at.wall, aal: 'AAL3' as const, at };

const ignored: Array<[string, SessionState, SessionEvent]> = [
  ['a sign-in result while a session is working', signedIn, { type: 'signInSucceeded', ...auth }],
  ['a re-authentication result that nobody asked for', signedIn, { type: 'reauthSucceeded', ...auth }],
  [
    'a re-authentication result at a lock screen where nobody pressed unlock',
    locked,
    { type: 'reauthSucceeded', ...auth },
  ],
  ['activity at the lock screen', locked, { type: 'activity', at }],
  ['an OS unlock at the lock screen', locked, { type: 'osUnlocked', at }],
  ['a resume while locked', locked, { type: 'resume', at }],
  ['a back-channel logout for someone else', signedIn, { type: 'backchannelLogout', subject: 'bob', at }],
  ['a back-channel logout naming nobody', signedIn, { type: 'backchannelLogout', at }],
  ['activity while signed out', initialSessionState(), { type: 'activity', at }],
  ['a sign-out while signed out', initialSessionState(), { type: 'signOut', at }],
  ['an OS lock while signed out', initialSessionState(), { type: 'osLocked', at }],
  ['a lock request while locked', locked, { type: 'lockRequested', at }],
  [
    'a presence loss while signed out',
    initialSessionState(),
    { type: 'presenceLost', reason: 'smartcard-removed', at },
  ],
  ['a presence loss at the lock screen', locked, { type: 'presenceLost', reason: 'lock-watch-lost', at }],
];

describe('transition', () => {
  it.each(ignored)('ignores %s, with no effects', (_name, state, event) => {
    expect(transition(state, event, defaultPolicy)).toEqual({ state, effects: [] });
  });

  const malformed: Array<[string, SessionEvent]> = [
    ['a NaN wall time', { type: 'tick', at: { wall: Number.NaN, mono: 0 } }],
    ['an infinite monotonic time', { type: 'activity', at: { wall: 0, mono: Number.POSITIVE_INFINITY } }],
    ['a negative OS idle sample', { type: 'osIdleSample', seconds: -1, at }],
    ['an empty subject', { type: 'signInSucceeded', ...auth, subject: '' }],
    ['an unknown assurance level', { type: 'signInSucceeded', ...auth, aal: 'AAL1' } as unknown as SessionEvent],
    ['an unknown event type', { type: 'teleport', at } as unknown as SessionEvent],
    [
      'a presence loss with a reason outside the table',
      { type: 'presenceLost', reason: 'not-a-presence-loss', at } as unknown as SessionEvent,
    ],
    ['a presence loss with no reason', { type: 'presenceLost', at } as unknown as SessionEvent],
    [
      'a presence loss whose reason is an inherited name',
      { type: 'presenceLost', reason: 'toString', at } as unknown as SessionEvent,
    ],
  ];
  it.each(malformed)('throws INTERNAL on %s rather than guessing', (_name, event) => {
    const state: SessionState = { status: 'signing-in' };
    expect(() => transition(state, event, defaultPolicy)).toThrow(ShellError);
    expect(() => transition(state, event, defaultPolicy)).toThrow(/report it to IT/);
  });

  it('refuses a hand-built policy that lengthens a limit (regression guard for bypassing resolvePolicy)', () => {
    const lax: SessionPolicy = { ...defaultPolicy, idleLimitMs: { AAL2: 31 * MINUTE, AAL3: 15 * MINUTE } };
    expect(() => transition(signedIn, { type: 'tick', at }, lax)).toThrow(ShellError);
  });

  it('re-announces the warning with the new time when a tighter policy arrives during it', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    d.send({ type: 'tick', at: after(14 * MINUTE + 30 * SECOND) });
    expect(d.status).toBe('warning');
    const tighter = resolvePolicy({ idleLimitSeconds: { AAL3: 14 * 60 + 45 } }).policy;
    const { effects } = transition(d.state, { type: 'policyChanged', at: after(14 * MINUTE + 30 * SECOND) }, tighter);
    expect(effects).toEqual([{ type: 'showWarning', deadline: after(14 * MINUTE + 45 * SECOND), secondsLeft: 15 }]);
  });

  it('ignores a logout token issued before the session was authenticated (an earlier CIS2 session of the same clinician)', () => {
    const d = new Driver();
    d.signIn('alice', after(HOUR), 'AAL3', 'sid-new');
    const authTime = after(HOUR).wall;
    d.send({ type: 'backchannelLogout', at: after(HOUR + MINUTE), subject: 'alice', issuedAt: authTime - 1 });
    expect(d.status).toBe('active');
    d.send({ type: 'backchannelLogout', at: after(HOUR + MINUTE), subject: 'alice', issuedAt: authTime });
    expect(d.state).toEqual({ status: 'ended', reason: 'backchannel-logout' });
  });

  it('gives each state its one next deadline', () => {
    expect(nextDeadline(initialSessionState(), defaultPolicy)).toBeNull();
    expect(nextDeadline({ status: 'ended', reason: 'sign-out' }, defaultPolicy)).toBeNull();
    expect(nextDeadline(signedIn, defaultPolicy)).toEqual(after(14 * MINUTE));
    expect(nextDeadline(locked, defaultPolicy)).toEqual(after(12 * HOUR));
  });

  it('gives a clinician locked by the 12-hour limit one idle period to re-authenticate, then ends the session', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    for (let t = 10 * MINUTE; t <= 12 * HOUR; t += 10 * MINUTE) d.send({ type: 'activity', at: after(t) });
    expect(d.state).toMatchObject({ status: 'locked', reason: 'absolute-limit' });
    expect(nextDeadline(d.state, d.policy)).toEqual(after(12 * HOUR + 15 * MINUTE));
    d.send({ type: 'reauthStarted', at: after(12 * HOUR + MINUTE) });
    d.send({ type: 'reauthCancelled', at: after(12 * HOUR + 2 * MINUTE) });
    expect(d.state).toMatchObject({ status: 'locked', reason: 'absolute-limit' });
    d.send({ type: 'tick', at: after(12 * HOUR + 15 * MINUTE) });
    expect(d.state).toEqual({ status: 'ended', reason: 'absolute-limit' });
  });

  it('keeps the lock when a re-authentication arrives already past the 12-hour limit', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    d.send({ type: 'osLocked', at: after(MINUTE) });
    d.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
    const effects = d.send({
      type: 'reauthSucceeded',
      subject: 'alice',
      sessionId: 's',
      aal: 'AAL3',
      authTime: T0.wall - 12 * HOUR,
      at: after(3 * MINUTE),
    });
    expect(effects).toEqual([{ type: 'clearTokens', subject: 'alice' }]);
    expect(d.state).toMatchObject({ status: 'locked', reason: 'os-lock' });
  });

  it('regression: a sign-in with auth_time past 12 h started a session, restored and sealed its drafts in one step', () => {
    const d = new Driver();
    const effects = d.signIn('alice', T0, 'AAL3', 'sid', T0.wall - 13 * HOUR);
    expect(effects.map((e) => e.type)).not.toContain('restoreDraftsOf');
    expect(effects.map((e) => e.type)).not.toContain('sessionStarted');
    expect(d.state).toEqual({ status: 'signed-out' });
  });

  it('counts an auth_time ahead of the local clock as now, never later', () => {
    const d = new Driver();
    d.signIn('alice', T0, 'AAL3', 'sid', T0.wall + 30 * SECOND);
    for (let t = 10 * MINUTE; t < 12 * HOUR; t += 10 * MINUTE) d.send({ type: 'activity', at: after(t) });
    d.send({ type: 'tick', at: after(12 * HOUR) });
    expect(d.state).toMatchObject({ status: 'locked', reason: 'absolute-limit' });
  });

  it('starts a new sign-in from ended, and a shutdown ends a working session', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    expect(d.send({ type: 'shutdown', at })).toContainEqual({
      type: 'endSession',
      reason: 'shutdown',
      subject: 'alice',
    });
    expect(d.send({ type: 'signInStarted', at })).toEqual([{ type: 'startSignIn' }]);
    expect(d.status).toBe('signing-in');
    d.send({ type: 'signInCancelled', at });
    expect(d.status).toBe('signed-out');
  });
});
