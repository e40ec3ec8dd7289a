/** Small pieces the vault leans on: the draft shape it accepts and a per-subject lock. */
import { z } from 'zod';

/** The contract's Draft (preload/contract.ts), checked again here: the vault owns the invariant. */
export const DraftInput = z.strictObject({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  patient: z.string().max(200),
  text: z.string().max(100_000),
  updatedAt: z.int().min(0),
});

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
