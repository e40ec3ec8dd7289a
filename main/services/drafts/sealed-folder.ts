/**
 * The drafts folder and the keys that open it, one subject hash at a time. Everything here
 * fails closed: a file that will not open is quarantined and reported, never shown; a seal
 * past retention loses its key first (that is what makes it unreadable), then its file.
 */
import { randomBytes } from 'node:crypto';
import { classifyDraftFile, isSealExpired, isSubjectHash, quarantineFileName, sealFileName } from '../../core/drafts';
import type { Draft, DraftProblem, SubjectHash } from '../../core/drafts';
import type { SecretStore } from '../secret-store';
import { listFolder, moveAside, readIfPresent, removeIfPresent, writeAtomically } from './files';
import { problem } from './problems';
import { openSeal, readSealHeader, sealDrafts } from './seal';

/** The credential store failed: the vault must stop writing and fall back to memory only. */
export class StoreFailure extends Error {
  constructor(cause: unknown) {
    super('The credential store failed.', { cause });
  }
}

export interface SealedFolderDeps {
  dir: string;
  store: SecretStore;
  service: string;
  now: () => number;
  retentionMs: number;
  report: (problem: DraftProblem) => void;
}

export type SealedFolder = ReturnType<typeof sealedFolder>;

export function sealedFolder(deps: SealedFolderDeps) {
  const { dir, store, service, now, retentionMs, report } = deps;

  async function viaStore<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      throw new StoreFailure(cause);
    }
  }

  async function keyFor(hash: SubjectHash, create: boolean): Promise<Uint8Array | null> {
    const encoded = await viaStore(() => store.get(service, hash));
    const key = encoded === null ? null : Buffer.from(encoded, 'base64url');
    if (key !== null && key.length === 32) return new Uint8Array(key);
    if (!create) return null;
    const fresh = randomBytes(32);
    await viaStore(() => store.set(service, hash, fresh.toString('base64url')));
    return new Uint8Array(fresh);
  }

  async function quarantine(name: string, code: 'DRAFTS_FILE_TORN' | 'DRAFTS_FILE_TAMPERED'): Promise<void> {
    try {
      await moveAside(dir, name, quarantineFileName(name, now()));
      report(problem(code, name));
    } catch {
      // Could not move it: report both, and never open it.
      report(problem(code, name));
      report(problem('STORAGE_FAILED', name));
    }
  }

  /** Crypto-shredding: the key goes first; without it the file is noise. */
  async function shred(hash: SubjectHash): Promise<void> {
    await viaStore(() => store.delete(service, hash));
    await removeIfPresent(dir, sealFileName(hash));
  }

  /** The drafts sealed for `hash`, or null when there are none this subject may have back. */
  async function read(hash: SubjectHash): Promise<Draft[] | null> {
    const name = sealFileName(hash);
    const jwe = await readIfPresent(dir, name);
    if (jwe === null) return null;
    const header = readSealHeader(jwe);
    if (!header.ok) {
      await quarantine(name, header.code);
      return null;
    }
    if (header.kid !== hash) {
      await quarantine(name, 'DRAFTS_FILE_TAMPERED');
      return null;
    }
    if (isSealExpired(header.sealedAt, now(), retentionMs)) {
      await shred(hash);
      return null;
    }
    const key = await keyFor(hash, false);
    if (key === null) {
      // Its key was shredded (or the store was reset): nobody can ever open it.
      await removeIfPresent(dir, name);
      return null;
    }
    const opened = await openSeal(jwe, key, hash);
    if (!opened.ok) {
      await quarantine(name, opened.code);
      return null;
    }
    return opened.drafts;
  }

  /** Seals `drafts` for `hash` now; an empty list removes the seal and its key instead. */
  async function write(hash: SubjectHash, drafts: readonly Draft[]): Promise<void> {
    if (drafts.length === 0) {
      await shred(hash);
      return;
    }
    const key = await keyFor(hash, true);
    if (key === null) throw new StoreFailure(new Error('A created key could not be read back.'));
    const jwe = await sealDrafts(drafts, key, hash, now());
    key.fill(0);
    await writeAtomically(dir, sealFileName(hash), hash, jwe);
  }

  /**
   * Shreds every seal past retention, every seal whose key is gone, every key whose seal is
   * gone, and quarantined files past retention. `live` are hashes held in memory right now.
   * Returns how many clinicians' drafts were shredded.
   */
  async function sweep(live: ReadonlySet<SubjectHash>): Promise<number> {
    const t = now();
    const keyed = new Set((await viaStore(() => store.accounts(service))).filter(isSubjectHash));
    const kept = new Set<SubjectHash>();
    let shredded = 0;
    for (const name of await listFolder(dir)) {
      const file = classifyDraftFile(name);
      if (file.kind === 'quarantined') {
        if (t - file.quarantinedAt >= retentionMs) await removeIfPresent(dir, name);
        continue;
      }
      if (file.kind !== 'seal' || live.has(file.subjectHash)) continue;
      const jwe = await readIfPresent(dir, name);
      if (jwe === null) continue;
      const header = readSealHeader(jwe);
      if (!header.ok || header.kid !== file.subjectHash) {
        await quarantine(name, header.ok ? 'DRAFTS_FILE_TAMPERED' : header.code);
      } else if (!keyed.has(file.subjectHash)) {
        await removeIfPresent(dir, name);
        shredded += 1;
      } else if (isSealExpired(header.sealedAt, t, retentionMs)) {
        await shred(file.subjectHash);
        shredded += 1;
      } else {
        kept.add(file.subjectHash);
      }
    }
    for (const hash of keyed) {
      if (kept.has(hash) || live.has(hash)) continue;
      if (await viaStore(() => store.delete(service, hash))) shredded += 1;
    }
    return shredded;
  }

  /** Temp files are left only by a crash mid-write; they hold ciphertext, but nobody needs them. */
  async function removeLeftovers(): Promise<void> {
    for (const name of await listFolder(dir)) {
      if (classifyDraftFile(name).kind === 'temp') await removeIfPresent(dir, name);
    }
  }

  return { read, write, shred, sweep, removeLeftovers };
}
