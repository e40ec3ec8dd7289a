/**
 * Model-based property: whatever mix of saves, seals, restores, sign-ins by someone else,
 * restarts, sweeps and hours passing, the vault hands each clinician exactly their own drafts
 * (as last saved) and, once a seal is past retention, nothing at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Draft } from '../../../main/core/drafts';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import type { DraftVault } from '../../../main/services/drafts';
import { Clock, Sensitive, hour, openVault } from './fixtures';

const subjects = ['555000000001', '555000000002', '555000000003'] as const;
type Subject = (typeof subjects)[number];

type Op =
  | { op: 'save'; who: Subject; id: string }
  | { op: 'discard'; who: Subject; id: string }
  | { op: 'signIn'; who: Subject }
  | { op: 'seal'; who: Subject }
  | { op: 'load'; who: Subject }
  | { op: 'restart' }
  | { op: 'sweep' }
  | { op: 'advance'; ms: number };

const who = fc.constantFrom(...subjects);
const id = fc.constantFrom('d1', 'd2', 'd3');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('save' as const), who, id }), weight: 4 },
  fc.record({ op: fc.constant('discard' as const), who, id }),
  { arbitrary: fc.record({ op: fc.constant('signIn' as const), who }), weight: 2 },
  fc.record({ op: fc.constant('seal' as const), who }),
  fc.record({ op: fc.constant('load' as const), who }),
  fc.record({ op: fc.constant('restart' as const) }),
  fc.record({ op: fc.constant('sweep' as const) }),
  {
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      ms: fc.constantFrom(1, hour, 6 * hour, 12 * hour - 1, 12 * hour),
    }),
    weight: 2,
  },
);

const retentionMs = 12 * hour;

/** The reference: what each clinician should get back. */
class Model {
  drafts = new Map<Subject, Map<string, Draft>>();
  /** null while held in memory; else when sealed (a crash seals at the last write). */
  sealedAt = new Map<Subject, number | null>();
  lastWrite = new Map<Subject, number>();

  private expire(s: Subject, now: number): void {
    const at = this.sealedAt.get(s);
    if (typeof at === 'number' && now - at >= retentionMs) {
      this.drafts.delete(s);
      this.sealedAt.delete(s);
    }
  }
  edit(s: Subject, now: number, change: (m: Map<string, Draft>) => void): void {
    this.expire(s, now);
    const m = this.drafts.get(s) ?? new Map<string, Draft>();
    change(m);
    this.drafts.set(s, m);
    this.sealedAt.set(s, null);
    this.lastWrite.set(s, now);
  }
  seal(s: Subject, now: number): void {
    if (this.sealedAt.get(s) !== null) return;
    this.sealedAt.set(s, now);
  }
  restore(s: Subject, now: number): Draft[] {
    this.expire(s, now);
    if (this.drafts.has(s)) this.sealedAt.set(s, null);
    return [...(this.drafts.get(s)?.values() ?? [])];
  }
  load(s: Subject, now: number): Draft[] {
    this.expire(s, now);
    return [...(this.drafts.get(s)?.values() ?? [])];
  }
  restart(): void {
    for (const [s, at] of this.sealedAt) if (at === null) this.sealedAt.set(s, this.lastWrite.get(s) ?? 0);
  }
}

describe('draft custody over any sequence of operations', () => {
  it('never gives a clinician anyone else’s draft, returns their own as last saved, and nothing past retention', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const sensitive = new Sensitive();
        sensitive.note(...subjects);
        const clock = new Clock();
        const store = createMemorySecretStore();
        const dataDir = sensitive.folder();
        const open = async (): Promise<DraftVault> =>
          (await openVault({ dataDir, secretStore: store, now: clock.now, service: 'cws-test/property' })).vault;
        const model = new Model();
        let vault = await open();
        let current: Subject | null = null;
        let n = 0;
        const check = (owner: Subject, got: Draft[], expected: Draft[]): void => {
          for (const d of got)
            expect(d.text.startsWith(`${owner}:`), `draft of another clinician released to ${owner}`).toBe(true);
          expect(got).toEqual(expected);
        };
        try {
          for (const step of ops) {
            const t = clock.t;
            switch (step.op) {
              case 'save': {
                n += 1;
                const d = sensitive.track({
                  id: step.id,
                  patient: `Patient ${n} of ${step.who}`,
                  text: `${step.who}: note ${n} 🙂\n`,
                  updatedAt: n,
                });
                expect(await vault.save(step.who, d)).toMatchObject({ ok: true });
                model.edit(step.who, t, (m) => m.set(d.id, d));
                break;
              }
              case 'discard':
                await vault.discard(step.who, step.id);
                model.edit(step.who, t, (m) => m.delete(step.id));
                break;
              case 'signIn':
                // A different clinician signing in seals the previous owner's drafts first.
                if (current !== null && current !== step.who) {
                  await vault.seal(current);
                  model.seal(current, t);
                }
                current = step.who;
                check(step.who, await vault.restore(step.who), model.restore(step.who, t));
                break;
              case 'seal':
                await vault.seal(step.who);
                model.seal(step.who, t);
                if (current === step.who) current = null;
                break;
              case 'load':
                check(step.who, await vault.load(step.who), model.load(step.who, t));
                break;
              case 'restart':
                vault = await open();
                model.restart();
                current = null;
                break;
              case 'sweep':
                await vault.sweepExpired();
                break;
              case 'advance':
                clock.advance(step.ms);
                break;
            }
          }
          // Finally everyone signs in once more, past retention: nothing may come back.
          clock.advance(retentionMs);
          vault = await open();
          for (const s of subjects) expect(await vault.restore(s)).toEqual([]);
          sensitive.assertNothingInPlaintext();
        } finally {
          sensitive.cleanUp();
        }
      }),
      // Each case touches the disk, so CI's FC_NUM_RUNS is scaled down (20 000 -> 400).
      { numRuns: Math.max(60, Math.floor(Number(process.env.FC_NUM_RUNS ?? 0) / 50)) },
    );
  });
});
