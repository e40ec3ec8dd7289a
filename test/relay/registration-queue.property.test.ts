// The queue registrations and handshakes wait in (relay/registration-queue.ts), over any order of
// offers, checks finishing or failing, turns of the event loop and a stop: never more than
// `inFlight` checks at once; they start in the order they were offered; one offered while
// `maxWaiting` wait is refused at once and never runs; a check that finishes lets the next one
// start only after the loop has turned (so logout POSTs are served between registrations); a stop
// lets every waiting one go unrun; and every offer is answered exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registrationQueue } from '../../relay/registration-queue';

type Step =
  { kind: 'offer' } | { kind: 'finish'; which: number; fails: boolean } | { kind: 'turn' } | { kind: 'close' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'offer' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const), which: fc.nat(7), fails: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'turn' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Lets promise callbacks run, without a turn of the loop. */
const microtasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('registration queue', () => {
  it('bounds the checks in flight and waiting, keeps their order, yields a turn between them, and answers every offer once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(step, { maxLength: 60 }),
        async (inFlight, maxWaiting, steps) => {
          const queue = registrationQueue({ inFlight, maxWaiting });
          const started: number[] = [];
          const running = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
          const answers = new Map<number, boolean | 'threw'>();
          const accepted: number[] = [];
          let closed = false;
          let offers = 0;

          for (const s of steps) {
            if (s.kind === 'offer') {
              const id = (offers += 1);
              const waitingBefore = queue.size() - running.size;
              const full = closed || waitingBefore >= maxWaiting;
              queue
                .run(
                  () =>
                    new Promise<void>((resolve, reject) => {
                      started.push(id);
                      running.set(id, { resolve, reject });
                    }),
                )
                .then(
                  (ran) => answers.set(id, ran),
                  () => answers.set(id, 'threw'),
                );
              await microtasks();
              if (full) {
                expect(answers.get(id)).toBe(false);
              } else {
                accepted.push(id);
                // Never started in the same turn it was offered.
                expect(started).not.toContain(id);
              }
            } else if (s.kind === 'finish') {
              const ids = [...running.keys()];
              const id = ids[s.which % Math.max(1, ids.length)];
              if (id === undefined) continue;
              const startedBefore = started.length;
              const task = running.get(id);
              running.delete(id);
              if (s.fails) task?.reject(new Error('check failed'));
              else task?.resolve();
              await microtasks();
              expect(answers.get(id)).toBe(s.fails ? 'threw' : true);
              // The next one waits for a turn of the loop.
              expect(started.length).toBe(startedBefore);
            } else if (s.kind === 'turn') {
              await turn();
            } else {
              queue.close();
              closed = true;
              await microtasks();
            }
            expect(running.size).toBeLessThanOrEqual(inFlight);
            expect(queue.size() - running.size).toBeLessThanOrEqual(maxWaiting);
            // First offered, first started.
            expect(started).toEqual(accepted.slice(0, started.length));
          }
          // Everything left finishes; turns until nothing more starts.
          for (let i = 0; i < 20 && (running.size > 0 || queue.size() > 0); i += 1) {
            for (const [id, task] of running) {
              running.delete(id);
              task.resolve();
            }
            await turn();
          }
          await microtasks();
          expect(queue.size()).toBe(0);
          expect(answers.size).toBe(offers);
          for (const id of accepted) expect(answers.get(id) === false).toBe(!started.includes(id));
          if (!closed) expect(started).toEqual(accepted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
