import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealFileName } from '../../../main/core/drafts';
import { maxDraftsPerClinician } from '../../../main/services/drafts';
import { alice, bob, draft, filesIn, hour, openVault } from './fixtures';
import { clock, dataDir, open, sensitive, service, store, useVaultTestbed } from './testbed';

useVaultTestbed();

const awkward = [
  draft('d-unicode', 'Zoë Ångström-Łukasiewicz', 'Pt reports “sharp” pain — 7/10; ½ dose given ✓'),
  draft('d-emoji', 'Ravi 🙂 Patel', 'Family aware 👨‍👩‍👧. Allergy: 🥜 (anaphylaxis)\r\nNo 💊 after 22:00\n\n\ttabbed'),
  // 16 UTF-16 units a line, 6 250 lines: exactly the contract's 100 000-character limit.
  draft('d-long', 'Long Note Patient', 'Obs ✓ stable 🙂\n'.repeat(6250)),
  draft('d-edge', '  padded  ', 'quotes " and \\ backslash and \u0000 nul and \u2028 separator', 0),
];

describe('draft vault: custody for one clinician', () => {
  it('returns exactly what was saved after seal and restore, byte for byte', async () => {
    const { vault, problems } = await open();
    for (const d of awkward) {
      sensitive.track(d);
      expect(await vault.save(alice, d)).toMatchObject({ ok: true, storage: 'protected' });
    }
    expect(awkward[2]?.text.length).toBe(100_000);
    await vault.seal(alice);
    expect(await vault.restore(alice)).toEqual(awkward);
    expect(problems).toEqual([]);
  });

  it('keeps the latest version of an edited draft, in first-saved order', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Mrs First', 'first version')));
    await vault.save(alice, sensitive.track(draft('d2', 'Mr Second', 'second note')));
    await vault.save(alice, sensitive.track(draft('d1', 'Mrs First', 'first version, edited', 5)));
    await vault.seal(alice);
    expect(await vault.restore(alice)).toEqual([
      draft('d1', 'Mrs First', 'first version, edited', 5),
      draft('d2', 'Mr Second', 'second note'),
    ]);
  });

  it('lock keeps drafts in memory: load returns them without any seal', async () => {
    const { vault } = await open();
    const d = sensitive.track(draft('d1', 'Held Patient', 'held while locked'));
    await vault.save(alice, d);
    expect(await vault.load(alice)).toEqual([d]);
  });

  it('gives another clinician nothing, before and after the owner seals', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Alice Patient', 'alice only')));
    expect(await vault.load(bob)).toEqual([]);
    await vault.seal(alice);
    expect(await vault.restore(bob)).toEqual([]);
    await vault.save(bob, sensitive.track(draft('d9', 'Bob Patient', 'bob only')));
    await vault.seal(bob);
    expect(await vault.restore(alice)).toEqual([draft('d1', 'Alice Patient', 'alice only')]);
    expect(await vault.restore(bob)).toEqual([draft('d9', 'Bob Patient', 'bob only')]);
  });

  it('survives a crash: a new vault on the same folder and store restores saved drafts without any seal', async () => {
    const first = await open();
    const d = sensitive.track(draft('d1', 'Crash Patient', 'saved just before the crash'));
    await first.vault.save(alice, d);
    // No seal, no flush: the process is gone. Only what save() already put on disk counts.
    const second = await open();
    expect(await second.vault.load(bob)).toEqual([]);
    expect(await second.vault.restore(alice)).toEqual([d]);
    expect(second.problems).toEqual([]);
  });

  it('a save after a restart adds to the sealed drafts instead of replacing them', async () => {
    const first = await open();
    await first.vault.save(alice, sensitive.track(draft('d1', 'Earlier Patient', 'from before the restart')));
    const second = await open();
    await second.vault.save(alice, sensitive.track(draft('d2', 'Later Patient', 'after the restart')));
    const third = await open();
    expect((await third.vault.restore(alice)).map((d) => d.id)).toEqual(['d1', 'd2']);
  });

  it('names files and keyring accounts by a keyed hash, never by the subject', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Hash Patient', 'hashed name')));
    const files = filesIn(dataDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[A-Za-z0-9_-]{43}\.drafts\.jwe$/);
    const accounts = await store.accounts(service);
    expect(accounts).toContain(files[0]?.slice(0, 43));
    expect(accounts.join()).not.toContain(alice);
    // The file is one JWE compact serialisation and nothing else.
    const content = readFileSync(join(dataDir, files[0] ?? ''), 'utf8');
    expect(content.split('.')).toHaveLength(5);
    const header = JSON.parse(Buffer.from(content.split('.')[0] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(header).sort()).toEqual(['alg', 'enc', 'gen', 'kid', 'sealedAt']);
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: files[0]?.slice(0, 43), sealedAt: clock.t });
  });

  it('discarding the last draft removes the seal and its key', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Done Patient', 'submitted, no longer a draft')));
    expect(filesIn(dataDir)).toHaveLength(1);
    expect(await vault.discard(alice, 'd1')).toMatchObject({ ok: true });
    expect(filesIn(dataDir)).toEqual([]);
    expect(await store.accounts(service)).toEqual(['subject-naming-key']);
  });

  it('refuses a draft that is not in the contract shape, and keeps nothing of it', async () => {
    const { vault } = await open();
    const bad = { id: '../etc', patient: 'Bad Shape', text: 'x', updatedAt: 1 };
    expect(await vault.save(alice, bad)).toMatchObject({ ok: false, code: 'IPC_INVALID' });
    expect(await vault.load(alice)).toEqual([]);
    await expect(vault.save('', draft('d1', 'p', 't'))).rejects.toThrow(/should never reach/);
  });
});

describe('draft vault: the contract’s limit of 100 drafts per list', () => {
  it('refuses a 101st new draft (it could never be shown) but still accepts edits', async () => {
    const { vault } = await open();
    for (let i = 0; i < maxDraftsPerClinician; i += 1) await vault.save(alice, draft(`n-${i}`, 'Many', 'many notes'));
    expect(await vault.save(alice, draft('one-more', 'Many', 'too many'))).toMatchObject({
      ok: false,
      code: 'DRAFTS_LIMIT_REACHED',
      message: expect.stringMatching(/^You already have 100 unfinished notes/),
    });
    expect(await vault.save(alice, draft('n-0', 'Many', 'edited'))).toMatchObject({ ok: true });
    expect(await vault.load(alice)).toHaveLength(maxDraftsPerClinician);
    expect(await vault.load(bob)).toEqual([]);
  });
});

describe('draft vault: saves that race', () => {
  it('fifty autosaves fired at once all reach the seal, and a restart finds every one', async () => {
    const first = await open();
    const drafts = Array.from({ length: 50 }, (_, i) =>
      sensitive.track(draft(`race-${i}`, `Race Patient ${i}`, `race note ${i} ✓`, i)),
    );
    const results = await Promise.all(drafts.map((d) => first.vault.save(alice, d)));
    expect(results.every((r) => r.ok)).toBe(true);
    const second = await open();
    expect(await second.vault.restore(alice)).toEqual(drafts);
  });

  it('a save racing a seal is neither lost nor released to the next clinician', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Before Seal', 'saved before')));
    const late = sensitive.track(draft('d2', 'During Seal', 'saved while sealing'));
    await Promise.all([vault.save(alice, late), vault.seal(alice), vault.restore(bob)]);
    expect(await vault.restore(bob)).toEqual([]);
    const again = await open();
    expect((await again.vault.restore(alice)).map((d) => d.id)).toEqual(['d1', 'd2']);
  });
});

describe('draft vault: retention and crypto-shredding', () => {
  it('restores within retention, and after it deletes the key first and then the file', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Retained Patient', 'within twelve hours')));
    await vault.seal(alice);
    clock.advance(12 * hour - 1);
    expect(await vault.sweepExpired()).toBe(0);
    expect(await vault.load(alice)).toHaveLength(1);
    clock.advance(1);
    expect(await vault.sweepExpired()).toBe(1);
    expect(filesIn(dataDir)).toEqual([]);
    expect(await store.accounts(service)).toEqual(['subject-naming-key']);
    expect(await vault.restore(alice)).toEqual([]);
  });

  it('restore past retention shreds on the spot even without a sweep', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Late Patient', 'came back too late')));
    await vault.seal(alice);
    clock.advance(13 * hour);
    expect(await vault.restore(alice)).toEqual([]);
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('retention runs from the seal, not from the last edit', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Long Shift Patient', 'written early in the shift')));
    clock.advance(11 * hour);
    await vault.seal(alice);
    clock.advance(2 * hour);
    expect(await vault.sweepExpired()).toBe(0);
    expect(await vault.restore(alice)).toHaveLength(1);
  });

  it('honours a shorter policy and caps a longer one at 12 h', async () => {
    const short = await openVault({ dataDir, secretStore: store, now: clock.now, service, retentionMs: hour });
    expect(short.vault.retentionMs).toBe(hour);
    await short.vault.save(alice, sensitive.track(draft('d1', 'Short Policy Patient', 'one hour only')));
    await short.vault.seal(alice);
    clock.advance(hour);
    expect(await short.vault.restore(alice)).toEqual([]);
    const long = await openVault({ dataDir, secretStore: store, now: clock.now, service, retentionMs: 48 * hour });
    expect(long.vault.retentionMs).toBe(12 * hour);
  });

  it('a sweep never shreds the drafts of a clinician who is signed in', async () => {
    const { vault } = await open();
    await vault.save(alice, sensitive.track(draft('d1', 'Active Patient', 'still being written')));
    clock.advance(30 * hour);
    expect(await vault.sweepExpired()).toBe(0);
    expect(await vault.load(alice)).toHaveLength(1);
  });

  it('a sweep after a restart shreds keys whose file is gone and files whose key is gone', async () => {
    const first = await open();
    await first.vault.save(alice, sensitive.track(draft('d1', 'Orphan Patient', 'file will be deleted')));
    await first.vault.save(bob, sensitive.track(draft('d2', 'Keyless Patient', 'key will be deleted')));
    const [aliceFile, bobFile] = [...(await store.accounts(service))].filter((a) => a.length === 43);
    expect(aliceFile && bobFile).toBeTruthy();
    const { rmSync } = await import('node:fs');
    rmSync(join(dataDir, sealFileName(aliceFile ?? '')));
    await store.delete(service, bobFile ?? '');
    const second = await open();
    expect(await second.vault.sweepExpired()).toBe(2);
    expect(filesIn(dataDir)).toEqual([]);
    expect(await store.accounts(service)).toEqual(['subject-naming-key']);
  });
});
