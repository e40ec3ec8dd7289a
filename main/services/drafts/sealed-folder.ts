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
import { parseKeyRecord, serialiseKeyRecord } from './key-record';
import type { KeyRecord } from './key-record';
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

/** The folder's operations over `deps`; each is a function of its own below. */
export function sealedFolder(deps: SealedFolderDeps) {
  return {
    read: (hash: SubjectHash) => read(deps, hash),
    write: (hash: SubjectHash, drafts: readonly Draft[]) => write(deps, hash, drafts),
    shred: (hash: SubjectHash) => shred(deps, hash),
    sweep: (live: ReadonlySet<SubjectHash | null>) => sweep(deps, live),
    removeLeftovers: () => removeLeftovers(deps),
  };
}

async function viaStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new StoreFailure(cause);
  }
}

/** The clinician's key record, or null when the store has none (or none it can read). */
async function recordFor(
  { store, service }: SealedFolderDeps,
  hash: SubjectHash,
): Promise<{ stored: string | null; record: KeyRecord | null }> {
  const stored = await viaStore(() => store.get(service, hash));
  return { stored, record: stored === null ? null : parseKeyRecord(stored) };
}

async function quarantine(
  { dir, now, report }: SealedFolderDeps,
  name: string,
  code: 'DRAFTS_FILE_TORN' | 'DRAFTS_FILE_TAMPERED',
): Promise<void> {
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
async function shred({ dir, store, service }: SealedFolderDeps, hash: SubjectHash): Promise<void> {
  await viaStore(() => store.delete(service, hash));
  await removeIfPresent(dir, sealFileName(hash));
}

type Verdict = { kind: 'open'; drafts: Draft[] } | { kind: 'expired' } | { kind: 'no-key' } | { kind: 'set-aside' };

/**
 * What the seal `name` holding `jwe` is, decided only on what authenticated. A seal that no
 * kept key opens while a key is kept (an older copy put back, an edited header, a back-dated
 * sealedAt), or whose authenticated generation or sealedAt disagree with the key's record, is
 * tampering: set aside and reported, never taken for retention. Retention runs from the
 * authenticated sealedAt.
 */
async function inspect(deps: SealedFolderDeps, hash: SubjectHash, name: string, jwe: string): Promise<Verdict> {
  const { store, service, now, retentionMs } = deps;
  const header = readSealHeader(jwe);
  if (!header.ok || header.kid !== hash) {
    await quarantine(deps, name, header.ok ? 'DRAFTS_FILE_TAMPERED' : header.code);
    return { kind: 'set-aside' };
  }
  const { record } = await recordFor(deps, hash);
  // No key at all: it was shredded (retention, a discard, or a crash between the key's
  // deletion and the file's); nobody can ever open this file.
  if (record === null) return { kind: 'no-key' };
  for (const entry of record.prev === null ? [record.cur] : [record.cur, record.prev]) {
    const opened = await openSeal(jwe, entry.key, hash);
    if (!opened.ok && opened.code === 'DRAFTS_FILE_TORN') {
      await quarantine(deps, name, 'DRAFTS_FILE_TORN');
      return { kind: 'set-aside' };
    }
    if (!opened.ok) continue;
    if (opened.gen !== entry.gen || (entry.sealedAt !== null && opened.sealedAt !== entry.sealedAt)) break;
    // A write was cut off between storing its new key and its rename (this is the old file,
    // under `prev`), or after the rename (under `cur`): keep only the key of the file on disk.
    if (record.prev !== null)
      await viaStore(() => store.set(service, hash, serialiseKeyRecord({ cur: entry, prev: null })));
    if (isSealExpired(opened.sealedAt, now(), retentionMs)) return { kind: 'expired' };
    return { kind: 'open', drafts: opened.drafts };
  }
  await quarantine(deps, name, 'DRAFTS_FILE_TAMPERED');
  return { kind: 'set-aside' };
}

/** The drafts sealed for `hash`, or null when there are none this subject may have back. */
async function read(deps: SealedFolderDeps, hash: SubjectHash): Promise<Draft[] | null> {
  const { dir } = deps;
  const name = sealFileName(hash);
  const jwe = await readIfPresent(dir, name);
  if (jwe === null) return null;
  const verdict = await inspect(deps, hash, name, jwe);
  switch (verdict.kind) {
    case 'open':
      return verdict.drafts;
    case 'expired':
      await shred(deps, hash);
      return null;
    case 'no-key':
      await removeIfPresent(dir, name);
      return null;
    case 'set-aside':
      return null;
  }
}

/**
 * Seals `drafts` for `hash` now, under a fresh key; an empty list removes the seal and its key
 * instead. The new key is stored (beside the old one) before the rename, and the old key is
 * dropped after it, so a crash anywhere leaves a file that a kept key opens.
 */
async function write(deps: SealedFolderDeps, hash: SubjectHash, drafts: readonly Draft[]): Promise<void> {
  const { dir, store, service, now } = deps;
  if (drafts.length === 0) {
    await shred(deps, hash);
    return;
  }
  const { stored, record } = await recordFor(deps, hash);
  const sealedAt = now();
  const fresh = { key: new Uint8Array(randomBytes(32)), gen: (record?.cur.gen ?? 0) + 1, sealedAt };
  await viaStore(() => store.set(service, hash, serialiseKeyRecord({ cur: fresh, prev: record?.cur ?? null })));
  const jwe = await sealDrafts(drafts, fresh.key, hash, fresh.gen, sealedAt);
  try {
    await writeAtomically(dir, sealFileName(hash), hash, jwe);
  } catch (error) {
    // No rename happened: the file on disk is still the old one, and so is its key.
    await viaStore(() =>
      stored === null ? store.delete(service, hash).then(() => undefined) : store.set(service, hash, stored),
    );
    throw error;
  }
  await viaStore(() => store.set(service, hash, serialiseKeyRecord({ cur: fresh, prev: null })));
  // Stryker disable next-line CallExpression: wipes this function's own copy of the key, which nothing reads after this line, so no test can observe it
  fresh.key.fill(0);
}

/**
 * Shreds every seal past retention, every seal whose key is gone, every key whose seal is
 * gone, and quarantined files past retention. `live` are hashes held in memory right now.
 * Returns how many clinicians' drafts were shredded.
 */
async function sweep(deps: SealedFolderDeps, live: ReadonlySet<SubjectHash | null>): Promise<number> {
  const { dir, store, service, now, retentionMs } = deps;
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
    const verdict = await inspect(deps, file.subjectHash, name, jwe);
    if (verdict.kind === 'no-key') {
      await removeIfPresent(dir, name);
      shredded += 1;
    } else if (verdict.kind === 'expired') {
      await shred(deps, file.subjectHash);
      shredded += 1;
    } else if (verdict.kind === 'open') {
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
async function removeLeftovers({ dir }: SealedFolderDeps): Promise<void> {
  for (const name of await listFolder(dir)) {
    if (classifyDraftFile(name).kind === 'temp') await removeIfPresent(dir, name);
  }
}
