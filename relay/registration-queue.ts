/**
 * Registrations wait their turn, so logouts do not wait for them.
 *
 * A registration costs a signature check (an RSA verification, about a millisecond of a busy
 * core) and a logout POST needs the same event loop for each of its steps (body, signature,
 * Redis, delivery). When a replica restarts, every workstation it held comes back within seconds;
 * checked as they arrive, thousands of registrations would run in each turn of the loop and a
 * logout POST would wait behind all of them (at 15,000 workstations none was answered for about
 * 20 s, docs/benchmarks.md). So at most `inFlight` registrations are checked at once, each next
 * one starts only after the loop has turned (setImmediate: the POSTs' I/O is served in between),
 * and at most `maxWaiting` wait. One that finds the queue full is told to try again later
 * (WebSocket close 1013): the shell reconnects on its jittered backoff, as after any drop.
 */

export interface RegistrationQueue {
  /**
   * Runs `check` when its turn comes; resolves true once it has run (rejects if it threw). False, without
   * running it: at once when `maxWaiting` are already waiting, or when the queue is closed.
   */
  run(check: () => Promise<void>): Promise<boolean>;
  /** Registrations waiting and being checked now. */
  size(): number;
  /** Takes no more; those waiting are let go without being run (their connections are closing). */
  close(): void;
}

interface Waiting {
  readonly check: () => Promise<void>;
  readonly done: (ran: boolean) => void;
  readonly failed: (err: unknown) => void;
}

export function registrationQueue(options: {
  readonly inFlight: number;
  readonly maxWaiting: number;
}): RegistrationQueue {
  let waiting: Waiting[] = [];
  let head = 0;
  let active = 0;
  let scheduled = false;
  let closed = false;

  const pending = (): number => waiting.length - head;

  function take(): Waiting | undefined {
    const next = waiting[head];
    head += 1;
    // Drop what was taken now and then, so the array does not grow through a long storm.
    if (head > 1_024 && head * 2 > waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    return next;
  }

  function pump(): void {
    scheduled = false;
    while (active < options.inFlight && pending() > 0) {
      const next = take();
      if (next === undefined) break;
      active += 1;
      const finish = (): void => {
        active -= 1;
        schedule();
      };
      next.check().then(
        () => {
          finish();
          next.done(true);
        },
        (err: unknown) => {
          finish();
          next.failed(err);
        },
      );
    }
  }

  function schedule(): void {
    if (scheduled || closed || pending() === 0) return;
    scheduled = true;
    setImmediate(pump);
  }

  return {
    run(check) {
      if (closed || pending() >= options.maxWaiting) return Promise.resolve(false);
      return new Promise<boolean>((done, failed) => {
        waiting.push({ check, done, failed });
        schedule();
      });
    },
    size: () => pending() + active,
    close() {
      closed = true;
      const left = waiting.slice(head);
      waiting = [];
      head = 0;
      for (const w of left) w.done(false);
    },
  };
}
