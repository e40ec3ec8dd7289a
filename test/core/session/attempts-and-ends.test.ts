// Examples for the engine's rules that the rules table and the properties left unguarded: an
// attempt in the browser that ends by its own outcome is not cancelled again, a logout token
// naming the session by sid alone ends it, tokens are dropped once per clinician, an outage
// counts from its first unanswered refresh, and input elsewhere on the OS account counts only
// when it is later on both clocks.
import { describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { resolvePolicy } from '../../../main/core/policy';
import { Effects, unhandled } from '../../../main/core/session/steps';
import { nextDeadline, sessionEndingSoon, transition } from '../../../main/core/session';
import { Driver, HOUR, MINUTE, SECOND, T0, after, types } from './fixtures';

function lockedAndUnlocking(d: Driver): void {
  d.signIn('alice', T0);
  d.send({ type: 'lockRequested', at: after(MINUTE) });
  d.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
}

describe('an attempt that ends by its own outcome', () => {
  it.each(['reauthFailed', 'reauthCancelled'] as const)(
    'an unlock that reports %s goes back to the lock screen without cancelling it again',
    (type) => {
      const d = new Driver();
      lockedAndUnlocking(d);
      expect(d.send({ type, at: after(3 * MINUTE) })).toEqual([]);
      expect(d.status).toBe('locked');
    },
  );

  it.each(['workingReauthSucceeded', 'workingReauthFailed', 'workingReauthCancelled'] as const)(
    'a working re-authentication that reports %s is not cancelled again',
    (type) => {
      const d = new Driver();
      d.signIn('alice', T0);
      d.send({ type: 'renewalRequested', at: after(MINUTE) });
      const at = after(2 * MINUTE);
      const outcome =
        type === 'workingReauthSucceeded'
          ? { type, at, subject: 'alice', sessionId: 'sid-alice-2', authTime: at.wall, aal: 'AAL3' as const }
          : { type, at };
      expect(types(d.send(outcome))).not.toContain('cancelAttempt');
      expect(d.status).toBe('active');
    },
  );

  it("drops the tokens another clinician's authentication brought to a working re-authentication", () => {
    const d = new Driver();
    d.signIn('alice', T0);
    d.send({ type: 'renewalRequested', at: after(MINUTE) });
    const at = after(2 * MINUTE);
    const effects = d.send({
      type: 'workingReauthSucceeded',
      at,
      subject: 'bob',
      sessionId: 'sid-bob',
      authTime: at.wall,
      aal: 'AAL3',
    });
    expect(effects).toEqual([
      { type: 'workingReauthRefused', purpose: 'renew', subject: 'alice', why: 'different-user' },
      { type: 'clearTokens', subject: 'bob' },
    ]);
  });
});

describe('what ends a session on request', () => {
  it('a logout token naming this session by its sid alone ends it; one naming another sid does not', () => {
    const other = new Driver();
    other.signIn('alice', T0);
    other.send({ type: 'backchannelLogout', sessionId: 'sid-someone-else', at: after(MINUTE) });
    expect(other.status).toBe('active');
    const d = new Driver();
    d.signIn('alice', T0);
    const effects = d.send({ type: 'backchannelLogout', sessionId: 'sid-alice', at: after(MINUTE) });
    expect(effects).toContainEqual({ type: 'endSession', reason: 'backchannel-logout', subject: 'alice' });
  });

  it('"sign in as someone else" ends the session as a sign-out and opens the browser for the next clinician', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    const effects = d.send({ type: 'switchClinicianRequested', at: after(MINUTE) });
    expect(effects).toContainEqual({ type: 'endSession', reason: 'sign-out', subject: 'alice' });
    expect(d.status).toBe('signing-in');
  });
});

describe('tokens are dropped once per clinician in a transition', () => {
  it('a machine waking long past the 12 hours locks and ends the session, dropping the tokens once', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    d.send({ type: 'activity', at: after(11 * HOUR + 59 * MINUTE) });
    const effects = d.send({ type: 'resume', at: after(12 * HOUR + 30 * MINUTE) });
    expect(types(effects).filter((t) => t === 'clearTokens')).toEqual(['clearTokens']);
    expect(d.status).toBe('ended');
  });

  it('keeps one clearTokens for each clinician', () => {
    const effects = new Effects();
    effects.push({ type: 'clearTokens', subject: 'alice' });
    effects.push({ type: 'lock', reason: 'manual' });
    effects.push({ type: 'clearTokens', subject: 'bob' });
    effects.push({ type: 'clearTokens', subject: 'alice' });
    expect(effects.list).toEqual([
      { type: 'clearTokens', subject: 'alice' },
      { type: 'lock', reason: 'manual' },
      { type: 'clearTokens', subject: 'bob' },
    ]);
  });
});

describe('the compile-time exhaustiveness guard', () => {
  it('throws INTERNAL naming (at most 60 characters of) an event no rule handles', () => {
    const long = `teleport${'x'.repeat(100)}`;
    expect(() => unhandled({ type: long } as never)).toThrow(ShellError);
    expect(() => unhandled({ type: long } as never)).toThrow(
      `The session engine has no rule for the event ${JSON.stringify(long).slice(0, 60)}. This is a fault in the shell; please report it to IT.`,
    );
    try {
      unhandled({ type: 'teleport' } as never);
    } catch (error) {
      expect((error as ShellError).code).toBe('INTERNAL');
    }
  });
});

describe('an outage counts from its first unanswered refresh', () => {
  it('a second unanswered refresh does not restart the count, and an answer ends it', () => {
    const policy = resolvePolicy({ unansweredRefreshLimitSeconds: 10 * 60 }).policy;
    const d = new Driver(policy);
    d.signIn('alice', T0);
    d.send({ type: 'refreshUnanswered', at: after(MINUTE) });
    d.send({ type: 'refreshUnanswered', at: after(5 * MINUTE) });
    d.send({ type: 'activity', at: after(10 * MINUTE) });
    d.send({ type: 'tick', at: after(11 * MINUTE) });
    expect(d.state).toMatchObject({ status: 'locked', reason: 'cis2-unreachable' });

    const answered = new Driver(policy);
    answered.signIn('alice', T0);
    answered.send({ type: 'refreshUnanswered', at: after(MINUTE) });
    answered.send({ type: 'refreshAnswered', at: after(2 * MINUTE) });
    answered.send({ type: 'refreshAnswered', at: after(3 * MINUTE) });
    answered.send({ type: 'activity', at: after(10 * MINUTE) });
    answered.send({ type: 'tick', at: after(12 * MINUTE) });
    expect(answered.status).toBe('active');
  });
});

describe('input elsewhere on the OS account (IT: one clinician uses this PC)', () => {
  const policy = resolvePolicy({ activityCountedFrom: 'os-account' }).policy;
  const fifteen = 15 * MINUTE;

  it('counts input the OS saw after the last in the shell: the idle lock moves to 15 minutes after it', () => {
    const d = new Driver(policy);
    d.signIn('alice', T0);
    d.send({ type: 'osIdleSample', seconds: 60, at: after(10 * MINUTE) });
    d.send({ type: 'tick', at: after(fifteen + MINUTE) });
    expect(d.status).not.toBe('locked');
    d.send({ type: 'tick', at: after(9 * MINUTE + fifteen) });
    expect(d.status).toBe('locked');
  });

  it('does not count input that is later on one clock only (the wall clock set back, or jumped ahead)', () => {
    // The wall clock was set back 5 minutes: the OS's input is at sign-in on the wall clock, 5
    // minutes later on the monotonic one. It is not later than sign-in, so the lock stays at 15 min.
    const setBack = new Driver(policy);
    setBack.signIn('alice', T0);
    setBack.send({
      type: 'osIdleSample',
      seconds: 5 * 60,
      at: { wall: T0.wall + 5 * MINUTE, mono: T0.mono + 10 * MINUTE },
    });
    setBack.send({ type: 'tick', at: { wall: T0.wall + 10 * MINUTE, mono: T0.mono + fifteen } });
    expect(setBack.status).toBe('locked');
    // The wall clock jumped 5 minutes ahead: the input is later on the wall clock only.
    const jumped = new Driver(policy);
    jumped.signIn('alice', T0);
    jumped.send({
      type: 'osIdleSample',
      seconds: 5 * 60,
      at: { wall: T0.wall + 10 * MINUTE, mono: T0.mono + 5 * MINUTE },
    });
    jumped.send({ type: 'tick', at: { wall: T0.wall + fifteen, mono: T0.mono + 10 * MINUTE } });
    expect(jumped.status).toBe('locked');
  });
});

describe('a policy change and the idle warning', () => {
  it('shows the warning once when a tighter policy brings it on at once', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    const at = after(10 * MINUTE);
    const tighter = resolvePolicy({ idleLimitSeconds: { AAL3: 10 * 60 + 30 } }).policy;
    const { state, effects } = transition(d.state, { type: 'policyChanged', at }, tighter);
    expect(state.status).toBe('warning');
    expect(effects).toEqual([{ type: 'showWarning', deadline: after(10 * MINUTE + 30 * SECOND), secondsLeft: 30 }]);
  });
});

describe('the next moment the service must wake', () => {
  it('is the earliest of the warning, the 12 hours and an outage limit, whichever comes first', () => {
    const outage = resolvePolicy({ unansweredRefreshLimitSeconds: 120 }).policy;
    const d = new Driver(outage);
    d.signIn('alice', T0);
    d.send({ type: 'refreshUnanswered', at: after(MINUTE) });
    expect(nextDeadline(d.state, outage)).toEqual(after(3 * MINUTE));
    const short = resolvePolicy({ absoluteLimitSeconds: 10 * 60 }).policy;
    const s = new Driver(short);
    s.signIn('alice', T0);
    expect(nextDeadline(s.state, short)).toEqual(after(10 * MINUTE));
  });

  it('never says the 12 hours are ending soon when IT turned the notice off (a lead of 0)', () => {
    const silent = resolvePolicy({ absoluteWarningLeadSeconds: 0 }).policy;
    const d = new Driver(silent);
    d.signIn('alice', T0);
    expect(sessionEndingSoon(d.state, silent, after(12 * HOUR))).toBe(false);
    expect(sessionEndingSoon(d.state, resolvePolicy({}).policy, after(12 * HOUR))).toBe(true);
  });
});
