/** Small pieces the vault leans on: the draft shape it accepts and a per-subject lock. */
import * as z from 'zod';
import type { Draft, limits } from '../../../preload/contract';

/**
 * The contract's draft limits, restated here because services take only types from the
 * contract. `satisfies` pins each number to the contract's own literal, so the two cannot drift.
 */
const draftLimits = { draftIdChars: 64, patientChars: 200, textChars: 100_000 } as const satisfies Pick<
  typeof limits,
  'draftIdChars' | 'patientChars' | 'textChars'
>;

/**
 * The contract's Draft, checked again here: the vault owns the invariant, not just the IPC.
 * Same rules as the contract's DraftSchema (test/services/drafts/draft-input.test.ts holds them
 * together); `satisfies` keeps the parsed type the contract's Draft.
 */
export const DraftInput = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(draftLimits.draftIdChars)
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  patient: z.string().max(draftLimits.patientChars),
  text: z.string().max(draftLimits.textChars),
  /** Milliseconds since the epoch, by the renderer's clock; informational only. */
  updatedAt: z.int().min(0),
}) satisfies z.ZodType<Draft>;

/** Runs tasks for the same subject one after another; different subjects run side by side. */
export function exclusiveBySubject(): <T>(subject: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return (subject, task) => {
    const before = tails.get(subject) ?? Promise.resolve();
    const run = before.then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(subject, tail);
    void tail.then(() => {
      if (tails.get(subject) === tail) tails.delete(subject);
    });
    return run;
  };
}
