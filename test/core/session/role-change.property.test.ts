// "Change role" while working, over random workstation days: role changes (and renewals, the
// other working re-authentication) asked for, finished, failed, cancelled or finished by
// someone else at random moments, among every other event, sleeps and wall-clock jumps.
// The rules (docs/session-engine.md, "Change role"): asking opens the browser and changes
// nothing else; only the same clinician's authentication is taken, and then only the session
// (and so the role the service reads from it) moves on: no lock, no draft sealed or restored, no
// end; anyone else's changes nothing; a lock or end while choosing abandons the browser attempt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition } from '../../../main/core/session';
import type { Effect, SessionState } from '../../../main/core/session';
import { Driver, MINUTE, T0, after } from './fixtures';
import { NUM_RUNS, policyArb, runDay, splicedDaysArb, workingReauthArb } from './model';
import type { Observed, RunStep } from './model';

const TIMEOUT = Math.max(30_000, NUM_RUNS * 2);

type Working = Extract<SessionState, { status: 'active' | 'warning' }>;
const working = (s: SessionState): s is Working => s.status === 'active' || s.status === 'warning';
const choosingRole = (s: SessionState): s is Working => working(s) && s.reauth?.purpose === 'role-change';
const ofType = (effects: Effect[], ...types: Effect['type'][]): Effect[] =>
  effects.filter((e) => types.includes(e.type));

function must(condition: boolean, message: string, o: Observed): asserts condition {
  if (!condition)
    throw new Error(
      `${message} [${o.before.status} --${o.event.type}--> ${o.after.status}; effects ${JSON.stringify(o.effects)}]`,
    );
}

/** The model's days with role changes (and renewals, the other working re-authentication) spliced in at random places. */
const daysArb: fc.Arbitrary<RunStep[]> = splicedDaysArb(
  workingReauthArb(['roleChangeRequested', 'roleChangeRequested', 'renewalRequested'], 'role'),
);

function forEveryStep(check: (o: Observed) => void): void {
  fc.assert(
    fc.property(policyArb, daysArb, (policy, steps) => runDay(policy, steps, (o) => check(o))),
    { numRuns: NUM_RUNS },
  );
}

/** What the same event would have done had it been a tick: the settling every event gets first. */
function settledOnly(o: Observed, policy: Parameters<typeof transition>[2]) {
  return transition(o.before, { type: 'tick', at: o.event.at }, policy);
}

describe('Change role (property)', () => {
  it('draws days where role changes are asked for, accepted and refused (else the properties prove little)', () => {
    const seen = { asked: 0, accepted: 0, refused: 0 };
    fc.assert(
      fc.property(policyArb, daysArb, (policy, steps) =>
        runDay(policy, steps, (o) => {
          if (o.event.type === 'roleChangeRequested' && choosingRole(o.after)) seen.asked += 1;
          if (o.effects.some((e) => e.type === 'sessionRenewed' && e.purpose === 'role-change')) seen.accepted += 1;
          if (o.effects.some((e) => e.type === 'workingReauthRefused' && e.purpose === 'role-change'))
            seen.refused += 1;
        }),
      ),
      { numRuns: Math.max(200, Math.floor(NUM_RUNS / 4)) },
    );
    expect(seen.asked).toBeGreaterThan(0);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it(
    'asking opens the browser for the same clinician and changes nothing else: no lock, no end, no draft step, same session',
    { timeout: TIMEOUT },
    () => {
      fc.assert(
        fc.property(policyArb, daysArb, (policy, steps) =>
          runDay(policy, steps, (o) => {
            if (o.event.type !== 'roleChangeRequested') return;
            const tick = settledOnly(o, policy);
            if (!working(tick.state)) {
              // Not working once settled (signed out, locked, ended): it does exactly what a tick does.
              must(
                JSON.stringify(o.after) === JSON.stringify(tick.state),
                'a role change outside work changed the state',
                o,
              );
              must(
                JSON.stringify(o.effects) === JSON.stringify(tick.effects),
                'a role change outside work had effects of its own',
                o,
              );
              return;
            }
            must(choosingRole(o.after), 'asking to change role did not open a role change', o);
            must(
              JSON.stringify(o.after.session) === JSON.stringify(tick.state.session),
              'asking to change role touched the session',
              o,
            );
            const own = o.effects.filter((e) => !tick.effects.some((t) => JSON.stringify(t) === JSON.stringify(e)));
            const start = ofType(own, 'startWorkingReauth');
            must(start.length === 1, 'asking to change role did not open the browser exactly once', o);
            must(
              JSON.stringify(start[0]) ===
                JSON.stringify({
                  type: 'startWorkingReauth',
                  purpose: 'role-change',
                  subject: tick.state.session.subject,
                  aal: tick.state.session.aal,
                }),
              'the browser was opened for someone else or another purpose',
              o,
            );
            // The one other thing it may do: abandon a renewal that was open (the new attempt replaces it).
            const rest = own.filter((e) => e !== start[0]);
            const replaced =
              working(tick.state) && tick.state.reauth !== undefined && tick.state.reauth.purpose !== 'role-change';
            must(
              rest.every(
                (e) =>
                  e.type === 'cancelAttempt' && replaced && e.purpose === tick.state.reauth?.purpose && !e.byClinician,
              ),
              'asking to change role did something besides opening the browser',
              o,
            );
            must(
              ofType(
                o.effects,
                'lock',
                'endSession',
                'clearTokens',
                'sealDraftsOf',
                'restoreDraftsOf',
                'sessionStarted',
                'sessionResumed',
              ).length ===
                ofType(
                  tick.effects,
                  'lock',
                  'endSession',
                  'clearTokens',
                  'sealDraftsOf',
                  'restoreDraftsOf',
                  'sessionStarted',
                  'sessionResumed',
                ).length,
              'asking to change role locked, ended or moved drafts',
              o,
            );
          }),
        ),
        { numRuns: NUM_RUNS },
      );
    },
  );

  it(
    "the same clinician's authentication moves the session on in place: no lock, no end, drafts untouched",
    { timeout: TIMEOUT },
    () => {
      forEveryStep((o) => {
        if (o.event.type !== 'workingReauthSucceeded' || !choosingRole(o.before) || !working(o.after)) return;
        if (o.event.subject !== o.before.session.subject) return;
        const renewed = ofType(o.effects, 'sessionRenewed');
        if (renewed.length === 0) {
          // Only an authentication already past the 12-hour limit is refused.
          must(
            o.effects.some(
              (e) => e.type === 'workingReauthRefused' && e.why === 'past-limit' && e.purpose === 'role-change',
            ),
            'the same clinician was refused for no reason',
            o,
          );
          return;
        }
        must(
          JSON.stringify(renewed) ===
            JSON.stringify([
              {
                type: 'sessionRenewed',
                purpose: 'role-change',
                subject: o.before.session.subject,
                sessionId: o.event.sessionId,
                aal: o.event.aal,
              },
            ]),
          'the role change was not taken for its own clinician',
          o,
        );
        must(
          o.after.session.subject === o.before.session.subject && o.after.reauth === undefined,
          'the session changed hands or stayed choosing',
          o,
        );
        must(
          ofType(
            o.effects,
            'lock',
            'endSession',
            'clearTokens',
            'sealDraftsOf',
            'restoreDraftsOf',
            'sessionStarted',
            'sessionResumed',
          ).length === 0,
          'a role change locked, ended, dropped tokens or moved drafts',
          o,
        );
      });
    },
  );

  it(
    "anyone else's authentication changes nothing: the clinician keeps their session, and only the stranger's tokens go",
    { timeout: TIMEOUT },
    () => {
      forEveryStep((o) => {
        if (o.event.type !== 'workingReauthSucceeded' || !choosingRole(o.before)) return;
        if (o.event.subject === o.before.session.subject) return;
        must(
          ofType(o.effects, 'sessionRenewed', 'sessionStarted', 'sessionResumed', 'restoreDraftsOf').length === 0,
          "a stranger was given the clinician's session",
          o,
        );
        if (working(o.after))
          must(o.after.session.subject === o.before.session.subject, 'the working clinician changed', o);
        for (const e of ofType(o.effects, 'clearTokens')) {
          must(
            e.type === 'clearTokens' && (e.subject === o.event.subject || !working(o.after)),
            "the clinician's own tokens were dropped",
            o,
          );
        }
      });
    },
  );

  it('a lock or an end while the role is being chosen abandons the browser attempt first', { timeout: TIMEOUT }, () => {
    forEveryStep((o) => {
      if (!choosingRole(o.before) || working(o.after) || o.event.type.startsWith('workingReauth')) return;
      must(
        JSON.stringify(o.effects[0]) ===
          JSON.stringify({
            type: 'cancelAttempt',
            purpose: 'role-change',
            byClinician: o.event.type === 'cancelRequested',
          }),
        'a role change outlived the working state',
        o,
      );
    });
  });
});

describe('Change role (rules)', () => {
  it('a cancel keeps the clinician working in the role they had; a late result of the cancelled change is ignored', () => {
    const d = new Driver();
    d.signIn('alice', T0);
    expect(d.send({ type: 'roleChangeRequested', at: after(MINUTE) })).toEqual([
      { type: 'startWorkingReauth', purpose: 'role-change', subject: 'alice', aal: 'AAL3' },
    ]);
    const session = d.state.status === 'active' ? d.state.session : null;
    expect(d.send({ type: 'cancelRequested', at: after(2 * MINUTE) })).toEqual([
      { type: 'cancelAttempt', purpose: 'role-change', byClinician: true },
    ]);
    expect(d.state).toEqual({ status: 'active', session });
    expect(
      d.send({
        type: 'workingReauthSucceeded',
        at: after(3 * MINUTE),
        subject: 'alice',
        sessionId: 'sid-late',
        authTime: after(3 * MINUTE).wall,
        aal: 'AAL3',
      }),
    ).toEqual([]);
    expect(d.state).toEqual({ status: 'active', session });
  });

  it('is refused at the lock screen and before sign-in: Unlock already asks which role', () => {
    const d = new Driver();
    expect(d.send({ type: 'roleChangeRequested', at: T0 })).toEqual([]);
    d.signIn('alice', T0);
    d.send({ type: 'lockRequested', at: after(MINUTE) });
    expect(d.send({ type: 'roleChangeRequested', at: after(2 * MINUTE) })).toEqual([]);
    expect(d.status).toBe('locked');
  });
});
