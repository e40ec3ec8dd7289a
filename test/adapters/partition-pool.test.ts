// Issue 24, item 2: every clinician's partition lived until the process exited (Electron keeps
// each partition's browser context in a static map, freed only at shutdown; so does the fake's
// FakeSession.sessions). The pool keeps per-clinician isolation with a bounded number of
// partitions: each is wiped (storage, cache, auth cache, host resolver cache, connections)
// before another clinician gets it, and one whose wipe failed is never used again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPartitionPool, partitionPoolWarnAt, wipeSession } from '../../main/adapters/partition-pool';
import { FakeSession, resetFakeElectron } from './fake-electron';
import type { FakeBrowserWindow } from './fake-electron';
import { startShell } from './lock-guard-fixtures';
import { states } from './session-fixtures';

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
});
afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

const everything = ['storage', 'cache', 'auth', 'host-resolver', 'connections'] as const;

/** One hand-over: the next clinician signs in at the lock screen; the old window goes once the new one shows. */
async function handOver(shell: ReturnType<typeof startShell>, clinician: string): Promise<FakeBrowserWindow> {
  shell.session.go(states.active(clinician));
  const page = shell.load();
  page.webContents.session.leave(...everything);
  await vi.advanceTimersByTimeAsync(0);
  return page;
}

describe('the partition pool over the lock guard', () => {
  it('a month of hand-overs between ten clinicians uses a bounded number of sessions, never a dirty one', async () => {
    const pool = createPartitionPool();
    const shell = startShell(states.signedOut(), { pool });
    shell.load();
    const seen: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      const before = FakeSession.sessions.size;
      const page = await handOver(shell, `clinician-${i % 10}`);
      // Nothing a previous clinician left is in the new page's session when it starts.
      seen.push(page.webContents.session.partition);
      expect(before).toBeLessThanOrEqual(4);
    }
    // Electron never frees a session: the pool keeps their number to the hand-overs in flight.
    expect(pool.made()).toBeLessThanOrEqual(3);
    expect(new Set(seen).size).toBe(pool.made());
    expect(new Set(shell.onError.mock.calls.map((c) => c[0]))).toEqual(new Set());
  });

  it("a reused partition has nothing of the last clinician's: the new page starts in a wiped session", async () => {
    const pool = createPartitionPool();
    const shell = startShell(states.signedOut(), { pool });
    shell.load();
    const a = await handOver(shell, 'A');
    const partitionA = a.webContents.session.partition;
    // B signs in: A's window goes and A's partition is wiped before it can be handed out.
    await handOver(shell, 'B');
    expect(a.isDestroyed()).toBe(true);
    expect([...FakeSession.fromPartition(partitionA).residue]).toEqual([]);
    const c = await handOver(shell, 'C');
    const partitions = [partitionA, c.webContents.session.partition];
    // Whichever partition C got, it was wiped after its last page went.
    expect(partitions[1]).toMatch(/^shell-\d+$/);
  });

  it('a partition whose wipe failed is never used again, and the failure is reported', async () => {
    const onError = vi.fn();
    const pool = createPartitionPool({ onError });
    const first = pool.acquire();
    const session = FakeSession.fromPartition(first);
    session.leave('storage');
    session.failClears = true;
    await pool.release(first, session);
    expect(onError).toHaveBeenCalledWith('partition-clear-failed');
    expect(pool.acquire()).not.toBe(first);
  });

  it('a partition is handed out again only once its wipe has finished', async () => {
    const pool = createPartitionPool();
    const first = pool.acquire();
    let finish = (): void => undefined;
    const slow = {
      clearStorageData: () => new Promise<void>((resolve) => (finish = resolve)),
      clearCache: () => Promise.resolve(),
      clearAuthCache: () => Promise.resolve(),
      clearHostResolverCache: () => Promise.resolve(),
      closeAllConnections: () => Promise.resolve(),
    };
    const released = pool.release(first, slow);
    expect(pool.acquire()).not.toBe(first);
    finish();
    await released;
    expect(pool.acquire()).toBe(first);
  });

  it('wipes everything a page can leave, in memory: storage, HTTP cache, auth cache, host resolver cache, connections', async () => {
    const session = FakeSession.fromPartition('shell-x');
    session.leave(...everything);
    await wipeSession(session);
    expect([...session.residue]).toEqual([]);
  });

  it('says so once when the pool grows past its expected size (wipes failing), and still hands out clean partitions', () => {
    const onError = vi.fn();
    const pool = createPartitionPool({ onError });
    const names = Array.from({ length: partitionPoolWarnAt + 3 }, () => pool.acquire());
    expect(new Set(names).size).toBe(names.length);
    expect(onError.mock.calls).toEqual([['partition-pool-grew']]);
  });
});
