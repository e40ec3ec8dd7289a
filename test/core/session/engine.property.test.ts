// Safety properties of the session engine over random workstation days: bursts of activity,
// hours of sleep, wall clocks set backwards and forwards, ticks on and around deadlines, and
// every event type in any order. Each property is checked after every single step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../main/core/session';
import { NUM_RUNS, absoluteOver, elapsed, idleOver, nextOracle, policyArb, runDay, stepsArb } from './model';
import type { Observed } from './model';
import type { SessionPolicy } from '../../../main/core/policy';

const working = (s: { status: string }): boolean => s.status === 'active' || s.status === 'warning';
const hasSession = (s: object): boolean => 'session' in s;
const find = <T extends Effect['type']>(effects: Effect[], type: T): Extract<Effect, { type: T }>[] =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

function day(check: (o: Observed, policy: SessionPolicy) => void): void {
  fc.assert(
    fc.property(policyArb, stepsArb, (policy, steps) => runDay(policy, steps, check)),
    { numRuns: NUM_RUNS },
  );
}

describe('session engine safety (property)', () => {
  it('draws days that reach every state and every lock and end reason (else the properties prove little)', () => {
    const seen = new Set<string>();
    for (const [policy, steps] of fc.sample(fc.tuple(policyArb, stepsArb), { numRuns: 1500, seed: 42 })) {
      runDay(policy, steps, ({ after, effects }) => {
        seen.add(after.status);
        for (const e of effects) if (e.type === 'lock' || e.type === 'endSession') seen.add(`${e.type}:${e.reason}`);
        for (const e of effects) if (e.type === 'sessionResumed' || e.type === 'showWarning' || e.type === 'hideWarning') seen.add(e.type);
      });
    }
    const wanted = [
      'signed-out', 'signing-in', 'active', 'warning', 'locked', 'reauthenticating', 'ended', 'sessionResumed', 'showWarning', 'hideWarning',
      ...(['idle', 'os-lock', 'sleep', 'user-switch', 'absolute-limit', 'refresh-failed', 'manual'] as const).map((r) => `lock:${r}`),
      ...(['sign-out', 'absolute-limit', 'different-user', 'backchannel-logout', 'shutdown', 'os-lock', 'sleep', 'user-switch'] as const).map((r) => `endSession:${r}`),
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });

  it('never leaves a session working once its idle limit has passed without accepted activity', () => {
    day(({ event, effects, after, oracle }, policy) => {
      if (!working(after)) return;
      const o = nextOracle(oracle, event, effects, after);
      expect(o).not.toBeNull();
      if (o === null) return;
      expect(idleOver(o, event.at, policy)).toBe(false);
      // The warning is up exactly in the last `warningLead` before the idle lock.
      const warned = elapsed(o.evidence, event.at) >= policy.idleLimitMs[o.aal] - policy.warningLeadMs;
      expect(after.status).toBe(warned ? 'warning' : 'active');
    });
  });

  it('never leaves a session working past the absolute limit from its last full authentication', () => {
    day(({ event, effects, after, oracle }, policy) => {
      if (!working(after) || !hasSession(after)) return;
      const o = nextOracle(oracle, event, effects, after);
      expect(o).not.toBeNull();
      if (o === null) return;
      expect(absoluteOver(o, event.at, policy)).toBe(false);
      const authTime = o.startedAt.wall - o.authAgeMs;
      expect(event.at.wall - authTime).toBeLessThan(policy.absoluteLimitMs);
    });
  });

  it('emits the lock at the first event or tick at or after a deadline, before any other effect', () => {
    day(({ before, event, effects, oracle }, policy) => {
      expect(hasSession(before)).toBe(oracle !== null);
      if (!working(before) || oracle === null) return;
      const idleDue = idleOver(oracle, event.at, policy);
      const absoluteDue = absoluteOver(oracle, event.at, policy);
      if (!idleDue && !absoluteDue) return;
      const first = effects[0];
      expect(first?.type).toBe('lock');
      if (first?.type !== 'lock') return;
      if (!absoluteDue) expect(first.reason).toBe('idle');
      if (!idleDue) expect(first.reason).toBe('absolute-limit');
    });
  });

  it('ends a session that is locked when the absolute limit comes', () => {
    day(({ before, event, after, effects, oracle }, policy) => {
      if ((before.status !== 'locked' && before.status !== 'reauthenticating') || before.reason === 'absolute-limit') return;
      if (oracle === null || !absoluteOver(oracle, event.at, policy)) return;
      // Ended at once; only a sign-in that the same event starts may follow the end.
      expect(after.status).toBe(event.type === 'signInStarted' ? 'signing-in' : 'ended');
      expect(effects[0]).toEqual({ type: 'endSession', reason: 'absolute-limit', subject: oracle.subject });
    });
  });

  it('wakes the service exactly at the deadline: a tick there changes state, a tick just before does nothing', () => {
    day(({ move, before, event, after, effects }) => {
      if (move.kind !== 'toDeadline' || event.type !== 'tick') return;
      if (!hasSession(before)) return;
      if (move.offsetMs >= 0) expect(after.status).not.toBe(before.status);
      else expect(effects).toEqual([]);
    });
  });

  it('never hands one clinician\'s session or drafts to another', () => {
    day(({ event, after, effects, oracle }) => {
      for (const resumed of find(effects, 'sessionResumed')) expect(resumed.subject).toBe(oracle?.subject);
      for (const restored of find(effects, 'restoreDraftsOf')) {
        expect(hasSession(after) && 'session' in after && after.session.subject).toBe(restored.subject);
        expect(event.type === 'signInSucceeded' || event.type === 'reauthSucceeded').toBe(true);
      }
      if (!('session' in after) || oracle === null || after.session.subject === oracle.subject) return;
      // A different clinician holds the workstation now: the previous one was ended, not resumed.
      expect(effects).toContainEqual({ type: 'endSession', reason: 'different-user', subject: oracle.subject });
      expect(effects).toContainEqual({ type: 'sealDraftsOf', subject: oracle.subject });
      expect(effects).toContainEqual({ type: 'clearTokens', subject: oracle.subject });
      expect(find(effects, 'sessionStarted').map((e) => e.subject)).toEqual([after.session.subject]);
      expect(find(effects, 'sessionResumed')).toEqual([]);
    });
  });

  it('leaves nothing working after sign-out or an end, and keeps no session in ended or signed-out', () => {
    day(({ before, event, after, effects }) => {
      if (event.type === 'signOut') expect(hasSession(after)).toBe(false);
      if (after.status === 'ended' || after.status === 'signed-out') {
        expect(Object.keys(after).sort()).toEqual(after.status === 'ended' ? ['reason', 'status'] : ['status']);
      }
      const ends = find(effects, 'endSession');
      if (ends.length > 0) expect(!hasSession(after) || (working(after) && ends.every((e) => e.reason === 'different-user'))).toBe(true);
      if (hasSession(before) && !hasSession(after)) expect(ends).toHaveLength(1);
    });
  });

  it('never emits contradictory effects, and every end clears tokens and seals drafts', () => {
    day(({ after, effects }, policy) => {
      const count = (t: Effect['type']): number => effects.filter((e) => e.type === t).length;
      for (const t of ['lock', 'endSession', 'showWarning', 'hideWarning', 'sessionStarted', 'sessionResumed'] as const) expect(count(t)).toBeLessThanOrEqual(1);
      if (count('showWarning') > 0) {
        expect(count('hideWarning') + count('lock') + count('endSession')).toBe(0);
        expect(after.status).toBe('warning');
      }
      if (count('lock') > 0) expect(working(after)).toBe(false);
      expect(count('sessionStarted') + count('sessionResumed')).toBeLessThanOrEqual(1);
      for (const end of find(effects, 'endSession')) {
        expect(effects).toContainEqual({ type: 'clearTokens', subject: end.subject });
        expect(effects).toContainEqual({ type: 'sealDraftsOf', subject: end.subject });
      }
      const sealed = new Set(find(effects, 'sealDraftsOf').map((e) => e.subject));
      for (const restored of find(effects, 'restoreDraftsOf')) expect(sealed.has(restored.subject)).toBe(false);
      for (const warn of find(effects, 'showWarning')) {
        expect(warn.secondsLeft).toBeGreaterThan(0);
        expect(warn.secondsLeft).toBeLessThanOrEqual(Math.ceil(policy.warningLeadMs / 1000));
      }
    });
  });
});
