// The sealed drafts folder on its own (main/services/drafts/sealed-folder.ts), below the vault: a
// temp folder, an in-memory credential store and a clock the test moves. Seals and key records are
// put on disk and in the store by hand where a case needs one the folder would never write (a
// generation or time that disagrees with the key's record, a key from before generations), so each
// case is exactly one state the folder can meet on a ward PC.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quarantineFileName, sealFileName } from '../../../main/core/drafts';
import type { Draft, DraftProblem, SubjectHash } from '../../../main/core/drafts';
import { parseKeyRecord, serialiseKeyRecord } from '../../../main/services/drafts/key-record';
import type { KeyRecord } from '../../../main/services/drafts/key-record';
import { sealDrafts } from '../../../main/services/drafts/seal';
import { StoreFailure, sealedFolder } from '../../../main/services/drafts/sealed-folder';
import type { SealedFolder } from '../../../main/services/drafts/sealed-folder';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import type { MemorySecretStore } from '../../../main/services/secret-store';

const service = 'cws-test/drafts';
const hash = 'H'.repeat(43) as SubjectHash;
const name = sealFileName(hash);
const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
const retentionMs = 60 * 60 * 1000;
const notes: Draft[] = [{ id: 'd1', patient: 'Bed 4', text: 'Obs stable', updatedAt: 1 }];

let root: string;
let dir: string;
let store: MemorySecretStore;
let now: number;
let problems: DraftProblem[];
let folder: SealedFolder;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cws-sealed-folder-'));
  dir = join(root, 'drafts');
  mkdirSync(dir);
  store = createMemorySecretStore();
  now = T0;
  problems = [];
  folder = sealedFolder({ dir, store, service, now: () => now, retentionMs, report: (p) => problems.push(p) });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const files = (): string[] => readdirSync(dir).sort();
const codes = (): string[] => problems.map((p) => p.code);
const storedRecord = async (): Promise<KeyRecord | null> => {
  const stored = await store.get(service, hash);
  return stored === null ? null : parseKeyRecord(stored);
};
const key = (): Uint8Array => new Uint8Array(Buffer.alloc(32, 7));

/** A seal on disk with this generation and time, and this key record in the store. */
async function placed(seal: { gen: number; sealedAt: number }, record: KeyRecord | string): Promise<void> {
  const k = typeof record === 'string' ? (parseKeyRecord(record)?.cur.key ?? key()) : record.cur.key;
  writeFileSync(join(dir, name), await sealDrafts(notes, k, hash, seal.gen, seal.sealedAt));
  await store.set(service, hash, typeof record === 'string' ? record : serialiseKeyRecord(record));
}

describe('writing and shredding', () => {
  it('keeps one key per clinician once a write is done: the new one, with no previous key left beside it', async () => {
    await folder.write(hash, notes);
    await folder.write(hash, notes);
    expect(await storedRecord()).toMatchObject({ cur: { gen: 2, sealedAt: T0 }, prev: null });
    expect(await folder.read(hash)).toEqual(notes);
  });

  it('a first write whose rename fails leaves no key behind', async () => {
    mkdirSync(join(dir, name, 'in-the-way'), { recursive: true });
    await expect(folder.write(hash, notes)).rejects.toThrow();
    expect(await store.get(service, hash)).toBeNull();
    expect(await store.accounts(service)).toEqual([]);
  });

  it('a later write whose rename fails puts the key record back exactly as it was', async () => {
    await folder.write(hash, notes);
    const before = await store.get(service, hash);
    rmSync(join(dir, name));
    mkdirSync(join(dir, name, 'in-the-way'), { recursive: true });
    await expect(folder.write(hash, notes)).rejects.toThrow();
    expect(await store.get(service, hash)).toBe(before);
  });

  it('shred removes the key and the file', async () => {
    await folder.write(hash, notes);
    await folder.shred(hash);
    expect(await store.get(service, hash)).toBeNull();
    expect(files()).toEqual([]);
  });

  it('a credential store that fails is reported as a StoreFailure carrying the store’s own error', async () => {
    const down = new Error('keyring locked');
    store.get = () => Promise.reject(down);
    await expect(folder.write(hash, notes)).rejects.toSatisfy(
      (e) => e instanceof StoreFailure && e.message === 'The credential store failed.' && e.cause === down,
    );
  });
});

describe('reading: only what authenticated decides', () => {
  it('a seal whose authenticated generation is not the key record’s is set aside as tampering, and null is read', async () => {
    await placed({ gen: 4, sealedAt: T0 }, { cur: { key: key(), gen: 5, sealedAt: T0 }, prev: null });
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TAMPERED']);
    expect(files()).toEqual([quarantineFileName(name, T0)]);
  });

  it('a seal whose authenticated time is not the key record’s is set aside as tampering', async () => {
    await placed({ gen: 1, sealedAt: T0 - 1 }, { cur: { key: key(), gen: 1, sealedAt: T0 }, prev: null });
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TAMPERED']);
  });

  it('a key stored by an earlier version (a bare key: generation 0, no time) opens its seal, and reading leaves it as stored', async () => {
    const bare = Buffer.from(key()).toString('base64url');
    await placed({ gen: 0, sealedAt: T0 - 1000 }, bare);
    expect(await folder.read(hash)).toEqual(notes);
    expect(await store.get(service, hash)).toBe(bare);
    expect(problems).toEqual([]);
  });

  it('a seal past retention reads as null, and its key and file are gone', async () => {
    await placed({ gen: 1, sealedAt: T0 }, { cur: { key: key(), gen: 1, sealedAt: T0 }, prev: null });
    now = T0 + retentionMs;
    expect(await folder.read(hash)).toBeNull();
    expect(await store.get(service, hash)).toBeNull();
    expect(files()).toEqual([]);
  });

  it('a seal with no key reads as null and its file, which nobody can open, is removed without a report', async () => {
    writeFileSync(join(dir, name), await sealDrafts(notes, key(), hash, 1, T0));
    expect(await folder.read(hash)).toBeNull();
    expect(files()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('a torn file is set aside and reported even when there is no key for it, never silently deleted', async () => {
    writeFileSync(join(dir, name), 'eyJhbGciOiJkaXIi');
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TORN']);
    expect(files()).toEqual([quarantineFileName(name, T0)]);
  });

  it('another clinician’s seal under this clinician’s name is set aside as tampering even with no key here, never silently deleted', async () => {
    writeFileSync(join(dir, name), await sealDrafts(notes, key(), 'O'.repeat(43) as SubjectHash, 1, T0));
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TAMPERED']);
    expect(files()).toEqual([quarantineFileName(name, T0)]);
  });

  it('a seal whose header reads but whose body was cut short is set aside as torn', async () => {
    await placed({ gen: 1, sealedAt: T0 }, { cur: { key: key(), gen: 1, sealedAt: T0 }, prev: null });
    const parts = readFileSync(join(dir, name), 'utf8').split('.');
    writeFileSync(join(dir, name), [parts[0], parts[1], (parts[2] ?? '').slice(0, 8), parts[3], parts[4]].join('.'));
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TORN']);
  });

  it('a file that cannot be moved aside is reported twice (what it is, and the storage failure) and never opened', async () => {
    await placed({ gen: 4, sealedAt: T0 }, { cur: { key: key(), gen: 5, sealedAt: T0 }, prev: null });
    mkdirSync(join(dir, quarantineFileName(name, T0), 'in-the-way'), { recursive: true });
    expect(await folder.read(hash)).toBeNull();
    expect(codes()).toEqual(['DRAFTS_FILE_TAMPERED', 'STORAGE_FAILED']);
    expect(problems.every((p) => p.file === name)).toBe(true);
  });
});

describe('sweeping', () => {
  it('removes a quarantined file exactly when retention has run from its quarantine, not a millisecond before', async () => {
    const quarantined = quarantineFileName(name, T0);
    writeFileSync(join(dir, quarantined), 'set aside');
    now = T0 + retentionMs - 1;
    await folder.sweep(new Set());
    expect(files()).toEqual([quarantined]);
    now = T0 + retentionMs;
    await folder.sweep(new Set());
    expect(files()).toEqual([]);
  });

  it('leaves a file that is not the drafts’ alone, and reports nothing', async () => {
    writeFileSync(join(dir, 'desktop.ini'), '[.ShellClassInfo]');
    expect(await folder.sweep(new Set())).toBe(0);
    expect(files()).toEqual(['desktop.ini']);
    expect(problems).toEqual([]);
  });

  it('skips a seal that is gone by the time it is read (a dangling link in the listing)', async () => {
    symlinkSync(join(root, 'nowhere'), join(dir, name));
    expect(await folder.sweep(new Set())).toBe(0);
    expect(problems).toEqual([]);
  });
});
