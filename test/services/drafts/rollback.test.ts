/**
 * Issue 13, item 2: an older copy of a seal put back, and a back-dated header, are tampering,
 * never retention; and the fresh key per write loses nothing across a crash at any point.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftProblem } from '../../../main/core/drafts';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import type { SecretStore } from '../../../main/services/secret-store';
import { draft, filesIn, hour, alice, openVault } from './fixtures';
import { clock, dataDir, open, sensitive, service, store, useVaultTestbed } from './testbed';

useVaultTestbed();

const older = () => sensitive.track(draft('d1', 'Rollback Patient', 'the older note'));
const newer = () => sensitive.track(draft('d1', 'Rollback Patient', 'the current note, edited later'));

function tampered(name: string): Pick<DraftProblem, 'code' | 'file'> {
  return { code: 'DRAFTS_FILE_TAMPERED', file: name };
}
const codes = (problems: DraftProblem[]) => problems.map((p) => ({ code: p.code, file: p.file }));
const quarantinedNames = (name: string) => filesIn(dataDir).filter((f) => f.startsWith(`${name}.quarantined-`));

describe('draft vault: a rolled-back seal is tampering', () => {
  it('an older copy of the file put back does not open, is reported and set aside, and the current note is kept', async () => {
    const first = await open();
    await first.vault.save(alice, older());
    const name = filesIn(dataDir)[0] ?? '';
    copyFileSync(join(dataDir, name), join(dataDir, '..', 'backup.jwe'));
    clock.advance(60_000);
    await first.vault.save(alice, newer());
    await first.vault.seal(alice);
    // A restart finds the backup in place of the current seal.
    copyFileSync(join(dataDir, '..', 'backup.jwe'), join(dataDir, name));
    const second = await open();
    expect(await second.vault.restore(alice)).toEqual([]);
    expect(codes(second.problems)).toEqual([tampered(name)]);
    expect(quarantinedNames(name)).toHaveLength(1);
    // The key of the current note was not shredded by the rollback.
    expect(await store.get(service, name.slice(0, 43))).not.toBeNull();
  });

  it('an older copy put back while its owner is still in custody changes nothing they get back', async () => {
    const { vault, problems } = await open();
    await vault.save(alice, older());
    const name = filesIn(dataDir)[0] ?? '';
    const backup = readFileSync(join(dataDir, name), 'utf8');
    await vault.save(alice, newer());
    writeFileSync(join(dataDir, name), backup);
    expect(await vault.load(alice)).toEqual([newer()]);
    await vault.seal(alice);
    const later = await open();
    expect(await later.vault.restore(alice)).toEqual([newer()]);
    expect([...problems, ...later.problems]).toEqual([]);
  });

  it('the copy is refused by a sweep too, as tampering, not shredded as past retention', async () => {
    const first = await open();
    await first.vault.save(alice, older());
    const name = filesIn(dataDir)[0] ?? '';
    const backup = readFileSync(join(dataDir, name), 'utf8');
    await first.vault.save(alice, newer());
    await first.vault.seal(alice);
    writeFileSync(join(dataDir, name), backup);
    const second = await open();
    await second.vault.sweepExpired();
    expect(codes(second.problems)).toEqual([tampered(name)]);
    expect(quarantinedNames(name)).toHaveLength(1);
  });
});

describe('draft vault: a back-dated header is tampering, not retention', () => {
  async function backDated(): Promise<string> {
    const { vault } = await open();
    await vault.save(alice, newer());
    await vault.seal(alice);
    const name = filesIn(dataDir)[0] ?? '';
    const parts = readFileSync(join(dataDir, name), 'utf8').split('.');
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    parts[0] = Buffer.from(JSON.stringify({ ...header, sealedAt: clock.t - 13 * hour })).toString('base64url');
    writeFileSync(join(dataDir, name), parts.join('.'));
    return name;
  }

  it('on restore: reported as tampering; neither the key nor the file is silently deleted', async () => {
    const name = await backDated();
    const { vault, problems } = await open();
    expect(await vault.restore(alice)).toEqual([]);
    expect(codes(problems)).toEqual([tampered(name)]);
    expect(quarantinedNames(name)).toHaveLength(1);
    expect(await store.get(service, name.slice(0, 43))).not.toBeNull();
  });

  it('on a sweep: reported as tampering and set aside, not counted as a shred past retention', async () => {
    const name = await backDated();
    const { vault, problems } = await open();
    await vault.sweepExpired();
    expect(codes(problems)).toEqual([tampered(name)]);
    expect(quarantinedNames(name)).toHaveLength(1);
  });

  it('real retention still shreds, decided on the authenticated sealedAt', async () => {
    const { vault } = await open();
    await vault.save(alice, newer());
    await vault.seal(alice);
    clock.advance(12 * hour);
    const later = await open();
    expect(await later.vault.sweepExpired()).toBe(1);
    expect(filesIn(dataDir)).toEqual([]);
    expect(later.problems).toEqual([]);
  });
});

/** A store whose `set` can be made to kill the process (throw) at the n-th call from now. */
function crashingStore(inner: SecretStore): SecretStore & { crashAtSet(n: number): void } {
  let countdown = -1;
  return {
    ...inner,
    async set(s, a, v) {
      if (countdown === 0) {
        countdown = -1;
        throw new Error('the process died here');
      }
      if (countdown > 0) countdown -= 1;
      return inner.set(s, a, v);
    },
    crashAtSet(n) {
      countdown = n;
    },
  };
}

describe('draft vault: a fresh key per write loses nothing in a crash', () => {
  it('a crash between storing the new key and the rename keeps the previous note, and the record is tidied', async () => {
    const memory = createMemorySecretStore();
    const crashing = crashingStore(memory);
    const opts = { dataDir, secretStore: crashing, now: clock.now, service };
    const first = await openVault(opts);
    await first.vault.save(alice, older());
    const name = filesIn(dataDir)[0] ?? '';
    const hash = name.slice(0, 43);
    // The next write stores {cur: new, prev: old} (set 1), renames, then drops prev (set 2).
    // Dying at set 2 is "after the rename"; to die before the rename, fail the rename instead.
    const saved = readFileSync(join(dataDir, name), 'utf8');
    crashing.crashAtSet(1);
    await first.vault.save(alice, newer());
    const midWrite = JSON.parse((await memory.get(service, hash)) ?? '{}') as {
      cur: { g: number };
      prev?: { g: number };
    };
    expect(midWrite.prev?.g).toBe(1);
    expect(midWrite.cur.g).toBe(2);
    // After the rename: the new note opens under `cur`.
    const afterRename = await openVault({ ...opts, secretStore: memory });
    expect(await afterRename.vault.load(alice)).toEqual([newer()]);
    expect(afterRename.problems).toEqual([]);
    expect(JSON.parse((await memory.get(service, hash)) ?? '{}')).not.toHaveProperty('prev');

    // Before the rename: the disk still has the old seal, the store has both keys.
    await memory.set(service, hash, JSON.stringify(midWrite));
    writeFileSync(join(dataDir, name), saved);
    const beforeRename = await openVault({ ...opts, secretStore: memory });
    expect(await beforeRename.vault.load(alice)).toEqual([older()]);
    expect(beforeRename.problems).toEqual([]);
    // Tidied: only the key of the file on disk is kept, and the next save works as usual.
    const tidied = JSON.parse((await memory.get(service, hash)) ?? '{}') as { cur: { g: number }; prev?: unknown };
    expect(tidied).toEqual({ v: 2, cur: expect.objectContaining({ g: 1 }) });
    expect(await beforeRename.vault.save(alice, newer())).toMatchObject({ ok: true });
    const again = await openVault({ ...opts, secretStore: memory });
    expect(await again.vault.restore(alice)).toEqual([newer()]);
  });
});
