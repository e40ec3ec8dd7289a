/**
 * "Sleep without signals → locked": how late the session service locks after the machine wakes
 * from a sleep the OS never reported (target: within 1 s of waking).
 *
 * A real suspend freezes the process: on waking the monotonic clock carries on from where it
 * stopped, the wall clock has jumped by the time asleep, and pending timers fire at their
 * monotonic due times. That is reproduced here with real timers: each service runs on the system
 * clock plus a wall offset, and "waking" adds two hours to the offset, at a random moment within
 * the heartbeat's period. Lateness is real time from that jump to the service's locked state.
 * Many services run side by side on one event loop, so the figure includes that contention.
 */
import { performance } from 'node:perf_hooks';
import { resolvePolicy } from '../main/core/policy';
import { createDraftVault } from '../main/services/drafts';
import { createLogger } from '../main/services/logger';
import { createMemorySecretStore } from '../main/services/secret-store';
import { createSessionService } from '../main/services/session/session-service';
import type { TimeSource } from '../main/services/time';
import { FakeSignIn, clinician } from '../test/services/session/fake-sign-in';
import { summarise } from './lib/stats';
import type { Summary } from './lib/stats';

export interface WakeBenchResult {
  readonly samples: number;
  readonly latenessMs: Summary;
}

/** The system clock with a wall offset that a simulated wake moves forward. */
function wakeableTime(): TimeSource & { wake(asleepMs: number): void } {
  let offset = 0;
  return {
    now: () => ({ wall: Date.now() + offset, mono: performance.now() }),
    after(ms, fire) {
      const handle = setTimeout(fire, Math.max(0, ms));
      return () => clearTimeout(handle);
    },
    every(ms, fire) {
      const handle = setInterval(fire, ms);
      return () => clearInterval(handle);
    },
    wake(asleepMs) {
      offset += asleepMs;
    },
  };
}

const tmp = async (): Promise<string> => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  return mkdtemp(join(tmpdir(), 'cws-wake-bench-'));
};

export async function runWakeBench(options: { samples?: number } = {}): Promise<WakeBenchResult> {
  const samples = options.samples ?? 200;
  const dir = await tmp();
  const vault = await createDraftVault({
    dataDir: dir,
    secretStore: createMemorySecretStore({ available: false }),
    now: () => Date.now(),
  });
  const policy = resolvePolicy({}).policy;
  const lateness = await Promise.all(
    Array.from({ length: samples }, async () => {
      const time = wakeableTime();
      const signIn = new FakeSignIn();
      const session = createSessionService({ time, policy, signIn, vault, logger: createLogger({ level: 'silent' }) });
      try {
        await session.backend.signIn();
        signIn.complete(clinician('bench', time.now().wall));
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (session.state().status !== 'active')
          throw new Error(`the bench clinician did not sign in (${session.state().status})`);
        // Wake at a random moment within the heartbeat's period.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
        const locked = new Promise<number>((resolve) => {
          const stop = session.onStateChange((state) => {
            if (state.status !== 'locked') return;
            stop();
            resolve(performance.now());
          });
        });
        const woke = performance.now();
        time.wake(2 * 60 * 60 * 1000);
        const at = await Promise.race([
          locked,
          new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no lock within 5 s of waking')), 5000)),
        ]);
        return at - woke;
      } finally {
        session.dispose();
      }
    }),
  );
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
  return { samples, latenessMs: summarise(lateness) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { reportWake } = await import('./lib/suites');
  process.stdout.write(`${reportWake(await runWakeBench()).report}\n`);
}
