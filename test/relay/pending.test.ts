// relay/pending.ts on its own: the logouts a replica answered 200 for while the store could not
// take them. Kept in memory, or in a state directory one file per logout (sha256(jti).json, 0600,
// the revocation and nothing else, written to a temporary name, renamed, the directory synced);
// found again after a restart, oldest first, an unreadable file skipped with a warning; offered
// to the store in order, each file removed once the store took it, the round stopped at the first
// failure; at most MAX_PENDING kept; a publication the replicas did not confirm offered again on a
// doubling wait and let go after an hour. A manual clock throughout; log lines read back as JSON.
//
// node:fs is observed, not replaced: each call goes to the real function and is recorded, so the
// test can check the calls that make a write durable (a crash between them cannot be staged here).
import { createHash } from 'node:crypto';
import type * as fs from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pendingPublish } from '../../relay/pending';
import type { PendingPublish } from '../../relay/pending';
import type { Revocation } from '../../relay/revocations';
import { PublishNotConfirmed, createMemoryStore } from '../../relay/store';
import type { RelayStore } from '../../relay/store';
import { faultyMemoryStore } from './fixtures/faulty-store';

const fsCalls = vi.hoisted(() => [] as { name: string; args: unknown[]; result: unknown }[]);
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const observed = (name: 'writeFileSync' | 'renameSync' | 'openSync' | 'fsyncSync' | 'closeSync') => [
    name,
    (...args: unknown[]) => {
      const result: unknown = (real[name] as (...a: unknown[]) => unknown)(...args);
      fsCalls.push({ name, args, result });
      return result;
    },
  ];
  return {
    ...real,
    ...Object.fromEntries(
      (['writeFileSync', 'renameSync', 'openSync', 'fsyncSync', 'closeSync'] as const).map(observed),
    ),
  };
});

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const LATE_JTI_MS = 300_000;
const MAX_PENDING = 10_000;

let now: number;
let lines: string[];
let base: string;

interface LogLine {
  level: number;
  event?: string;
  msg: string;
  [key: string]: unknown;
}

function logs(): LogLine[] {
  return lines.map((line) => JSON.parse(line) as LogLine);
}

function events(): (string | undefined)[] {
  return logs().map((l) => l.event);
}

function revocation(n: number, acceptedAt = now): Revocation {
  return {
    jti: `jti-${n}`,
    sid: `sid-${n}`,
    iat: Math.floor(acceptedAt / 1000),
    logoutToken: `eyJhbGciOiJSUzI1NiJ9.logout-${n}.signature`,
    acceptedAt,
  };
}

function fileOf(jti: string): string {
  return `${createHash('sha256').update(jti).digest('hex')}.json`;
}

function memoryStore(): RelayStore {
  return createMemoryStore({ retentionMs: 12 * HOUR, now: () => now });
}

type Outcome = 'ok' | 'unconfirmed' | 'down';

/** The memory store, each publish answered as `decide` says and recorded with its arguments. */
function scriptedStore(decide: (r: Revocation, call: number) => Outcome | Promise<Outcome> = () => 'ok'): RelayStore & {
  published: { jti: string; jtiUntil: number | undefined; at: number }[];
} {
  const inner = memoryStore();
  const published: { jti: string; jtiUntil: number | undefined; at: number }[] = [];
  return {
    ...inner,
    published,
    async publish(r, jtiUntil) {
      published.push({ jti: r.jti, jtiUntil, at: now });
      const outcome = await decide(r, published.length);
      if (outcome === 'down') throw new Error('Connection is closed.');
      await inner.publish(r, jtiUntil);
      if (outcome === 'unconfirmed') throw new PublishNotConfirmed('Fewer than 1 Redis replicas confirmed.');
    },
  };
}

function open(store: RelayStore, dir: string | undefined, retryMs?: number): PendingPublish {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return pendingPublish({ store, now: () => now, logger, dir, ...(retryMs === undefined ? {} : { retryMs }) });
}

async function jsonFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
}

beforeEach(async () => {
  now = T0;
  lines = [];
  fsCalls.length = 0;
  base = await mkdtemp(join(tmpdir(), 'cws-relay-pending-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('keeping a logout', () => {
  it('without a state directory keeps it in memory only, in arrival order, and writes nothing', () => {
    const pending = open(memoryStore(), undefined);
    expect(pending.size).toBe(0);
    expect(pending.healthy()).toBe(true);
    expect(pending.add(revocation(2, T0 + 20))).toBe(true);
    expect(pending.add(revocation(1, T0 + 10))).toBe(true);
    expect(pending.add(revocation(3, T0 + 30))).toBe(true);
    expect(pending.kept()).toEqual([revocation(2, T0 + 20), revocation(1, T0 + 10), revocation(3, T0 + 30)]);
    expect(pending.size).toBe(3);
    expect(pending.healthy()).toBe(true);
    expect(fsCalls).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('keeps a jti once: adding it again answers true and changes nothing', async () => {
    const dir = join(base, 'state');
    const pending = open(memoryStore(), dir);
    expect(pending.add(revocation(1))).toBe(true);
    fsCalls.length = 0;
    expect(pending.add({ ...revocation(1), acceptedAt: T0 + 5 })).toBe(true);
    expect(pending.kept()).toEqual([revocation(1)]);
    expect(fsCalls).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, fileOf('jti-1')), 'utf8'))).toEqual(revocation(1));
  });

  it('with a state directory creates it (0700, parents too) and writes one 0600 file per logout holding the revocation only', async () => {
    const dir = join(base, 'var', 'pending');
    const pending = open(memoryStore(), dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual([]);
    expect(lines).toEqual([]);

    fsCalls.length = 0;
    expect(pending.add(revocation(1))).toBe(true);
    const name = fileOf('jti-1');
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    // Written under a temporary name and flushed, renamed into place, then the directory synced.
    const fd = fsCalls.find((c) => c.name === 'openSync')?.result;
    expect(fsCalls).toEqual([
      {
        name: 'writeFileSync',
        args: [tmp, JSON.stringify(revocation(1)), { mode: 0o600, flush: true }],
        result: undefined,
      },
      { name: 'renameSync', args: [tmp, join(dir, name)], result: undefined },
      { name: 'openSync', args: [dir, 'r'], result: fd },
      { name: 'fsyncSync', args: [fd], result: undefined },
      { name: 'closeSync', args: [fd], result: undefined },
    ]);
    expect(typeof fd).toBe('number');

    expect(await readdir(dir)).toEqual([name]);
    expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, name), 'utf8')).toBe(JSON.stringify(revocation(1)));

    now += 10;
    expect(pending.add(revocation(2))).toBe(true);
    now += 10;
    expect(pending.add(revocation(3))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([fileOf('jti-1'), fileOf('jti-2'), fileOf('jti-3')].sort());
    expect(pending.kept().map((r) => r.jti)).toEqual(['jti-1', 'jti-2', 'jti-3']);
    expect(pending.size).toBe(3);
    expect(pending.healthy()).toBe(true);
    expect(lines).toEqual([]);
  });

  it('kept() is a copy: what it gave stays as it was after a flush', async () => {
    const pending = open(scriptedStore(), undefined);
    pending.add(revocation(1));
    const before = pending.kept();
    await pending.flush();
    expect(before).toEqual([revocation(1)]);
    expect(pending.kept()).toEqual([]);
  });

  it('at MAX_PENDING refuses a new logout (false) and is not healthy, logs nothing itself, and has room again once flushed', async () => {
    const pending = open(scriptedStore(), undefined);
    for (let n = 1; n < MAX_PENDING; n += 1) expect(pending.add(revocation(n))).toBe(true);
    expect(pending.size).toBe(MAX_PENDING - 1);
    expect(pending.healthy()).toBe(true);
    expect(pending.add(revocation(MAX_PENDING))).toBe(true);
    expect(pending.size).toBe(MAX_PENDING);
    expect(pending.healthy()).toBe(false);
    expect(pending.add(revocation(MAX_PENDING + 1))).toBe(false);
    expect(pending.size).toBe(MAX_PENDING);
    // One already kept is still "kept".
    expect(pending.add(revocation(7))).toBe(true);
    expect(pending.size).toBe(MAX_PENDING);
    expect(lines).toEqual([]);

    await pending.flush();
    expect(pending.size).toBe(0);
    expect(pending.healthy()).toBe(true);
    expect(pending.add(revocation(MAX_PENDING + 1))).toBe(true);
  });

  it('a write that fails (ENOTDIR) answers false, keeps the logout in memory, logs the code, and is healthy again after the next good write', async () => {
    const dir = join(base, 'state');
    const store = scriptedStore();
    const pending = open(store, dir);
    expect(pending.add(revocation(1))).toBe(true);

    await rm(dir, { recursive: true });
    await writeFile(dir, 'a file where the directory was');
    now += 10;
    expect(pending.add(revocation(2))).toBe(false);
    expect(pending.healthy()).toBe(false);
    expect(pending.size).toBe(2);
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 50,
        event: 'pending logout not saved',
        code: 'ENOTDIR',
        msg: 'a logout waiting for Redis could not be written to the state directory; it is kept in memory',
      }),
    ]);

    // Published from memory; health is about the last write, which no publish changes.
    await pending.flush();
    expect(store.published.map((p) => p.jti)).toEqual(['jti-1', 'jti-2']);
    expect(pending.size).toBe(0);
    expect(pending.healthy()).toBe(false);

    await rm(dir);
    await mkdir(dir);
    expect(pending.add(revocation(3))).toBe(true);
    expect(pending.healthy()).toBe(true);
    expect(await readdir(dir)).toEqual([fileOf('jti-3')]);
  });

  it('a write that fails without an error code logs code "unknown"', () => {
    const pending = open(memoryStore(), base);
    const unwritable = { ...revocation(1), iat: 1n } as unknown as Revocation;
    expect(pending.add(unwritable)).toBe(false);
    expect(pending.healthy()).toBe(false);
    expect(logs()).toEqual([
      expect.objectContaining({ level: 50, event: 'pending logout not saved', code: 'unknown' }),
    ]);
  });

  it('a state directory that cannot be made stops the start', async () => {
    await writeFile(join(base, 'file'), '');
    expect(() => open(memoryStore(), join(base, 'file', 'pending'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });
});

describe('after a restart', () => {
  it('finds the logouts a previous run left, oldest first, and says how many', async () => {
    const dir = base;
    const first = open(memoryStore(), dir);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      now += 1000;
      expect(first.add(revocation(n))).toBe(true);
    }
    expect(open(memoryStore(), dir).kept()).toEqual(first.kept());

    // The directory lists the files in an order of its own (name hashes on ext4, creation on
    // tmpfs). Rewritten in place (no entry moves) with acceptedAt descending in that order, the
    // load must reverse it: unsorted, it would keep the listing's order.
    const listed = await readdir(dir);
    const byName = new Map(first.kept().map((r) => [fileOf(r.jti), r]));
    const rewritten = listed.map((name, i) => ({ ...(byName.get(name) as Revocation), acceptedAt: T0 - i }));
    for (const r of rewritten) await writeFile(join(dir, fileOf(r.jti)), JSON.stringify(r));
    expect(await readdir(dir)).toEqual(listed);

    lines = [];
    const second = open(memoryStore(), dir);
    expect(second.kept()).toEqual([...rewritten].reverse());
    expect(second.size).toBe(6);
    expect(second.healthy()).toBe(true);
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 40,
        event: 'pending logouts loaded',
        count: 6,
        msg: 'logouts waiting for Redis were found',
      }),
    ]);
  });

  it('skips an unreadable file with a warning (left where it is), loads the others, removes temporary leftovers only', async () => {
    const dir = base;
    const good = [revocation(1, T0 + 2), revocation(2, T0 + 1)];
    for (const r of good) await writeFile(join(dir, fileOf(r.jti)), JSON.stringify(r));
    const unreadable = {
      'not-json.json': '{"jti": "jti-9", ',
      'empty.json': '',
      'wrong-shape.json': JSON.stringify({ jti: 'jti-8', acceptedAt: T0 }),
      // Anything beside the revocation is refused too.
      'extra.json': JSON.stringify({ ...revocation(7), refreshToken: 'never kept' }),
    };
    for (const [name, text] of Object.entries(unreadable)) await writeFile(join(dir, name), text);
    const ignored = {
      'notes.txt': JSON.stringify(revocation(5)),
      'stray.tmp': JSON.stringify(revocation(6)),
      '.note': JSON.stringify(revocation(4)),
    };
    for (const [name, text] of Object.entries(ignored)) await writeFile(join(dir, name), text);
    const leftover = `.${fileOf('jti-3')}.4242.tmp`;
    await writeFile(join(dir, leftover), JSON.stringify(revocation(3)));

    const pending = open(memoryStore(), dir);
    expect(pending.kept()).toEqual([revocation(2, T0 + 1), revocation(1, T0 + 2)]);
    const unreadableLine = {
      level: 40,
      event: 'pending logout unreadable',
      msg: 'a pending logout file is not valid',
    };
    expect(logs()).toEqual([
      ...Object.keys(unreadable).map(() => expect.objectContaining(unreadableLine)),
      expect.objectContaining({ level: 40, event: 'pending logouts loaded', count: 2 }),
    ]);
    expect((await readdir(dir)).sort()).toEqual(
      [...good.map((r) => fileOf(r.jti)), ...Object.keys(unreadable), ...Object.keys(ignored)].sort(),
    );
  });

  it('an empty directory loads nothing and says nothing', async () => {
    const pending = open(memoryStore(), base);
    expect(pending.size).toBe(0);
    expect(lines).toEqual([]);
  });

  it('publishes what it found and removes the files', async () => {
    await writeFile(join(base, fileOf('jti-1')), JSON.stringify(revocation(1, T0 - 5)));
    const store = scriptedStore();
    const pending = open(store, base);
    await pending.flush();
    expect(store.published).toEqual([{ jti: 'jti-1', jtiUntil: T0 + LATE_JTI_MS, at: T0 }]);
    expect(await readdir(base)).toEqual([]);
  });
});

describe('flush', () => {
  it('publishes in order, removing each file once the store took it, and logs each', async () => {
    const dir = base;
    const seen: string[][] = [];
    const store = scriptedStore(async (): Promise<Outcome> => {
      seen.push(await jsonFiles(dir));
      return 'ok';
    });
    const pending = open(store, dir);
    for (const n of [3, 1, 2]) pending.add(revocation(n));
    await expect(pending.flush()).resolves.toBeUndefined();
    expect(store.published.map((p) => p.jti)).toEqual(['jti-3', 'jti-1', 'jti-2']);
    const all = ['jti-3', 'jti-1', 'jti-2'].map(fileOf);
    expect(seen).toEqual([[...all].sort(), all.slice(1).sort(), all.slice(2)]);
    expect(await readdir(dir)).toEqual([]);
    expect(pending.size).toBe(0);
    expect(logs()).toEqual(
      [1, 2, 3].map(() =>
        expect.objectContaining({
          level: 30,
          event: 'pending logout published',
          msg: 'a logout accepted while Redis was away is now in Redis',
        }),
      ),
    );
  });

  it('stops at the first failure (the rest kept, files too), never rejects, and publishes all in order next time', async () => {
    const dir = base;
    const store = faultyMemoryStore({ retentionMs: 12 * HOUR, now: () => now, logger: pino({ level: 'silent' }) });
    const delivered: string[] = [];
    store.onRevocation((r) => delivered.push(r.jti));
    const pending = open(store, dir);
    for (const n of [1, 2, 3]) pending.add(revocation(n));
    store.failPublishes(1);
    await expect(pending.flush()).resolves.toBeUndefined();
    expect(store.calls).toEqual(['publish']);
    expect(pending.kept().map((r) => r.jti)).toEqual(['jti-1', 'jti-2', 'jti-3']);
    expect(await jsonFiles(dir)).toEqual(['jti-1', 'jti-2', 'jti-3'].map(fileOf).sort());
    expect(lines).toEqual([]);

    store.setAvailable(false);
    await expect(pending.flush()).resolves.toBeUndefined();
    expect(store.calls).toEqual(['publish', 'publish']);
    expect(pending.size).toBe(3);

    store.setAvailable(true);
    await pending.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['jti-1', 'jti-2', 'jti-3']);
    expect(pending.size).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failure part way leaves the ones before it published and the rest kept', async () => {
    const dir = base;
    const store = scriptedStore((_, call) => (call === 2 ? 'down' : 'ok'));
    const pending = open(store, dir);
    for (const n of [1, 2, 3]) pending.add(revocation(n));
    await pending.flush();
    expect(store.published.map((p) => p.jti)).toEqual(['jti-1', 'jti-2']);
    expect(pending.kept().map((r) => r.jti)).toEqual(['jti-2', 'jti-3']);
    expect(await jsonFiles(dir)).toEqual([fileOf('jti-2'), fileOf('jti-3')].sort());
    expect(events()).toEqual(['pending logout published']);
  });

  it('publishes a logout whose jti the store has seen already, holding the jti LATE_JTI_MS from the publish, and forgets it', async () => {
    const store = createMemoryStore({ retentionMs: 12 * HOUR, now: () => now });
    expect(await store.firstSeen('jti-1', T0 + 1000)).toBe(true);
    const delivered: string[] = [];
    store.onRevocation((r) => delivered.push(r.jti));
    const pending = open(store, undefined);
    pending.add(revocation(1));
    now = T0 + 50;
    await pending.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual(['jti-1']);
    expect(pending.size).toBe(0);
    now = T0 + 50 + LATE_JTI_MS;
    expect(await store.firstSeen('jti-1', now + 1000)).toBe(false);
    now += 1;
    expect(await store.firstSeen('jti-1', now + 1000)).toBe(true);
  });

  it('passes jtiUntil = the clock at each publish + LATE_JTI_MS', async () => {
    const store = scriptedStore(() => {
      now += 7;
      return 'ok';
    });
    const pending = open(store, undefined);
    for (const n of [1, 2, 3]) pending.add(revocation(n));
    now = T0 + 1000;
    await pending.flush();
    expect(store.published).toEqual([
      { jti: 'jti-1', jtiUntil: T0 + 1000 + LATE_JTI_MS, at: T0 + 1000 },
      { jti: 'jti-2', jtiUntil: T0 + 1007 + LATE_JTI_MS, at: T0 + 1007 },
      { jti: 'jti-3', jtiUntil: T0 + 1014 + LATE_JTI_MS, at: T0 + 1014 },
    ]);
  });

  it('runs one round at a time: a flush asked during one gets that round', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = scriptedStore(async (): Promise<Outcome> => {
      await gate;
      return 'ok';
    });
    const pending = open(store, undefined);
    pending.add(revocation(1));
    pending.add(revocation(2));
    const a = pending.flush();
    const b = pending.flush();
    expect(b).toBe(a);
    release();
    await a;
    expect(store.published.map((p) => p.jti)).toEqual(['jti-1', 'jti-2']);
    // The next flush is a round of its own.
    pending.add(revocation(3));
    const c = pending.flush();
    expect(c).not.toBe(a);
    await c;
    expect(store.published.map((p) => p.jti)).toEqual(['jti-1', 'jti-2', 'jti-3']);
  });
});

describe('publications the replicas did not confirm', () => {
  /** Flushes at one ms before `wait` from `from` (nothing offered) and at it (offered); returns the time of the offer. */
  async function offeredAfter(
    pending: PendingPublish,
    store: { published: unknown[] },
    from: number,
    wait: number,
  ): Promise<number> {
    const count = store.published.length;
    now = from + wait - 1;
    await pending.flush();
    expect(store.published.length, `not offered ${wait - 1} ms after the last offer`).toBe(count);
    now = from + wait;
    await pending.flush();
    expect(store.published.length, `offered ${wait} ms after the last offer`).toBe(count + 1);
    return now;
  }

  it('are offered again after the retry period, the wait doubling up to 60 periods', async () => {
    const store = scriptedStore(() => 'unconfirmed');
    const pending = open(store, undefined, 1_000);
    pending.add(revocation(1));
    await pending.flush();
    let last = T0;
    for (const wait of [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
      last = await offeredAfter(pending, store, last, wait);
    expect(pending.size).toBe(1);
    expect(lines).toEqual([]);
  });

  it('…or up to 5 minutes when that is shorter', async () => {
    const store = scriptedStore(() => 'unconfirmed');
    const pending = open(store, undefined, 10_000);
    pending.add(revocation(1));
    await pending.flush();
    let last = T0;
    for (const wait of [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000])
      last = await offeredAfter(pending, store, last, wait);
    expect(pending.size).toBe(1);
  });

  it('wait 5 s first when no retry period is given', async () => {
    const store = scriptedStore(() => 'unconfirmed');
    const pending = open(store, undefined);
    pending.add(revocation(1));
    await pending.flush();
    const last = await offeredAfter(pending, store, T0, 5_000);
    await offeredAfter(pending, store, last, 10_000);
  });

  it('are kept when offered one ms short of an hour after the first', async () => {
    const store = scriptedStore(() => 'unconfirmed');
    const pending = open(store, base, 1_000);
    pending.add(revocation(1));
    await pending.flush();
    now = T0 + HOUR - 1;
    await pending.flush();
    expect(store.published.map((p) => p.at)).toEqual([T0, T0 + HOUR - 1]);
    expect(pending.size).toBe(1);
    expect(await readdir(base)).toEqual([fileOf('jti-1')]);
    expect(lines).toEqual([]);
  });

  it('are let go (file removed, warning with the attempts) when offered an hour after the first; the jti is then new again', async () => {
    const store = scriptedStore(() => 'unconfirmed');
    const pending = open(store, base, 1_000);
    pending.add(revocation(1));
    await pending.flush();
    now = T0 + HOUR;
    await pending.flush();
    expect(store.published.map((p) => p.at)).toEqual([T0, T0 + HOUR]);
    expect(pending.size).toBe(0);
    expect(await readdir(base)).toEqual([]);
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 40,
        event: 'pending logout unconfirmed',
        attempts: 2,
        msg: 'a logout recorded in Redis was never confirmed by its replicas; it is no longer offered again',
      }),
    ]);
    // Sent again by CIS2 (or accepted again): offered at once, as a new one.
    pending.add(revocation(1));
    await pending.flush();
    expect(store.published.map((p) => p.at)).toEqual([T0, T0 + HOUR, T0 + HOUR]);
    expect(pending.size).toBe(1);
  });

  it('once one is unconfirmed in a round, the other due ones wait; new ones and waiting ones are as they were', async () => {
    let confirming = false;
    const store = scriptedStore(() => (confirming ? 'ok' : 'unconfirmed'));
    const pending = open(store, undefined, 1_000);
    const offered = async (): Promise<string[]> => {
      const from = store.published.length;
      await pending.flush();
      return store.published.slice(from).map((p) => p.jti);
    };
    for (const n of [1, 2, 3]) pending.add(revocation(n));
    expect(await offered()).toEqual(['jti-1', 'jti-2', 'jti-3']);
    now = T0 + 999;
    expect(await offered()).toEqual([]);
    now = T0 + 1_000;
    pending.add(revocation(4));
    // All three due: the first is offered, then the round offers no other due one; the new one still goes.
    expect(await offered()).toEqual(['jti-1', 'jti-4']);
    now = T0 + 2_000;
    // jti-1 waits (until T0 + 3 000); jti-2, jti-3, jti-4 are due: jti-2 goes, then none.
    expect(await offered()).toEqual(['jti-2']);
    now = T0 + 3_000;
    expect(await offered()).toEqual(['jti-1']);
    expect(pending.size).toBe(4);
    confirming = true;
    now = T0 + 4_000;
    // jti-1 waits until T0 + 7 000; the rest are due and, confirmed, all go.
    expect(await offered()).toEqual(['jti-2', 'jti-3', 'jti-4']);
    expect(pending.kept().map((r) => r.jti)).toEqual(['jti-1']);
    now = T0 + 7_000;
    expect(await offered()).toEqual(['jti-1']);
    expect(pending.size).toBe(0);
  });

  it('any other failure after an unconfirmed one stops the round', async () => {
    const store = scriptedStore((_, call) => (call === 1 ? 'unconfirmed' : 'down'));
    const pending = open(store, undefined, 1_000);
    for (const n of [1, 2, 3]) pending.add(revocation(n));
    await expect(pending.flush()).resolves.toBeUndefined();
    expect(store.published.map((p) => p.jti)).toEqual(['jti-1', 'jti-2']);
    expect(pending.size).toBe(3);
  });
});
