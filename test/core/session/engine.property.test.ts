// Safety properties of the session engine over random workstation days: bursts of activity,
// hours of sleep, wall clocks set backwards and forwards, ticks on and around deadlines, and
// every event type in any order. Each property is checked after every single step.
// Checks are plain `must()` calls rather than expect(): they run millions of times at CI's
// FC_NUM_RUNS, and fast-check reports the shrunk counterexample with the message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from '../../../main/core/policy';
import { endReasons, isAbsence, lockReasons } from '../../../main/core/session';
import type { Effect } from '../../../main/core/session';

/** Every effect the engine can ask for; the record makes a new one fail to compile here until it is listed. */
const effectTypes = Object.keys({
  startSignIn: 1,
  cancelAttempt: 1,
  sessionStarted: 1,
  sessionResumed: 1,
  showWarning: 1,
  hideWarning: 1,
  lock: 1,
  clearTokens: 1,
  startReauthentication: 1,
  endSession: 1,
  sealDraftsOf: 1,
  restoreDraftsOf: 1,
  startWorkingReauth: 1,
  sessionRenewed: 1,
  workingReauthRefused: 1,
} satisfies Record<Effect['type'], 1>);
import { NUM_RUNS, absoluteOver, elapsed, idleOver, nextOracle, policyArb, runDay, stepsArb } from './model';
import type { Observed } from './model';

/** Generous per-test timeout: about 1 ms per run on a busy 2-core box, never under 30 s. */
const TIMEOUT = Math.max(30_000, NUM_RUNS * 2);

const working = (s: { status: string }): boolean => s.status === 'active' || s.status === 'warning';
const hasSession = (s: object): boolean => 'session' in s;
const find = <T extends Effect['type']>(effects: Effect[], type: T): Extract<Effect, { type: T }>[] =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
const has = (effects: Effect[], type: Effect['type'], subject: string): boolean =>
  effects.some((e) => e.type === type && 'subject' in e && e.subject === subject);

function must(condition: boolean, message: string, o?: Observed): asserts condition {
  if (!condition) {
    const where = o
      ? ` [${o.before.status} --${o.event.type}--> ${o.after.status}; effects ${JSON.stringify(o.effects)}]`
      : '';
    throw new Error(message + where);
  }
}

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
        for (const e of effects) seen.add(e.type);
      });
    }
    const wanted = [
      'signed-out',
      'signing-in',
      'active',
      'warning',
      'locked',
      'reauthenticating',
      'ended',
      ...effectTypes,
      ...lockReasons.map((r) => `lock:${r}`),
      ...endReasons.map((r) => `endSession:${r}`),
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });

  it(
    'never leaves a session working once its idle limit has passed without accepted activity',
    () => {
      day((obs, policy) => {
        const { event, effects, after, oracle } = obs;
        if (!working(after)) return;
        const o = nextOracle(oracle, event, effects, after, policy);
        must(o !== null, 'a working state with no session in the event log', obs);
        must(!idleOver(o, event.at, policy), 'working after the idle limit', obs);
        // The warning is up exactly in the last `warningLead` before the idle lock.
        const warned = elapsed(o.evidence, event.at) >= policy.idleLimitMs[o.aal] - policy.warningLeadMs;
        must(after.status === (warned ? 'warning' : 'active'), `expected ${warned ? 'warning' : 'active'}`, obs);
      });
    },
    TIMEOUT,
  );

  it(
    'never leaves a session working past the absolute limit from its last full authentication',
    () => {
      day((obs, policy) => {
        const { event, effects, after, oracle } = obs;
        if (!working(after)) return;
        const o = nextOracle(oracle, event, effects, after, policy);
        must(o !== null, 'a working state with no session in the event log', obs);
        must(!absoluteOver(o, event.at, policy), 'working past the absolute limit (both clocks)', obs);
        const authTime = o.startedAt.wall - o.authAgeMs;
        must(
          event.at.wall - authTime < policy.absoluteLimitMs,
          'working past the absolute limit by the wall clock',
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it(
    'emits the lock at the first event or tick at or after a deadline, before any other effect',
    () => {
      day((obs, policy) => {
        const { before, event, effects, oracle } = obs;
        must(
          hasSession(before) === (oracle !== null),
          'engine and event log disagree on whether a session exists',
          obs,
        );
        if (!working(before) || oracle === null) return;
        const idleDue = idleOver(oracle, event.at, policy);
        const absoluteDue = absoluteOver(oracle, event.at, policy);
        if (!idleDue && !absoluteDue) return;
        // Only the cancellation of a sign-in again left open in the browser may come before the lock.
        const first = effects.find((e) => e.type !== 'cancelAttempt');
        must(first?.type === 'lock', 'a deadline had come but the first effect is not a lock', obs);
        // IT's limit on an outage (network.property.test.ts) may have come due first instead.
        const outageLock = first.reason === 'cis2-unreachable' && policy.unansweredRefreshLimitMs !== null;
        if (!absoluteDue) must(first.reason === 'idle' || outageLock, 'only the idle limit was due', obs);
        if (!idleDue) must(first.reason === 'absolute-limit' || outageLock, 'only the absolute limit was due', obs);
      });
    },
    TIMEOUT,
  );

  it(
    'ends a session that is locked when the absolute limit comes',
    () => {
      day((obs, policy) => {
        const { before, event, after, effects, oracle } = obs;
        if ((before.status !== 'locked' && before.status !== 'reauthenticating') || before.reason === 'absolute-limit')
          return;
        if (oracle === null || !absoluteOver(oracle, event.at, policy)) return;
        // Ended at once; only a sign-in that the same event starts may follow the end.
        must(
          after.status ===
            (event.type === 'signInStarted' || event.type === 'switchClinicianRequested' ? 'signing-in' : 'ended'),
          'a locked session outlived the absolute limit',
          obs,
        );
        // Only the cancellation of an unlock left open in the browser may come before the end.
        const first = effects.find((e) => e.type !== 'cancelAttempt');
        must(
          first?.type === 'endSession' && first.reason === 'absolute-limit' && first.subject === oracle.subject,
          'first effect is not endSession(absolute-limit)',
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it(
    'wakes the service exactly at the deadline: a tick there changes state, a tick just before does nothing',
    () => {
      day((obs) => {
        const { move, before, event, after, effects } = obs;
        if (move.kind !== 'toDeadline' || event.type !== 'tick' || !hasSession(before)) return;
        if (move.offsetMs >= 0) must(after.status !== before.status, 'a tick at nextDeadline() changed nothing', obs);
        else must(effects.length === 0, 'a tick before nextDeadline() did something', obs);
      });
    },
    TIMEOUT,
  );

  it(
    "never hands one clinician's session or drafts to another",
    () => {
      day((obs) => {
        const { event, after, effects, oracle } = obs;
        for (const resumed of find(effects, 'sessionResumed'))
          must(resumed.subject === oracle?.subject, 'resumed for someone else', obs);
        for (const restored of find(effects, 'restoreDraftsOf')) {
          must(
            'session' in after && after.session.subject === restored.subject,
            'drafts restored to someone not holding the session',
            obs,
          );
          must(
            event.type === 'signInSucceeded' || event.type === 'reauthSucceeded',
            'drafts restored without an authentication',
            obs,
          );
        }
        if (!('session' in after) || oracle === null || after.session.subject === oracle.subject) return;
        // A different clinician holds the workstation now: the previous one was ended, not resumed.
        must(
          effects.some((e) => e.type === 'endSession' && e.reason === 'different-user' && e.subject === oracle.subject),
          'previous clinician not ended',
          obs,
        );
        must(
          has(effects, 'sealDraftsOf', oracle.subject) && has(effects, 'clearTokens', oracle.subject),
          "previous clinician's drafts or tokens left open",
          obs,
        );
        const started = find(effects, 'sessionStarted');
        must(
          started.length === 1 && started[0]?.subject === after.session.subject,
          'new clinician not started afresh',
          obs,
        );
        must(find(effects, 'sessionResumed').length === 0, 'a session was resumed for a different clinician', obs);
      });
    },
    TIMEOUT,
  );

  it(
    'leaves nothing working after sign-out or an end, and keeps no session in ended or signed-out',
    () => {
      day((obs) => {
        const { before, event, after, effects } = obs;
        if (event.type === 'signOut') must(!hasSession(after), 'a session survived sign-out', obs);
        if (after.status === 'ended')
          must(Object.keys(after).length === 2 && 'reason' in after, 'ended carries more than its reason', obs);
        if (after.status === 'signed-out') must(Object.keys(after).length === 1, 'signed-out carries state', obs);
        const ends = find(effects, 'endSession');
        if (ends.length > 0)
          must(
            !hasSession(after) || (working(after) && ends.every((e) => e.reason === 'different-user')),
            'something survived an end',
            obs,
          );
        if (hasSession(before) && !hasSession(after))
          must(ends.length === 1, 'a session vanished without endSession', obs);
      });
    },
    TIMEOUT,
  );

  it(
    'never emits contradictory effects, and every end clears tokens and seals drafts',
    () => {
      day((obs, policy) => {
        const { after, effects } = obs;
        const count = (t: Effect['type']): number => effects.reduce((n, e) => (e.type === t ? n + 1 : n), 0);
        for (const t of ['lock', 'endSession', 'showWarning', 'hideWarning'] as const)
          must(count(t) <= 1, `more than one ${t}`, obs);
        must(count('sessionStarted') + count('sessionResumed') <= 1, 'two session starts in one step', obs);
        if (count('showWarning') > 0) {
          must(
            count('hideWarning') + count('lock') + count('endSession') === 0,
            'a warning shown together with its opposite',
            obs,
          );
          must(after.status === 'warning', 'a warning shown outside the warning state', obs);
        }
        if (count('lock') > 0) must(!working(after), 'locked and still working', obs);
        for (const end of find(effects, 'endSession')) {
          must(has(effects, 'clearTokens', end.subject), 'an end without clearTokens', obs);
          must(has(effects, 'sealDraftsOf', end.subject), 'an end without sealDraftsOf', obs);
        }
        for (const restored of find(effects, 'restoreDraftsOf'))
          must(!has(effects, 'sealDraftsOf', restored.subject), 'drafts sealed and restored at once', obs);
        for (const warn of find(effects, 'showWarning')) {
          must(
            warn.secondsLeft > 0 && warn.secondsLeft <= Math.ceil(policy.warningLeadMs / 1000),
            `secondsLeft ${warn.secondsLeft} outside the lead`,
            obs,
          );
        }
      });
    },
    TIMEOUT,
  );

  it(
    'never lets a sign-in or unlock in the browser outlive the state that started it',
    () => {
      // Only the attempt's own outcome ends it without a cancel; a stray outcome of the other kind does not.
      const outcomesOf = {
        'signing-in': new Set(['signInSucceeded', 'signInFailed', 'signInCancelled']),
        reauthenticating: new Set(['reauthSucceeded', 'reauthFailed', 'reauthCancelled']),
      };
      day((obs) => {
        const { before, event, after, effects } = obs;
        // Signing in again while working has its own property (renew.property.test.ts).
        const cancels = find(effects, 'cancelAttempt').filter((c) => c.purpose === 'sign-in' || c.purpose === 'unlock');
        const inBrowser = before.status === 'signing-in' || before.status === 'reauthenticating';
        const leftBehind = inBrowser && after.status !== before.status && !outcomesOf[before.status].has(event.type);
        must(
          cancels.length === (leftBehind ? 1 : 0),
          leftBehind ? 'an attempt was left running' : 'an attempt was cancelled that was not left behind',
          obs,
        );
        const [cancel] = cancels;
        if (cancel === undefined) return;
        must(
          effects[0] === cancel,
          'cancelAttempt is not the first effect (it could cancel the attempt this step starts)',
          obs,
        );
        must(
          cancel.purpose === (before.status === 'signing-in' ? 'sign-in' : 'unlock'),
          'cancelAttempt names the wrong purpose',
          obs,
        );
        must(cancel.byClinician === (event.type === 'cancelRequested'), 'cancelAttempt misreports who cancelled', obs);
      });
    },
    TIMEOUT,
  );

  it(
    '"sign in as someone else" always ends up signing in, and never keeps the previous session',
    () => {
      day((obs) => {
        const { before, event, after, effects } = obs;
        if (event.type !== 'switchClinicianRequested') return;
        must(after.status === 'signing-in', 'sign in as someone else did not start a sign-in', obs);
        const starts = effects.findIndex((e) => e.type === 'startSignIn');
        if (before.status === 'signing-in') return must(starts === -1, 'a second browser sign-in was opened', obs);
        must(starts >= 0, 'no browser sign-in was opened', obs);
        if (!hasSession(before)) return;
        const endIndex = effects.findIndex((e) => e.type === 'endSession');
        must(
          endIndex >= 0 && endIndex < starts,
          "the previous clinician's session did not end before the sign-in began",
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it(
    'never lets an authentication that began before a lock cause show the workspace',
    () => {
      fc.assert(
        fc.property(policyArb, stepsArb, (policy, steps) => {
          let step = 0;
          let attemptStarted = -1;
          let lockCause = -1;
          runDay(policy, steps, (obs) => {
            step += 1;
            const { event, effects } = obs;
            if (effects.some((e) => e.type === 'sessionStarted' || e.type === 'sessionResumed')) {
              must(
                lockCause < attemptStarted,
                'an authentication from an attempt begun before the last OS lock, sleep, user switch or presence loss unlocked',
                obs,
              );
            }
            if (effects.some((e) => e.type === 'startSignIn' || e.type === 'startReauthentication'))
              attemptStarted = step;
            // The lock causes that say nobody is there, from the vocabulary (lockingEvents).
            if (isAbsence(event)) lockCause = step;
          });
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a presence loss (a smartcard removed, a reader or the screen-lock watch lost) locks a working session with its reason, and nothing but a new authentication shows the workspace again',
    () => {
      fc.assert(
        fc.property(policyArb, stepsArb, (policy, steps) => {
          let gone = false;
          runDay(policy, steps, (obs) => {
            const { before, event, after, effects } = obs;
            if (effects.some((e) => e.type === 'sessionStarted' || e.type === 'sessionResumed')) gone = false;
            if (event.type === 'presenceLost' && working(before)) {
              // Locked for the card, or for a limit that had already come (settling names it first: idle, 12 hours, IT's outage limit), or ended by one.
              must(
                after.status === 'locked' || after.status === 'ended',
                'a presence loss did not lock a working session',
                obs,
              );
              const lock = find(effects, 'lock')[0];
              if (lock !== undefined) {
                must(
                  [event.reason, 'idle', 'absolute-limit', 'cis2-unreachable'].includes(lock.reason),
                  `a presence loss "${event.reason}" locked for "${lock.reason}"`,
                  obs,
                );
              }
              gone = true;
            }
            if (gone)
              must(
                !working(after),
                'the workspace showed again after a presence loss, without a new authentication',
                obs,
              );
          });
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a fault locks a working session and abandons any attempt; it never leaves the workspace showing',
    () => {
      day((obs) => {
        const { before, event, after } = obs;
        if (event.type !== 'faultDetected') return;
        must(!working(after), 'a fault left the workspace showing', obs);
        // Locked for the fault, or for a limit that had already come (settling names it first), or ended by one.
        if (working(before)) must(after.status === 'ended' || after.status === 'locked', 'a fault did not lock', obs);
      });
    },
    TIMEOUT,
  );
});
