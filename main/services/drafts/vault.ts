/**
 * The draft vault: main's custody of clinicians' unfinished notes.
 *
 * - Held drafts live in memory per subject; every save also reaches disk sealed (coalesced,
 *   atomic), so a crash or restart loses nothing that was saved.
 * - `seal` re-stamps the seal (retention runs from here) and drops the drafts from memory;
 *   `restore` gives them back to the same subject only. The caller passes the subject of the
 *   session it has authenticated (core/session `draftCustodian`), never one from the renderer.
 * - If the credential store fails, the vault switches to memory-only for the rest of the run,
 *   says so through `storage` and `onProblem`, and never writes anything to disk again.
 */
import { isSealExpired, resolveRetention } from '../../core/drafts';
import type { Draft, DraftProblem, DraftStorage, SubjectHash } from '../../core/drafts';
import { invariant } from '../../core/errors';
import type { SecretStore } from '../secret-store';
import { prepareFolder } from './files';
import { problem } from './problems';
import type { DraftVaultLogger } from './problems';
import { StoreFailure, sealedFolder } from './sealed-folder';
import type { SealedFolder } from './sealed-folder';
import { loadSubjectHasher } from './subject-hash';
import type { SubjectHasher } from './subject-hash';
import { DraftInput, exclusiveBySubject } from './vault-support';

export const draftsKeyringService = 'clinical-workstation-shell/drafts';

export interface DraftVaultOptions {
  /** The app's data folder for drafts (created 0700 if missing). */
  dataDir: string;
  secretStore: SecretStore;
  /** Wall-clock milliseconds. */
  now: () => number;
  /** The IT policy value, if any; clamped to at most 12 h (core/drafts resolveRetention). */
  retentionMs?: number;
  logger?: DraftVaultLogger;
  /** Keyring service name; tests use a unique one per run. */
  service?: string;
  /** Wired before the vault opens, so problems found while opening are reported too. */
  onProblem?: (problem: DraftProblem) => void;
}

export type SaveResult =
  | { ok: true; savedAt: number; storage: DraftStorage }
  | { ok: false; code: 'STORAGE_FAILED' | 'IPC_INVALID' | 'DRAFTS_LIMIT_REACHED'; message: string };

/** The contract's draft list holds at most this many; more could never be shown again. */
export const maxDraftsPerClinician = 100;

export interface DraftVault {
  readonly storage: DraftStorage;
  readonly retentionMs: number;
  save(subject: string, draft: Draft): Promise<SaveResult>;
  discard(subject: string, draftId: string): Promise<SaveResult>;
  /** The subject's drafts, from memory or from its seal, without taking them into custody. */
  load(subject: string): Promise<Draft[]>;
  /** Seals the subject's drafts; returns how many were sealed (0 when none were held). */
  seal(subject: string): Promise<number>;
  /** The subject's drafts, taken back into custody (held in memory, saved on every change). */
  restore(subject: string): Promise<Draft[]>;
  /** Shreds what is past retention; returns how many clinicians' drafts went. */
  sweepExpired(): Promise<number>;
  /** Resolves when every save so far is on disk (or has failed and been reported). */
  flush(): Promise<void>;
  onProblem(listener: (problem: DraftProblem) => void): () => void;
}

interface Held {
  drafts: Map<string, Draft>;
  hash: SubjectHash | null;
  /** Set when sealed but kept in memory (memory-only, or the disk write failed). */
  sealedAt: number | null;
  generation: number;
  written: number;
  writes: Promise<void>;
}

const copyOf = (d: Draft): Draft => ({ id: d.id, patient: d.patient, text: d.text, updatedAt: d.updatedAt });

export async function createDraftVault(options: DraftVaultOptions): Promise<DraftVault> {
  const { dataDir, secretStore, now, logger } = options;
  const { retentionMs, clamped } = resolveRetention(options.retentionMs);
  const service = options.service ?? draftsKeyringService;
  const listeners = new Set<(p: DraftProblem) => void>();
  if (options.onProblem) listeners.add(options.onProblem);
  const held = new Map<string, Held>();
  const exclusive = exclusiveBySubject();
  let storage: DraftStorage = 'memory-only';
  let hasher: SubjectHasher | null = null;
  // Read through this after an await: another task may have fallen back to memory meanwhile.
  const currentStorage = (): DraftStorage => storage;

  // Not logged here: the owner of the vault records problems through onProblem (compose.ts
  // writes them to the audit log), so each is written once.
  function report(p: DraftProblem): void {
    for (const listener of listeners) listener(p);
  }
  const folder: SealedFolder = sealedFolder({ dir: dataDir, store: secretStore, service, now, retentionMs, report });

  function fallBackToMemory(): void {
    if (storage === 'memory-only') return;
    storage = 'memory-only';
    report(problem('KEYRING_UNAVAILABLE'));
  }

  /** Runs a disk/keyring step; false if it failed (already reported). */
  async function attempt(step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      if (error instanceof StoreFailure) fallBackToMemory();
      else report(problem('STORAGE_FAILED'));
      return false;
    }
  }

  if (clamped)
    logger?.info({ retentionMs }, 'The draft retention asked for was longer than 12 hours, so 12 hours is used.');
  // Protected only if both the folder and the credential store work; otherwise memory-only.
  if (await attempt(() => prepareFolder(dataDir))) {
    try {
      if (await secretStore.probe()) {
        hasher = await loadSubjectHasher(secretStore, service);
        storage = 'protected';
      }
    } catch {
      hasher = null;
    }
    if (storage === 'protected') await attempt(() => folder.removeLeftovers());
    else report(problem('KEYRING_UNAVAILABLE'));
  }

  function checkSubject(subject: string): void {
    invariant(typeof subject === 'string' && subject.length > 0, 'draft custody was asked about an empty subject');
  }

  /** Under the subject's lock: the subject's held drafts, brought back from their seal if needed. */
  async function takeCustody(subject: string): Promise<Held> {
    const existing = held.get(subject);
    if (existing) {
      if (existing.sealedAt !== null && isSealExpired(existing.sealedAt, now(), retentionMs)) existing.drafts.clear();
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
    if (storage === 'protected' && hasher) {
      const hash = hasher(subject);
      h.hash = hash;
      await attempt(async () => {
        for (const d of (await folder.read(hash)) ?? []) h.drafts.set(d.id, copyOf(d));
      });
    }
    held.set(subject, h);
    return h;
  }

  /** Queues a sealed write of everything held so far; writes coalesce while one is running. */
  function persist(subject: string, h: Held): Promise<boolean> {
    const target = h.generation;
    const run = h.writes.then(async () => {
      if (h.written >= target) return true;
      if (storage !== 'protected' || h.hash === null || held.get(subject) !== h) return false;
      const generation = h.generation;
      const hash = h.hash;
      const ok = await attempt(() => folder.write(hash, [...h.drafts.values()]));
      if (ok) h.written = generation;
      return ok;
    });
    h.writes = run.then(() => undefined);
    return run;
  }

  async function change(subject: string, edit: (h: Held) => void): Promise<SaveResult> {
    const h = await exclusive(subject, async () => {
      const h = await takeCustody(subject);
      edit(h);
      h.generation += 1;
      return h;
    });
    if (storage === 'memory-only') return { ok: true, savedAt: now(), storage };
    const written = await persist(subject, h);
    if (written || currentStorage() === 'memory-only') return { ok: true, savedAt: now(), storage: currentStorage() };
    return { ok: false, code: 'STORAGE_FAILED', message: problem('STORAGE_FAILED').message };
  }

  const vault: DraftVault = {
    get storage() {
      return storage;
    },
    retentionMs,

    async save(subject, draft) {
      checkSubject(subject);
      const parsed = DraftInput.safeParse(draft);
      if (!parsed.success) {
        return {
          ok: false,
          code: 'IPC_INVALID',
          message: 'The draft was not in the expected form, so it was not saved; please report this to IT.',
        };
      }
      const d = copyOf(parsed.data);
      let full = false;
      const result = await change(subject, (h) => {
        full = !h.drafts.has(d.id) && h.drafts.size >= maxDraftsPerClinician;
        if (!full) h.drafts.set(d.id, d);
      });
      if (!full) return result;
      return {
        ok: false,
        code: 'DRAFTS_LIMIT_REACHED',
        message: `You already have ${maxDraftsPerClinician} unfinished notes, so this one was not saved; finish or discard one, then save again.`,
      };
    },

    async discard(subject, draftId) {
      checkSubject(subject);
      return change(subject, (h) => h.drafts.delete(draftId));
    },

    async load(subject) {
      checkSubject(subject);
      return exclusive(subject, async () => {
        const h = held.get(subject);
        if (h) {
          if (h.sealedAt !== null && isSealExpired(h.sealedAt, now(), retentionMs)) return [];
          return [...h.drafts.values()].map(copyOf);
        }
        if (storage !== 'protected' || !hasher) return [];
        const hash = hasher(subject);
        let found: Draft[] = [];
        await attempt(async () => {
          found = (await folder.read(hash)) ?? [];
        });
        return found.map(copyOf);
      });
    },

    async seal(subject) {
      checkSubject(subject);
      return exclusive(subject, async () => {
        const h = held.get(subject);
        if (!h || h.sealedAt !== null) return 0;
        if (storage === 'protected') {
          // Re-stamp even if nothing changed: retention runs from the moment of sealing.
          h.generation += 1;
          let ok = true;
          while (ok && h.written < h.generation && currentStorage() === 'protected') ok = await persist(subject, h);
          if (ok && currentStorage() === 'protected') {
            held.delete(subject);
            return h.drafts.size;
          }
        }
        h.sealedAt = now();
        return h.drafts.size;
      });
    },

    async restore(subject) {
      checkSubject(subject);
      return exclusive(subject, async () => [...(await takeCustody(subject)).drafts.values()].map(copyOf));
    },

    async sweepExpired() {
      let shredded = 0;
      const t = now();
      for (const [subject, h] of held) {
        if (h.sealedAt !== null && isSealExpired(h.sealedAt, t, retentionMs)) {
          held.delete(subject);
          shredded += 1;
        }
      }
      if (storage !== 'protected') return shredded;
      const live = new Set<SubjectHash>();
      for (const h of held.values()) if (h.hash !== null) live.add(h.hash);
      await attempt(async () => {
        shredded += await folder.sweep(live);
      });
      return shredded;
    },

    async flush() {
      await Promise.all([...held.values()].map((h) => h.writes));
    },

    onProblem(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return vault;
}
