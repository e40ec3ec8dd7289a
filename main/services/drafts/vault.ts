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
 *
 * The drafts held and their sealed writes are vault-custody.ts's; the folder is sealed-folder.ts's.
 */
import { createEmitter } from '../../core/emitter';
import { isSealExpired, resolveRetention } from '../../core/drafts';
import type { Draft, DraftProblem, DraftStorage } from '../../core/drafts';
import { invariant } from '../../core/errors';
import type { SecretStore } from '../secret-store';
import { prepareFolder } from './files';
import { problem } from './problems';
import type { DraftVaultLogger } from './problems';
import { sealedFolder } from './sealed-folder';
import { loadSubjectHasher } from './subject-hash';
import { DraftInput, exclusiveBySubject } from './vault-support';
import { attempt, copyOf, persist, storageOf, takeCustody } from './vault-custody';
import type { Custody, Held } from './vault-custody';

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

/**
 * Problems go to each listener as they always have: a listener that throws stops the report
 * and reaches the step that found the problem (core/emitter would otherwise swallow it).
 */
const rethrow = (error: unknown): never => {
  throw error;
};

export async function createDraftVault(options: DraftVaultOptions): Promise<DraftVault> {
  const { dataDir, secretStore, now, logger } = options;
  const { retentionMs, clamped } = resolveRetention(options.retentionMs);
  const service = options.service ?? draftsKeyringService;
  const problems = createEmitter<[DraftProblem]>(rethrow);
  if (options.onProblem) problems.on(options.onProblem);
  // Not logged here: the owner of the vault records problems through onProblem (compose.ts
  // writes them to the audit log), so each is written once.
  const report = (p: DraftProblem): void => problems.emit(p);
  const c: Custody = {
    storage: 'memory-only',
    hasher: null,
    held: new Map(),
    folder: sealedFolder({ dir: dataDir, store: secretStore, service, now, retentionMs, report }),
    now,
    retentionMs,
    report,
    exclusive: exclusiveBySubject(),
  };

  if (clamped)
    logger?.info({ retentionMs }, 'The draft retention asked for was longer than 12 hours, so 12 hours is used.');
  await open(c, dataDir, secretStore, service);

  return {
    get storage() {
      return c.storage;
    },
    retentionMs,
    save: (subject, draft) => save(c, subject, draft),
    async discard(subject, draftId) {
      checkSubject(subject);
      return change(c, subject, (h) => h.drafts.delete(draftId));
    },
    load: (subject) => load(c, subject),
    seal: (subject) => seal(c, subject),
    async restore(subject) {
      checkSubject(subject);
      return c.exclusive(subject, async () => [...(await takeCustody(c, subject)).drafts.values()].map(copyOf));
    },
    sweepExpired: () => sweepExpired(c),
    async flush() {
      await Promise.all([...c.held.values()].map((h) => h.writes));
    },
    onProblem: (listener) => problems.on(listener),
  };
}

/** Protected only if both the folder and the credential store work; otherwise memory-only. */
async function open(c: Custody, dataDir: string, secretStore: SecretStore, service: string): Promise<void> {
  if (!(await attempt(c, () => prepareFolder(dataDir)))) return;
  try {
    if (await secretStore.probe()) {
      c.hasher = await loadSubjectHasher(secretStore, service);
      c.storage = 'protected';
    }
  } catch {
    // The store failed while opening: no hasher was set, so the vault stays memory-only (reported below).
  }
  if (storageOf(c) === 'protected') await attempt(c, () => c.folder.removeLeftovers());
  else c.report(problem('KEYRING_UNAVAILABLE'));
}

function checkSubject(subject: string): void {
  invariant(typeof subject === 'string' && subject.length > 0, 'draft custody was asked about an empty subject');
}

async function change(c: Custody, subject: string, edit: (h: Held) => void): Promise<SaveResult> {
  const h = await c.exclusive(subject, async () => {
    const h = await takeCustody(c, subject);
    edit(h);
    h.generation += 1;
    return h;
  });
  if (c.storage === 'memory-only') return { ok: true, savedAt: c.now(), storage: c.storage };
  const written = await persist(c, subject, h);
  if (written || storageOf(c) === 'memory-only') return { ok: true, savedAt: c.now(), storage: storageOf(c) };
  return { ok: false, code: 'STORAGE_FAILED', message: problem('STORAGE_FAILED').message };
}

async function save(c: Custody, subject: string, draft: Draft): Promise<SaveResult> {
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
  // Stryker disable next-line BooleanLiteral: change() always runs the edit below, which sets `full`, before it resolves and `full` is read
  let full = false;
  const result = await change(c, subject, (h) => {
    full = !h.drafts.has(d.id) && h.drafts.size >= maxDraftsPerClinician;
    if (!full) h.drafts.set(d.id, d);
  });
  if (!full) return result;
  return {
    ok: false,
    code: 'DRAFTS_LIMIT_REACHED',
    message: `You already have ${maxDraftsPerClinician} unfinished notes, so this one was not saved; finish or discard one, then save again.`,
  };
}

async function load(c: Custody, subject: string): Promise<Draft[]> {
  checkSubject(subject);
  return c.exclusive(subject, async () => {
    const h = c.held.get(subject);
    if (h) {
      if (h.sealedAt !== null && isSealExpired(h.sealedAt, c.now(), c.retentionMs)) return [];
      return [...h.drafts.values()].map(copyOf);
    }
    const hasher = c.hasher;
    if (c.storage !== 'protected' || !hasher) return [];
    const hash = hasher(subject);
    let found: Draft[] = [];
    await attempt(c, async () => {
      found = (await c.folder.read(hash)) ?? [];
    });
    return found.map(copyOf);
  });
}

async function seal(c: Custody, subject: string): Promise<number> {
  checkSubject(subject);
  return c.exclusive(subject, async () => {
    const h = c.held.get(subject);
    if (!h || h.sealedAt !== null) return 0;
    if (c.storage === 'protected') {
      // Re-stamp even if nothing changed: retention runs from the moment of sealing.
      h.generation += 1;
      let ok = true;
      while (ok && h.written < h.generation && storageOf(c) === 'protected') ok = await persist(c, subject, h);
      if (ok && storageOf(c) === 'protected') {
        c.held.delete(subject);
        return h.drafts.size;
      }
    }
    h.sealedAt = c.now();
    return h.drafts.size;
  });
}

async function sweepExpired(c: Custody): Promise<number> {
  let shredded = 0;
  const t = c.now();
  for (const [subject, h] of c.held) {
    if (h.sealedAt !== null && isSealExpired(h.sealedAt, t, c.retentionMs)) {
      c.held.delete(subject);
      shredded += 1;
    }
  }
  if (c.storage !== 'protected') return shredded;
  // A null hash (drafts held before the store worked) names no file, so it matches none.
  const live = new Set([...c.held.values()].map((h) => h.hash));
  await attempt(c, async () => {
    shredded += await c.folder.sweep(live);
  });
  return shredded;
}
