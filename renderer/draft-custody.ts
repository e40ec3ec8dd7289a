/**
 * The note while it is on screen: loaded when a working view arrives, saved a moment after each
 * edit, handed to main before anything that takes it off the screen, and dropped entirely (never
 * hidden) when the view may no longer show it. Answers that arrive late for an earlier session
 * are ignored. The note never touches localStorage, sessionStorage or IndexedDB.
 */
import type { Draft } from '../preload/contract';
import type { GetState, SaveStatus, SetState, StoreDeps } from './shell-state';
import { showsClinicalContent } from './words';

/** The longest a sign-out waits for the last save's answer. */
export const flushWaitMs = 2000;

export interface DraftCustody {
  /** Asks main for the clinician's note, or starts a new one. */
  load(): void;
  /** Sends the note if anything is unsaved; a save on its way sends again when it is answered. */
  save(): void;
  /** The clinician typed: the note changes now and is saved a moment later. */
  edit(change: Partial<Pick<Draft, 'patient' | 'text'>>): void;
  /**
   * Sends the note as typed now, if anything is unsaved, and waits for main's answer (at most
   * `flushWaitMs`, so a hung save never holds a sign-out). Null when nothing is unsaved.
   */
  flush(): Promise<void> | null;
  /** Drops the note from the renderer, handing main its last keystrokes first. */
  drop(): void;
  /** Stops any pending save (the store is stopping). */
  stop(): void;
}

interface Custody {
  readonly deps: StoreDeps;
  readonly set: SetState;
  readonly get: GetState;
  /** Bumped whenever clinical content is dropped: answers tagged with an older epoch are stale. */
  epoch: number;
  revision: number;
  savedRevision: number;
  saveTimer: ReturnType<typeof setTimeout> | null;
  saving: boolean;
}

export function draftCustody(deps: StoreDeps, set: SetState, get: GetState): DraftCustody {
  const c: Custody = { deps, set, get, epoch: 0, revision: 0, savedRevision: 0, saveTimer: null, saving: false };
  return {
    load: () => load(c),
    save: () => save(c),
    edit: (change) => edit(c, change),
    flush: () => flush(c),
    drop: () => drop(c),
    stop: () => clearSaveTimer(c),
  };
}

function clearSaveTimer(c: Custody): void {
  if (c.saveTimer !== null) clearTimeout(c.saveTimer);
  c.saveTimer = null;
}

function saveLater(c: Custody): void {
  c.saveTimer = setTimeout(() => save(c), c.deps.saveDelayMs ?? 500);
}

function load(c: Custody): void {
  const { deps, set, get } = c;
  const mine = c.epoch;
  set({ draftLoad: 'loading' });
  void deps.api.loadDrafts().then(
    (result) => {
      if (mine !== c.epoch || !showsClinicalContent(get().view)) return;
      if (!result.ok) return set({ draftLoad: 'failed' });
      const existing = result.value.drafts[0];
      set({
        draftLoad: 'idle',
        draft: existing ?? { id: deps.newId(), patient: '', text: '', updatedAt: deps.now() },
        save: existing ? { kind: 'saved' } : { kind: 'idle' },
      });
    },
    () => {
      if (mine === c.epoch) set({ draftLoad: 'failed' });
    },
  );
}

function save(c: Custody): void {
  clearSaveTimer(c);
  const { draft } = c.get();
  if (draft === null || c.revision === c.savedRevision || c.saving) return;
  const mine = c.epoch;
  const sending = c.revision;
  c.saving = true;
  c.set({ save: { kind: 'saving' } });
  const settle = (outcome: SaveStatus): void => {
    c.saving = false;
    if (mine !== c.epoch) return;
    if (outcome.kind === 'saved') c.savedRevision = Math.max(c.savedRevision, sending);
    if (c.revision !== c.savedRevision) {
      // Typing carried on while this save was in flight: save again shortly.
      c.set({ save: outcome.kind === 'failed' ? outcome : { kind: 'saving' } });
      if (outcome.kind === 'saved') saveLater(c);
      return;
    }
    c.set({ save: outcome });
  };
  void c.deps.api.saveDraft(draft).then(
    (result) => settle(result.ok ? { kind: 'saved' } : { kind: 'failed', code: result.code }),
    () => settle({ kind: 'failed', code: 'internal-error' }),
  );
}

function edit(c: Custody, change: Partial<Pick<Draft, 'patient' | 'text'>>): void {
  const { draft, view, save: status } = c.get();
  if (draft === null || !showsClinicalContent(view)) return;
  c.revision += 1;
  c.set({
    draft: { ...draft, ...change, updatedAt: c.deps.now() },
    save: status.kind === 'failed' ? status : { kind: 'saving' },
  });
  clearSaveTimer(c);
  saveLater(c);
}

function flush(c: Custody): Promise<void> | null {
  const { draft } = c.get();
  if (draft === null || c.revision === c.savedRevision) return null;
  clearSaveTimer(c);
  const sending = c.revision;
  const answered = c.deps.api.saveDraft(draft).then(
    (result) => {
      if (result.ok) c.savedRevision = Math.max(c.savedRevision, sending);
    },
    () => undefined,
  );
  return Promise.race([answered, new Promise<void>((resolve) => setTimeout(resolve, flushWaitMs))]);
}

function drop(c: Custody): void {
  const { draft } = c.get();
  // Best effort: hand main the last keystrokes; main decides whether it still accepts them.
  if (draft !== null && c.revision !== c.savedRevision) void c.deps.api.saveDraft(draft).catch(() => undefined);
  clearSaveTimer(c);
  c.epoch += 1;
  c.revision = 0;
  c.savedRevision = 0;
  c.saving = false;
  c.set({ draft: null, draftLoad: 'idle', save: { kind: 'idle' } });
}
