import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayRelease } from '../../../main/core/drafts';
import type { CustodySession } from '../../../main/core/drafts';

/** CI raises this (FC_NUM_RUNS) to run the safety properties over many more cases. */
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

const hour = 60 * 60 * 1000;
const retentionMs = 12 * hour;
const now = 1_800_000_000_000;

describe('mayRelease', () => {
  it.each<[string, CustodySession, string, string, { sealedAt: number } | undefined, ReturnType<typeof mayRelease>]>([
    ['owner, active session, from memory', { kind: 'active', subject: 'A' }, 'A', 'A', undefined, { release: true }],
    ['owner during the idle warning', { kind: 'warning', subject: 'A' }, 'A', 'A', undefined, { release: true }],
    ['owner, sealed within retention', { kind: 'active', subject: 'A' }, 'A', 'A', { sealedAt: now - hour }, { release: true }],
    ['owner, sealed past retention', { kind: 'active', subject: 'A' }, 'A', 'A', { sealedAt: now - 13 * hour }, { release: false, reason: 'expired' }],
    ['owner while locked', { kind: 'locked', subject: 'A' }, 'A', 'A', undefined, { release: false, reason: 'locked' }],
    ['another clinician signed in', { kind: 'active', subject: 'B' }, 'A', 'B', undefined, { release: false, reason: 'not-owner' }],
    ['requester claims owner but session is someone else', { kind: 'active', subject: 'B' }, 'A', 'A', undefined, { release: false, reason: 'not-owner' }],
    ['session is owner but requester is not', { kind: 'active', subject: 'A' }, 'A', 'B', undefined, { release: false, reason: 'not-owner' }],
    ['empty subjects match nothing', { kind: 'active', subject: '' }, '', '', undefined, { release: false, reason: 'not-owner' }],
    ['signed out', { kind: 'signed-out' }, 'A', 'A', undefined, { release: false, reason: 'no-session' }],
    ['signing in (not yet proven)', { kind: 'signing-in' }, 'A', 'A', undefined, { release: false, reason: 'no-session' }],
    ['session ended', { kind: 'ended' }, 'A', 'A', undefined, { release: false, reason: 'no-session' }],
  ])('%s', (_name, session, owner, requester, seal, expected) => {
    expect(mayRelease({ owner, requester, session, seal, now, retentionMs })).toEqual(expected);
  });

  const subject = fc.constantFrom('111111111111', '222222222222', '333333333333', 'é-ünicode', '');
  const session: fc.Arbitrary<CustodySession> = fc.oneof(
    fc.record({ kind: fc.constantFrom('active' as const, 'warning' as const, 'locked' as const), subject }),
    fc.record({ kind: fc.constantFrom('signed-out' as const, 'signing-in' as const, 'ended' as const) }),
  );

  it('property: drafts are released only to their owner, in that owner’s unlocked session', () => {
    fc.assert(
      fc.property(subject, subject, session, fc.option(fc.integer({ min: 0, max: 2 * now })), (owner, requester, s, sealedAt) => {
        const decision = mayRelease({ owner, requester, session: s, seal: sealedAt === null ? undefined : { sealedAt }, now, retentionMs });
        if (decision.release) {
          expect(owner).not.toBe('');
          expect(requester).toBe(owner);
          expect(s.kind === 'active' || s.kind === 'warning').toBe(true);
          expect('subject' in s && s.subject).toBe(owner);
        }
      }),
      { numRuns },
    );
  });

  it('property: past retention nothing sealed is released, whoever asks', () => {
    fc.assert(
      fc.property(subject, session, fc.integer({ min: retentionMs, max: 10 * retentionMs }), (owner, s, age) => {
        const decision = mayRelease({ owner, requester: owner, session: s, seal: { sealedAt: now - age }, now, retentionMs });
        expect(decision.release).toBe(false);
      }),
      { numRuns },
    );
  });
});
