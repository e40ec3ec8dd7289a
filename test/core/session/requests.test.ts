// The renderer's requests in every state (core/session/requests.ts): which are accepted, which
// event each becomes, and whose drafts a draft request may touch. The session service follows
// this table and nothing else (test/services/session/session-service.test.ts drives it there).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clinicianRequests,
  decideRequest,
  draftCustodian,
  lastKeystrokesGraceMs,
  sessionEventTypes,
} from '../../../main/core/session';
import type { ClinicianRequest, Session, SessionState } from '../../../main/core/session';
import { T0, after } from './fixtures';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

const sessionOf = (subject: string): Session => ({
  subject,
  sessionId: `sid-${subject}`,
  aal: 'AAL3',
  authTime: T0.wall,
  authAt: T0,
  lastActivity: T0,
});

const stateArb: fc.Arbitrary<SessionState> = fc.oneof(
  fc.constantFrom<SessionState>(
    { status: 'signed-out' },
    { status: 'signing-in' },
    { status: 'ended', reason: 'sign-out' },
  ),
  fc.record({
    status: fc.constantFrom('active' as const, 'warning' as const),
    session: fc.string({ minLength: 1 }).map(sessionOf),
  }),
  fc.record({
    status: fc.constantFrom('locked' as const, 'reauthenticating' as const),
    session: fc.string({ minLength: 1 }).map(sessionOf),
    reason: fc.constantFrom('idle' as const, 'manual' as const, 'os-lock' as const),
    lockedAt: fc.constant(T0),
  }),
);
const requestArb = fc.constantFrom(...(Object.keys(clinicianRequests) as ClinicianRequest[]));

describe('clinician requests', () => {
  it('property: drafts are shown only to the working clinician, and written only into the custody of the session that exists', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const subject = 'session' in state ? state.session.subject : null;
        const working = state.status === 'active' || state.status === 'warning';
        expect(draftCustodian(state, 'read')).toBe(working ? subject : null);
        expect(draftCustodian(state, 'write')).toBe(subject);
      }),
      { numRuns },
    );
  });

  it('property: a request is accepted exactly in its listed states, becomes its one event, and is refused with its code elsewhere', () => {
    fc.assert(
      fc.property(stateArb, requestArb, (state, request) => {
        const rule = clinicianRequests[request];
        const decision = decideRequest(state, request);
        if ((rule.acceptedIn as readonly string[]).includes(state.status)) {
          expect(decision).toMatchObject({ ok: true, event: rule.event });
        } else {
          expect(decision).toEqual({ ok: false, code: rule.refusal });
        }
      }),
      { numRuns },
    );
  });

  it.each<[ClinicianRequest, SessionState['status'][]]>([
    ['signIn', ['signed-out', 'signing-in', 'ended']],
    ['unlock', ['locked', 'reauthenticating']],
    ['stillHere', ['active', 'warning']],
    ['lock', ['active', 'warning']],
    ['loadDrafts', ['active', 'warning']],
    ['saveDraft', ['active', 'warning', 'locked', 'reauthenticating']],
    ['signOut', ['signed-out', 'signing-in', 'active', 'warning', 'locked', 'reauthenticating', 'ended']],
  ])('%s is accepted in %j only', (request, states) => {
    expect([...clinicianRequests[request].acceptedIn].sort()).toEqual([...states].sort());
  });

  it('names only events the engine knows', () => {
    for (const rule of Object.values(clinicianRequests))
      if (rule.event !== null) expect(sessionEventTypes).toContain(rule.event);
  });

  it('property: an ended session takes its last keystrokes for a few seconds, only while nobody else has a session, and never shows anything', () => {
    fc.assert(
      fc.property(
        stateArb,
        fc.string({ minLength: 1 }),
        fc.integer({ min: -60_000, max: 60_000 }),
        (state, ended, sinceMs) => {
          const recentEnd = { subject: ended, endedAt: T0 };
          const now = after(sinceMs);
          const write = draftCustodian(state, 'write', recentEnd, now);
          const read = draftCustodian(state, 'read', recentEnd, now);
          expect(read).toBe(draftCustodian(state, 'read'));
          if ('session' in state) expect(write).toBe(state.session.subject);
          else expect(write).toBe(sinceMs >= 0 && sinceMs <= lastKeystrokesGraceMs ? ended : null);
        },
      ),
      { numRuns },
    );
  });
});

describe('whose drafts, at the edges', () => {
  const working: SessionState = { status: 'active', session: sessionOf('alice') };
  const ended: SessionState = { status: 'ended', reason: 'backchannel-logout' };
  const recentEnd = { subject: 'alice', endedAt: T0 };

  it('gives an accepted request that is not about drafts no owner', () => {
    expect(decideRequest(working, 'lock')).toEqual({ ok: true, event: 'lockRequested', owner: null });
    expect(decideRequest(working, 'saveDraft')).toEqual({ ok: true, event: null, owner: 'alice' });
  });

  it('takes the last keystrokes up to exactly the grace period after the end, and not without a time', () => {
    expect(draftCustodian(ended, 'write', recentEnd, after(lastKeystrokesGraceMs))).toBe('alice');
    expect(draftCustodian(ended, 'write', recentEnd, after(lastKeystrokesGraceMs + 1))).toBeNull();
    expect(draftCustodian(ended, 'write', recentEnd)).toBeNull();
    expect(draftCustodian(ended, 'read', recentEnd, after(1))).toBeNull();
  });
});
