import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alice, bob, draft, filesIn, hour } from './fixtures';
import { clock, dataDir, open, sensitive, store, useVaultTestbed } from './testbed';

useVaultTestbed();

describe('draft vault without a usable credential store', () => {
  it('says memory-only from the start, keeps custody in memory, and writes no file at all', async () => {
    store.setAvailable(false);
    const { vault, problems } = await open();
    expect(vault.storage).toBe('memory-only');
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
    const d = sensitive.track(draft('d1', 'Memory Patient', 'held in memory only'));
    expect(await vault.save(alice, d)).toEqual({ ok: true, savedAt: clock.t, storage: 'memory-only' });
    expect(await vault.load(bob)).toEqual([]);
    await vault.seal(alice);
    expect(await vault.restore(bob)).toEqual([]);
    expect(await vault.restore(alice)).toEqual([d]);
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('memory-only seals still expire with retention', async () => {
    store.setAvailable(false);
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Expiring Patient', 'gone after twelve hours')));
    await vault.seal(alice);
    clock.advance(12 * hour);
    expect(await vault.sweepExpired()).toBe(1);
    expect(await vault.restore(alice)).toEqual([]);
  });

  it('memory-only restore past retention returns nothing even without a sweep', async () => {
    store.setAvailable(false);
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Late Memory Patient', 'too late')));
    await vault.seal(alice);
    clock.advance(12 * hour);
    expect(await vault.load(alice)).toEqual([]);
    expect(await vault.restore(alice)).toEqual([]);
  });

  it('falls back to memory-only when the store fails mid-session, reports it once, and writes nothing more', async () => {
    const { vault, problems } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Before Failure', 'sealed while the store worked')));
    const before = filesIn(dataDir);
    expect(before).toHaveLength(1);
    store.setAvailable(false);
    // Bob is new: his key cannot be made, so his drafts stay in memory.
    const result = await vault.save(bob, sensitive.track(draft('d2', 'After Failure', 'memory only now')));
    expect(result).toMatchObject({ ok: true, storage: 'memory-only' });
    expect(vault.storage).toBe('memory-only');
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
    await vault.save(alice, sensitive.track(draft('d3', 'Still Failing', 'no file change')));
    await vault.seal(alice);
    await vault.seal(bob);
    expect(filesIn(dataDir)).toEqual(before);
    expect(await vault.restore(bob)).toEqual([draft('d2', 'After Failure', 'memory only now')]);
    expect((await vault.restore(alice)).map((d) => d.id)).toEqual(['d1', 'd3']);
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
  });

  it('a probe that fails never touches the folder (no naming key, no leftovers removed)', async () => {
    const { vault: first } = await open();
    await first.save(alice, sensitive.track(draft('d1', 'Kept For Later', 'survives a store outage')));
    const name = filesIn(dataDir)[0] ?? '';
    writeFileSync(join(dataDir, `${name}.tmp-left`), 'x');
    store.setAvailable(false);
    const { vault: second } = await open();
    expect(second.storage).toBe('memory-only');
    expect(await second.restore(alice)).toEqual([]);
    expect(filesIn(dataDir)).toEqual([name, `${name}.tmp-left`]);
    // When the store is back, the sealed drafts are there for their owner.
    store.setAvailable(true);
    const { vault: third } = await open();
    expect(await third.restore(alice)).toEqual([draft('d1', 'Kept For Later', 'survives a store outage')]);
  });
});

describe('draft vault when the disk refuses writes', () => {
  it('opens memory-only and reports STORAGE_FAILED when its folder cannot be made', async () => {
    writeFileSync(dataDir, 'a file where the folder should be');
    const { vault, problems } = await open();
    expect(vault.storage).toBe('memory-only');
    expect(problems.map((p) => p.code)).toEqual(['STORAGE_FAILED']);
    expect(await vault.save(alice, sensitive.track(draft('d1', 'No Folder Patient', 'memory only')))).toMatchObject({
      ok: true,
      storage: 'memory-only',
    });
    expect(store.size()).toBe(0);
    rmSync(dataDir);
  });

  it('reports STORAGE_FAILED, keeps the draft in memory, and says the save was not durable', async () => {
    const { vault, problems } = await open();
    // The folder is replaced by a file: every write now fails (ENOTDIR), even for root.
    rmSync(dataDir, { recursive: true });
    writeFileSync(dataDir, '');
    const result = await vault.save(alice, sensitive.track(draft('d1', 'Read Only Disk', 'kept in memory')));
    expect(result).toMatchObject({
      ok: false,
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(/held in memory only/),
    });
    // Reading the old seal and writing the new one both failed; both are reported the same way.
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(['STORAGE_FAILED']));
    expect(vault.storage).toBe('protected');
    expect(await vault.load(alice)).toEqual([draft('d1', 'Read Only Disk', 'kept in memory')]);
    // Sealing cannot reach the disk either: the drafts stay held for their owner only.
    await vault.seal(alice);
    expect(await vault.restore(bob)).toEqual([]);
    expect(await vault.restore(alice)).toEqual([draft('d1', 'Read Only Disk', 'kept in memory')]);
    rmSync(dataDir);
  });
});
