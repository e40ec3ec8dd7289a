// The draft vault at its edges (main/services/drafts/vault.ts and vault-custody.ts): the keyring
// service its keys live under, a problem listener that throws, the clamped retention's log line,
// an empty subject refused by every operation, flush waiting on a write in flight, a store that
// says it is unavailable or fails while opening, and what memory-only custody does with seals and
// sweeps.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDraftVault } from '../../../main/services/drafts';
import type { SecretStore } from '../../../main/services/secret-store';
import { alice, bob, draft, filesIn, hour } from './fixtures';
import { clock, dataDir, open, sensitive, service, store, useVaultTestbed } from './testbed';

useVaultTestbed();

describe('the draft vault at its edges', () => {
  it('keeps its keys under the keyring service "clinical-workstation-shell/drafts" when none is given, where installed shells already keep them', async () => {
    const vault = await createDraftVault({ dataDir, secretStore: store, now: clock.now });
    await vault.save(alice, sensitive.track(draft('d1', 'Keyring Patient', 'under the shell service')));
    // The naming key and alice's key: a renamed service would leave every kept draft without its key.
    expect(await store.accounts('clinical-workstation-shell/drafts')).toHaveLength(2);
  });

  it('coalesces saves made while a write is in flight into one more write', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Busy Patient', 'first')));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sets = 0;
    const set = store.set.bind(store);
    store.set = async (...args) => {
      sets += 1;
      await gate;
      return set(...args);
    };
    const saves = ['second', 'third', 'fourth'].map((text) =>
      vault.save(alice, sensitive.track(draft('d1', 'Busy Patient', text))),
    );
    release();
    expect((await Promise.all(saves)).every((r) => r.ok)).toBe(true);
    // Each write stores the new key, then drops the old one: two writes, four sets.
    expect(sets).toBe(4);
    expect(await vault.restore(alice)).toEqual([draft('d1', 'Busy Patient', 'fourth')]);
  });

  it('reports the fall back to memory once, even when two clinicians’ reads fail at the same time', async () => {
    const { vault, problems } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Sealed Patient', 'alice on disk')));
    await vault.save(bob, sensitive.track(draft('d2', 'Other Patient', 'bob on disk')));
    await Promise.all([vault.seal(alice), vault.seal(bob)]);
    store.setAvailable(false);
    expect(await Promise.all([vault.load(alice), vault.load(bob)])).toEqual([[], []]);
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
  });

  it('lets an error thrown by a problem listener reach the step that found the problem', async () => {
    store.setAvailable(false);
    const listenerFault = new Error('listener failed');
    await expect(
      createDraftVault({
        dataDir,
        secretStore: store,
        now: clock.now,
        service,
        onProblem: () => {
          throw listenerFault;
        },
      }),
    ).rejects.toBe(listenerFault);
  });

  it('logs once that a retention longer than 12 hours was cut to 12 hours, and says nothing for one within it', async () => {
    const lines: [Record<string, unknown>, string][] = [];
    const logger = { info: (f: Record<string, unknown>, m: string) => lines.push([f, m]), warn: () => undefined };
    await createDraftVault({ dataDir, secretStore: store, now: clock.now, service, logger, retentionMs: 11 * hour });
    expect(lines).toEqual([]);
    await createDraftVault({ dataDir, secretStore: store, now: clock.now, service, logger, retentionMs: 13 * hour });
    expect(lines).toEqual([
      [{ retentionMs: 12 * hour }, 'The draft retention asked for was longer than 12 hours, so 12 hours is used.'],
    ]);
  });

  it('refuses an empty subject for every operation, as a state the shell should never reach', async () => {
    const { vault } = await open();
    const empty = /should never reach \(draft custody was asked about an empty subject\)/;
    await expect(vault.save('', draft('d1', 'p', 't'))).rejects.toThrow(empty);
    await expect(vault.discard('', 'd1')).rejects.toThrow(empty);
    await expect(vault.load('')).rejects.toThrow(empty);
    await expect(vault.seal('')).rejects.toThrow(empty);
    await expect(vault.restore('')).rejects.toThrow(empty);
  });

  it('refuses a subject that is not a string as a state the shell should never reach, not with a TypeError', async () => {
    const { vault } = await open();
    await expect(vault.load(null as unknown as string)).rejects.toThrow(/should never reach/);
  });

  it('once memory-only, leaves the disk alone for the rest of the session even when the store answers again', async () => {
    const { vault, problems } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Sealed Patient', 'sealed before the failure')));
    await vault.seal(alice);
    const onDisk = filesIn(dataDir);
    store.setAvailable(false);
    await vault.save(bob, sensitive.track(draft('d2', 'Other Patient', 'held in memory')));
    expect(vault.storage).toBe('memory-only');
    store.setAvailable(true);
    expect(await vault.load(alice)).toEqual([]);
    expect(await vault.restore(alice)).toEqual([]);
    clock.advance(12 * hour);
    await vault.sweepExpired();
    expect(filesIn(dataDir)).toEqual(onDisk);
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
  });

  it('does not report as saved a save that was coalesced into a write that failed', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Disk Patient', 'first')));
    // The next write is held after its rename, as it drops the old key.
    let sets = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = (): void => undefined;
    const renamed = new Promise<void>((resolve) => (reached = resolve));
    const set = store.set.bind(store);
    store.set = async (...args) => {
      sets += 1;
      if (sets === 2) {
        reached();
        await gate;
      }
      return set(...args);
    };
    const second = vault.save(alice, sensitive.track(draft('d1', 'Disk Patient', 'second')));
    await renamed;
    // Two more saves wait behind it; the first of their writes will carry both.
    const third = vault.save(alice, sensitive.track(draft('d1', 'Disk Patient', 'third')));
    const fourth = vault.save(alice, sensitive.track(draft('d1', 'Disk Patient', 'fourth')));
    // Then the seal file becomes a folder: every rename onto it fails, as a broken disk would.
    const [sealName = ''] = filesIn(dataDir);
    rmSync(join(dataDir, sealName));
    mkdirSync(join(dataDir, sealName, 'in-the-way'), { recursive: true });
    release();
    expect(await second).toMatchObject({ ok: true });
    expect(await third).toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
    expect(await fourth).toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
  });

  it('refuses a draft that is not in the expected form with a sentence for IT', async () => {
    const { vault } = await open();
    expect(await vault.save(alice, { ...draft('d1', 'p', 't'), id: '' })).toEqual({
      ok: false,
      code: 'IPC_INVALID',
      message: 'The draft was not in the expected form, so it was not saved; please report this to IT.',
    });
  });

  it('flush waits for a write still in flight, and resolves once it is on disk', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'First Patient', 'first')));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = (): void => undefined;
    const writing = new Promise<void>((resolve) => (reached = resolve));
    const set = store.set.bind(store);
    store.set = async (...args) => {
      reached();
      await gate;
      return set(...args);
    };
    const saving = vault.save(alice, sensitive.track(draft('d1', 'First Patient', 'second')));
    await writing;
    let flushed = false;
    const flushing = vault.flush().then(() => {
      flushed = true;
    });
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(await saving).toMatchObject({ ok: true, storage: 'protected' });
  });

  it('does not use a store that says it is unavailable, even one that would answer', async () => {
    const answering: SecretStore = { ...store, probe: async () => false };
    const { vault, problems } = await (async () => {
      const seen: string[] = [];
      const v = await createDraftVault({
        dataDir,
        secretStore: answering,
        now: clock.now,
        service,
        onProblem: (p) => seen.push(p.code),
      });
      return { vault: v, problems: seen };
    })();
    expect(vault.storage).toBe('memory-only');
    expect(problems).toEqual(['KEYRING_UNAVAILABLE']);
  });

  it('stays memory-only, and says so, when the store fails while the naming key is read', async () => {
    const failing: SecretStore = {
      ...store,
      probe: async () => true,
      get: () => Promise.reject(new Error('keyring locked')),
    };
    const seen: string[] = [];
    const vault = await createDraftVault({
      dataDir,
      secretStore: failing,
      now: clock.now,
      service,
      onProblem: (p) => seen.push(p.code),
    });
    expect(vault.storage).toBe('memory-only');
    expect(seen).toEqual(['KEYRING_UNAVAILABLE']);
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('a load that meets a failing store finds nothing, and reports the fall back to memory', async () => {
    const { vault, problems } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Sealed Patient', 'on disk')));
    await vault.seal(alice);
    store.setAvailable(false);
    expect(await vault.load(alice)).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
  });

  it('a second seal in memory does not restart retention: it still runs from the first', async () => {
    store.setAvailable(false);
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Memory Patient', 'sealed once')));
    expect(await vault.seal(alice)).toBe(1);
    clock.advance(11 * hour);
    expect(await vault.seal(alice)).toBe(0);
    clock.advance(hour);
    expect(await vault.load(alice)).toEqual([]);
  });

  it('a sweep counts a memory-only seal past retention once, and forgets it', async () => {
    store.setAvailable(false);
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Memory Patient', 'swept once')));
    await vault.save(bob, sensitive.track(draft('d2', 'Other Patient', 'still held')));
    await vault.seal(alice);
    clock.advance(12 * hour);
    expect(await vault.sweepExpired()).toBe(1);
    expect(await vault.sweepExpired()).toBe(0);
    expect(await vault.load(bob)).toHaveLength(1);
  });
});
