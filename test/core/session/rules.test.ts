// One row per rule the engine enforces, each named with the public text it comes from:
//   CIS2: NHS England, CIS2 Authentication guidance for developers, "Session management";
//   CIS2/NIST: NHS England's CIS2 guidance, section 9 "Session management" (after NIST SP 800-63B);
//   workflow: "NHS CIS2 Integration: Secure Session Management for Clinical Web Applications";
// or "ours" with the document in docs/ that explains a rule of this project's own.
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import type { SessionPolicy } from '../../../main/core/policy';
import { nextDeadline } from '../../../main/core/session';
import { Driver, HOUR, MINUTE, SECOND, T0, after, types } from './fixtures';

type Rule = { source: string; run: () => void };

const strict = (input: Parameters<typeof resolvePolicy>[0]): SessionPolicy => resolvePolicy(input).policy;

const rules: Rule[] = [
  {
    source:
      'CIS2: "AAL2 30 minutes" (idle timeout table) — locks at exactly 30 min without activity, not a millisecond before',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL2');
      d.send({ type: 'tick', at: after(30 * MINUTE - 1) });
      expect(d.status).toBe('warning');
      expect(d.send({ type: 'tick', at: after(30 * MINUTE) })).toEqual([{ type: 'lock', reason: 'idle' }]);
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'CIS2: "AAL3 15 minutes" (idle timeout table); CIS2/NIST: "following any period of inactivity lasting 15 minutes or longer"',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'activity', at: after(10 * MINUTE) });
      d.send({ type: 'tick', at: after(25 * MINUTE - 1) });
      expect(d.status).toBe('warning');
      expect(d.send({ type: 'tick', at: after(25 * MINUTE) })).toEqual([{ type: 'lock', reason: 'idle' }]);
    },
  },
  {
    source:
      'CIS2/NIST: "Authentication of the subscriber SHALL be repeated at least once per 12 hours during an extended usage session, regardless of user activity"',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL2');
      for (let t = MINUTE; t < 12 * HOUR; t += 10 * MINUTE) d.send({ type: 'activity', at: after(t) });
      expect(d.status).toBe('active');
      expect(d.send({ type: 'activity', at: after(12 * HOUR) })).toEqual([
        { type: 'lock', reason: 'absolute-limit' },
        { type: 'clearTokens', subject: 'alice' },
      ]);
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'CIS2: "This happens 12 hours after authentication or the most recent re-authentication." — counted from auth_time, not from sign-in',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3', 'sid-1', T0.wall - 10 * SECOND);
      d.send({ type: 'lockRequested', at: after(11 * HOUR) });
      d.reauth('alice', after(11 * HOUR + MINUTE));
      expect(d.status).toBe('active');
      for (let t = 11 * HOUR + 2 * MINUTE; t < 23 * HOUR + MINUTE; t += 5 * MINUTE)
        d.send({ type: 'activity', at: after(t) });
      expect(d.status).toBe('active');
      d.send({ type: 'activity', at: after(23 * HOUR + MINUTE) });
      expect(d.state).toMatchObject({ status: 'locked', reason: 'absolute-limit' });
    },
  },
  {
    source:
      'workflow: "Inactivity timeout for the application session with a clear warning banner before lock." — warning 60 s ahead, activity keeps the session',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      expect(d.send({ type: 'tick', at: after(14 * MINUTE) })).toEqual([
        { type: 'showWarning', deadline: after(15 * MINUTE), secondsLeft: 60 },
      ]);
      expect(d.send({ type: 'activity', at: after(14 * MINUTE + 30 * SECOND) })).toEqual([{ type: 'hideWarning' }]);
      expect(d.status).toBe('active');
      expect(nextDeadline(d.state, d.policy)).toEqual(after(28 * MINUTE + 30 * SECOND));
    },
  },
  {
    source:
      'CIS2 session management (reference 003): inactivity is counted "within the application" — by default input elsewhere on the OS account (the browser, another program) does not keep the session',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'tick', at: after(14 * MINUTE) });
      expect(d.send({ type: 'osIdleSample', seconds: 5, at: after(14 * MINUTE + 10 * SECOND) })).toEqual([]);
      expect(d.status).toBe('warning');
      expect(nextDeadline(d.state, d.policy)).toEqual(after(15 * MINUTE));
      expect(d.send({ type: 'tick', at: after(15 * MINUTE) })).toEqual([{ type: 'lock', reason: 'idle' }]);
    },
  },
  {
    source:
      'ours (ActivityCountedFrom = os-account, a PC only one clinician uses): the OS seeing input elsewhere on the account counts too',
    run: () => {
      const d = new Driver(resolvePolicy({ activityCountedFrom: 'os-account' }).policy);
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'tick', at: after(14 * MINUTE) });
      expect(d.send({ type: 'osIdleSample', seconds: 5, at: after(14 * MINUTE + 10 * SECOND) })).toEqual([
        { type: 'hideWarning' },
      ]);
      expect(nextDeadline(d.state, d.policy)).toEqual(after(28 * MINUTE + 5 * SECOND));
    },
  },
  {
    source:
      'ours (docs/session-engine.md): "idle limit always enforced against the evidence you accept" — an OS idle sample never makes the session look less recently used, and a whole idle period of OS idleness locks',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'activity', at: after(5 * MINUTE) });
      expect(d.send({ type: 'osIdleSample', seconds: 600, at: after(6 * MINUTE) })).toEqual([]);
      expect(nextDeadline(d.state, d.policy)).toEqual(after(19 * MINUTE));
      expect(d.send({ type: 'osIdleSample', seconds: 15 * 60, at: after(7 * MINUTE) })).toEqual([
        { type: 'lock', reason: 'idle' },
      ]);
    },
  },
  {
    source: 'CIS2: "When they do this you should terminate their session with your application." (explicit sign-out)',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0);
      expect(d.send({ type: 'signOut', at: after(MINUTE) })).toEqual([
        { type: 'endSession', reason: 'sign-out', subject: 'alice' },
        { type: 'clearTokens', subject: 'alice' },
        { type: 'sealDraftsOf', subject: 'alice' },
      ]);
      expect(d.state).toEqual({ status: 'ended', reason: 'sign-out' });
    },
  },
  {
    source:
      'CIS2: "If the logout token contains both a sub and sid claim, you should find any application sessions where both the captured sub and sid values match"',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3', 'sid-1');
      expect(
        d.send({ type: 'backchannelLogout', subject: 'alice', sessionId: 'sid-other', at: after(MINUTE) }),
      ).toEqual([]);
      expect(d.send({ type: 'backchannelLogout', subject: 'bob', sessionId: 'sid-1', at: after(MINUTE) })).toEqual([]);
      expect(
        types(d.send({ type: 'backchannelLogout', subject: 'alice', sessionId: 'sid-1', at: after(MINUTE) })),
      ).toEqual(['endSession', 'clearTokens', 'sealDraftsOf']);
      expect(d.state).toEqual({ status: 'ended', reason: 'backchannel-logout' });
    },
  },
  {
    source:
      'CIS2: "If there is no sid claim present in the logout token, you should invalidate all sessions for the user identified by the sub claim." — even while locked',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3', 'sid-1');
      d.send({ type: 'osLocked', at: after(MINUTE) });
      d.send({ type: 'backchannelLogout', subject: 'alice', at: after(2 * MINUTE) });
      expect(d.state).toEqual({ status: 'ended', reason: 'backchannel-logout' });
    },
  },
  {
    source:
      'CIS2: "validate that the identity is the same as that used to create the application session" — same subject resumes with a new idle window',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'tick', at: after(15 * MINUTE) });
      expect(d.send({ type: 'reauthStarted', at: after(20 * MINUTE) })).toEqual([
        { type: 'startReauthentication', subject: 'alice', aal: 'AAL3' },
      ]);
      expect(
        d.send({
          type: 'reauthSucceeded',
          subject: 'alice',
          sessionId: 'sid-2',
          authTime: after(21 * MINUTE).wall,
          aal: 'AAL3',
          at: after(21 * MINUTE),
        }),
      ).toEqual([
        { type: 'sessionResumed', subject: 'alice', sessionId: 'sid-2', aal: 'AAL3' },
        { type: 'restoreDraftsOf', subject: 'alice' },
      ]);
      expect(nextDeadline(d.state, d.policy)).toEqual(after(35 * MINUTE));
    },
  },
  {
    source:
      'ours (docs/session-engine.md): "Re-authentication must prove the same subject (sub) as the session" — a different clinician ends the previous session and never resumes it',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      d.send({ type: 'osLocked', at: after(MINUTE) });
      expect(d.reauth('bob', after(2 * MINUTE), 'AAL2')).toEqual([
        { type: 'endSession', reason: 'different-user', subject: 'alice' },
        { type: 'clearTokens', subject: 'alice' },
        { type: 'sealDraftsOf', subject: 'alice' },
        { type: 'sessionStarted', subject: 'bob', sessionId: 'sid-bob-2', aal: 'AAL2' },
        { type: 'restoreDraftsOf', subject: 'bob' },
      ]);
      expect(d.state).toMatchObject({ status: 'active', session: { subject: 'bob', aal: 'AAL2' } });
    },
  },
  {
    source:
      'CIS2/NIST: "Devices use a mechanism to lock a user\'s session after a period of inactivity e.g. a Windows Lock Screen." — OS lock locks; unlocking Windows does not unlock the shell',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0);
      expect(d.send({ type: 'osLocked', at: after(MINUTE) })).toEqual([{ type: 'lock', reason: 'os-lock' }]);
      expect(d.send({ type: 'osUnlocked', at: after(2 * MINUTE) })).toEqual([]);
      expect(d.send({ type: 'activity', at: after(2 * MINUTE) })).toEqual([]);
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'CIS2 (smartcard removal, as Identity Agent locks the desktop on it): the card leaving the reader locks at once; a card coming back does not unlock',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      expect(d.send({ type: 'presenceLost', reason: 'smartcard-removed', at: after(MINUTE) })).toEqual([
        { type: 'lock', reason: 'smartcard-removed' },
      ]);
      // There is no "card inserted" event: the lock screen only prompts.
      expect(d.send({ type: 'activity', at: after(2 * MINUTE) })).toEqual([]);
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'ours (docs/security.md, presence per platform): losing every watcher of the Linux screen lock fails closed — it locks with its own reason, and abandons an unlock in the browser',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      expect(d.send({ type: 'presenceLost', reason: 'lock-watch-lost', at: after(MINUTE) })).toEqual([
        { type: 'lock', reason: 'lock-watch-lost' },
      ]);
      d.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
      d.send({ type: 'presenceLost', reason: 'lock-watch-lost', at: after(3 * MINUTE) });
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'ours (docs/decisions.md, smartcard presence): the reader or the smartcard service going away fails closed — it locks, and abandons an unlock in the browser',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0, 'AAL3');
      expect(d.send({ type: 'presenceLost', reason: 'smartcard-unavailable', at: after(MINUTE) })).toEqual([
        { type: 'lock', reason: 'smartcard-unavailable' },
      ]);
      d.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
      d.send({ type: 'presenceLost', reason: 'smartcard-removed', at: after(3 * MINUTE) });
      expect(d.status).toBe('locked');
    },
  },
  {
    source:
      'ours (docs/session-engine.md): "IT policy may shorten any limit" — and may choose to end the session on OS lock, sleep or user switch',
    run: () => {
      const d = new Driver(
        strict({
          onOsLock: 'end-session',
          onSleep: 'end-session',
          onUserSwitch: 'end-session',
          idleLimitSeconds: { AAL3: 300 },
        }),
      );
      d.signIn('alice', T0);
      expect(types(d.send({ type: 'userSwitchedAway', at: after(MINUTE) }))).toEqual([
        'endSession',
        'clearTokens',
        'sealDraftsOf',
      ]);
      expect(d.state).toEqual({ status: 'ended', reason: 'user-switch' });
      const e = new Driver(strict({ idleLimitSeconds: { AAL3: 300 } }));
      e.signIn('alice', T0);
      e.send({ type: 'tick', at: after(5 * MINUTE) });
      expect(e.state).toMatchObject({ status: 'locked', reason: 'idle' });
    },
  },
  {
    source:
      'ours (docs/session-engine.md): where IT ends the session on OS lock, sleep or user switch, it does so from the lock screen too, and mid-unlock; otherwise the session stays locked',
    run: () => {
      const cases = [
        [{ onOsLock: 'end-session' }, { type: 'osLocked' }, 'os-lock'],
        [{ onSleep: 'end-session' }, { type: 'suspend' }, 'sleep'],
        [{ onUserSwitch: 'end-session' }, { type: 'userSwitchedAway' }, 'user-switch'],
      ] as const;
      for (const [policy, event, reason] of cases) {
        for (const midUnlock of [false, true]) {
          const ends = new Driver(strict({ ...policy, idleLimitSeconds: { AAL3: 300 } }));
          ends.signIn('alice', T0);
          ends.send({ type: 'lockRequested', at: after(MINUTE) });
          if (midUnlock) ends.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
          // Mid-unlock, the attempt in the browser is abandoned first.
          expect(types(ends.send({ ...event, at: after(3 * MINUTE) })), reason).toEqual([
            ...(midUnlock ? ['cancelAttempt'] : []),
            'endSession',
            'clearTokens',
            'sealDraftsOf',
          ]);
          expect(ends.state).toEqual({ status: 'ended', reason });
          // The default (lock) keeps the locked session, and abandons an unlock in progress.
          const stays = new Driver(strict({ idleLimitSeconds: { AAL3: 300 } }));
          stays.signIn('alice', T0);
          stays.send({ type: 'lockRequested', at: after(MINUTE) });
          if (midUnlock) stays.send({ type: 'reauthStarted', at: after(2 * MINUTE) });
          stays.send({ ...event, at: after(3 * MINUTE) });
          expect(stays.status, reason).toBe('locked');
        }
      }
    },
  },
  {
    source:
      'ours (docs/session-engine.md): "Sleep counts as inactivity: on resume, elapsed wall time decides" — sleep locks, and a resume without a suspend event still locks if the idle limit passed',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0);
      expect(d.send({ type: 'suspend', at: after(MINUTE) })).toEqual([{ type: 'lock', reason: 'sleep' }]);
      const missed = new Driver();
      missed.signIn('alice', T0);
      // Monotonic time stood still for two hours of sleep; the wall clock moved.
      expect(missed.send({ type: 'resume', at: { wall: T0.wall + 2 * HOUR, mono: T0.mono + SECOND } })).toEqual([
        { type: 'lock', reason: 'idle' },
      ]);
    },
  },
  {
    source:
      'Clock rule (docs/session-engine.md): a wall clock set backwards never extends a session; one set forwards only shortens it',
    run: () => {
      const back = new Driver();
      back.signIn('alice', T0);
      expect(back.send({ type: 'tick', at: { wall: T0.wall - HOUR, mono: T0.mono + 15 * MINUTE } })).toEqual([
        { type: 'lock', reason: 'idle' },
      ]);
      const forward = new Driver();
      forward.signIn('alice', T0);
      // By the wall clock the idle limit came first, then 12 h passed while locked: ended.
      expect(forward.send({ type: 'tick', at: { wall: T0.wall + 13 * HOUR, mono: T0.mono + SECOND } })).toEqual([
        { type: 'lock', reason: 'idle' },
        { type: 'endSession', reason: 'absolute-limit', subject: 'alice' },
        { type: 'clearTokens', subject: 'alice' },
        { type: 'sealDraftsOf', subject: 'alice' },
      ]);
    },
  },
  {
    source:
      'CIS2: "Terminate the user\'s session at least every 12 hours." — a session locked when the 12 hours come is ended, not kept',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0);
      d.send({ type: 'lockRequested', at: after(HOUR) });
      expect(nextDeadline(d.state, d.policy)).toEqual(after(12 * HOUR));
      expect(types(d.send({ type: 'tick', at: after(12 * HOUR) }))).toEqual([
        'endSession',
        'clearTokens',
        'sealDraftsOf',
      ]);
      expect(d.state).toEqual({ status: 'ended', reason: 'absolute-limit' });
    },
  },
  {
    source: 'workflow: "if token refresh fails due to an upstream session ending, you move into a safe locked state"',
    run: () => {
      const d = new Driver();
      d.signIn('alice', T0);
      expect(d.send({ type: 'refreshRefused', at: after(MINUTE) })).toEqual([
        { type: 'lock', reason: 'refresh-refused' },
      ]);
    },
  },
  {
    source:
      'CIS2: "you must check the auth_time claim ... within 15 seconds of the current time" — the engine, as a backstop, refuses an authentication already past 12 h',
    run: () => {
      const d = new Driver();
      expect(d.signIn('alice', T0, 'AAL3', 'sid-1', T0.wall - 13 * HOUR)).toEqual([
        { type: 'clearTokens', subject: 'alice' },
      ]);
      expect(d.status).toBe('signed-out');
    },
  },
];

describe('session engine rules (one row per rule, with its source)', () => {
  it.each(rules.map((r) => [r.source, r] as const))('%s', (_source, rule) => rule.run());
});
