/**
 * The vault's custody of each subject's drafts: held in memory, brought back from their seal
 * when first asked for, and written sealed (coalesced) after every change. A disk or keyring
 * step that fails is reported once; a credential store that fails turns the vault memory-only.
 */
import { isSealExpired } from '../../core/drafts';
import type { Draft, DraftProblem, DraftStorage, SubjectHash } from '../../core/drafts';
import { problem } from './problems';
import { StoreFailure } from './sealed-folder';
import type { SealedFolder } from './sealed-folder';
import type { SubjectHasher } from './subject-hash';

export interface Held {
  drafts: Map<string, Draft>;
  hash: SubjectHash | null;
  /** Set when sealed but kept in memory (memory-only, or the disk write failed). */
  sealedAt: number | null;
  generation: number;
  written: number;
  writes: Promise<void>;
}

/** What the vault's parts share: where drafts are kept now, the drafts held, and the folder. */
export interface Custody {
  storage: DraftStorage;
  hasher: SubjectHasher | null;
  readonly held: Map<string, Held>;
  readonly folder: SealedFolder;
  readonly now: () => number;
  readonly retentionMs: number;
  readonly report: (problem: DraftProblem) => void;
  /** Runs tasks for the same subject one after another. */
  readonly exclusive: <T>(subject: string, task: () => Promise<T>) => Promise<T>;
}

export const copyOf = (d: Draft): Draft => ({ id: d.id, patient: d.patient, text: d.text, updatedAt: d.updatedAt });

/** Read through this after an await: another task may have fallen back to memory meanwhile. */
export const storageOf = (c: Custody): DraftStorage => c.storage;

function fallBackToMemory(c: Custody): void {
  if (c.storage === 'memory-only') return;
  c.storage = 'memory-only';
  c.report(problem('KEYRING_UNAVAILABLE'));
}

/** Runs a disk/keyring step; false if it failed (already reported). */
export async function attempt(c: Custody, step: () => Promise<void>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    if (error instanceof StoreFailure) fallBackToMemory(c);
    else c.report(problem('STORAGE_FAILED'));
    return false;
  }
}

/** Under the subject's lock: the subject's held drafts, brought back from their seal if needed. */
export async function takeCustody(c: Custody, subject: string): Promise<Held> {
  const existing = c.held.get(subject);
  if (existing) {
    if (existing.sealedAt !== null && isSealExpired(existing.sealedAt, c.now(), c.retentionMs)) existing.drafts.clear();
    existing.sealedAt = null;
    return existing;
  }
  const h: Held = {
    drafts: new Map(),
    hash: null,
    sealedAt: null,
    generation: 0,
    written: 0,
    writes: Promise.resolve(),
  };
  if (c.storage === 'protected' && c.hasher) {
    const hash = c.hasher(subject);
    h.hash = hash;
    await attempt(c, async () => {
      for (const d of (await c.folder.read(hash)) ?? []) h.drafts.set(d.id, copyOf(d));
    });
  }
  c.held.set(subject, h);
  return h;
}

/** Queues a sealed write of everything held so far; writes coalesce while one is running. */
export function persist(c: Custody, subject: string, h: Held): Promise<boolean> {
  const target = h.generation;
  const run = h.writes.then(async () => {
    if (h.written >= target) return true;
    if (c.storage !== 'protected' || h.hash === null || c.held.get(subject) !== h) return false;
    const generation = h.generation;
    const hash = h.hash;
    const ok = await attempt(c, () => c.folder.write(hash, [...h.drafts.values()]));
    if (ok) h.written = generation;
    return ok;
  });
  h.writes = run.then(() => undefined);
  return run;
}
