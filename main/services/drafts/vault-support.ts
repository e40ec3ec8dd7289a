/** Small pieces the vault leans on: the draft shape it accepts and a per-subject lock. */
import { DraftSchema } from '../../../preload/contract';

/** The contract's Draft, checked again here: the vault owns the invariant, not just the IPC. */
export const DraftInput = DraftSchema;

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
