/**
 * The renderer's one store (zustand). It holds the session view main pushes, and the draft
 * only while the view is active or warning: on any other view the draft is dropped entirely
 * (never hidden), and answers that arrive late for an earlier session are ignored.
 * Drafts never touch localStorage, sessionStorage or IndexedDB.
 */
import { createStore } from 'zustand/vanilla';
import type { Draft, RefusalCode, SessionView, ShellApi } from '../preload/contract';
import { showsClinicalContent } from './words';

export type Caret = { readonly field: 'patient' | 'text'; readonly position: number };
export type SaveStatus =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; code: RefusalCode };
export type SessionAction =
  | 'signIn'
  | 'cancelSignIn'
  | 'stillHere'
  | 'unlock'
  | 'signInAsSomeoneElse'
  | 'signOut'
  | 'lock'
  | 'changeRole'
  | 'renewSession';

export interface ShellState {
  view: SessionView | null;
  connection: 'connecting' | 'ready' | 'failed';
  draft: Draft | null;
  draftLoad: 'idle' | 'loading' | 'failed';
  save: SaveStatus;
  /**
   * Where the clinician's caret was in the note (a position, no content), kept across a lock so an
   * unlock puts them back where they were; forgotten when the session ends.
   */
  caret: Caret | null;
  /** Code of the last session action that failed, shown as a sentence; cleared on the next view. */
  actionError: RefusalCode | null;
  busy: SessionAction | null;
}

export interface ShellActions {
  /** Subscribes to views and asks for the current one. Returns the function that stops it. */
  start(): () => void;
  applyView(view: SessionView): void;
  editDraft(change: Partial<Pick<Draft, 'patient' | 'text'>>): void;
  saveNow(): void;
  act(action: SessionAction): void;
  reportActivity(): void;
  rememberCaret(caret: Caret): void;
}

export interface StoreDeps {
  api: ShellApi;
  newId: () => string;
  now: () => number;
  saveDelayMs?: number;
}

export const activityThrottleMs = 1000;

/** The actions that take the note off the screen: the note is saved before each is sent. */
const leavesTheNote: ReadonlySet<SessionAction> = new Set(['signOut', 'signInAsSomeoneElse', 'lock']);
/** The longest a sign-out waits for the last save's answer. */
export const flushWaitMs = 2000;

export function createShellStore(deps: StoreDeps) {
  const { api } = deps;
  const saveDelayMs = deps.saveDelayMs ?? 500;
  // Bumped whenever clinical content is dropped: answers tagged with an older epoch are stale.
  let epoch = 0;
  let revision = 0;
  let savedRevision = 0;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let saving = false;
  let lastActivity = Number.NEGATIVE_INFINITY;

  const store = createStore<ShellState & ShellActions>()((set, get) => {
    const clearSaveTimer = (): void => {
      if (saveTimer !== null) clearTimeout(saveTimer);
      saveTimer = null;
    };

    const loadDrafts = (): void => {
      const mine = epoch;
      set({ draftLoad: 'loading' });
      void api.loadDrafts().then(
        (result) => {
          if (mine !== epoch || !showsClinicalContent(get().view)) return;
          if (!result.ok) return set({ draftLoad: 'failed' });
          const existing = result.value.drafts[0];
          set({
            draftLoad: 'idle',
            draft: existing ?? { id: deps.newId(), patient: '', text: '', updatedAt: deps.now() },
            save: existing ? { kind: 'saved' } : { kind: 'idle' },
          });
        },
        () => {
          if (mine === epoch) set({ draftLoad: 'failed' });
        },
      );
    };

    const save = (): void => {
      clearSaveTimer();
      const { draft } = get();
      if (draft === null || revision === savedRevision || saving) return;
      const mine = epoch;
      const sending = revision;
      saving = true;
      set({ save: { kind: 'saving' } });
      const settle = (outcome: SaveStatus): void => {
        saving = false;
        if (mine !== epoch) return;
        if (outcome.kind === 'saved') savedRevision = Math.max(savedRevision, sending);
        if (revision !== savedRevision) {
          // Typing carried on while this save was in flight: save again shortly.
          set({ save: outcome.kind === 'failed' ? outcome : { kind: 'saving' } });
          if (outcome.kind === 'saved') saveTimer = setTimeout(save, saveDelayMs);
          return;
        }
        set({ save: outcome });
      };
      void api.saveDraft(draft).then(
        (result) => settle(result.ok ? { kind: 'saved' } : { kind: 'failed', code: result.code }),
        () => settle({ kind: 'failed', code: 'internal-error' }),
      );
    };

    /**
     * Sends the note as typed now, if anything is unsaved, and waits for main's answer (at most
     * `flushWaitMs`, so a hung save never holds a sign-out).
     */
    const flushDraft = (): Promise<void> | null => {
      const { draft } = get();
      if (draft === null || revision === savedRevision) return null;
      clearSaveTimer();
      const sending = revision;
      const answered = api.saveDraft(draft).then(
        (result) => {
          if (result.ok) savedRevision = Math.max(savedRevision, sending);
        },
        () => undefined,
      );
      return Promise.race([answered, new Promise<void>((resolve) => setTimeout(resolve, flushWaitMs))]);
    };

    const dropClinicalContent = (): void => {
      const { draft } = get();
      // Best effort: hand main the last keystrokes; main decides whether it still accepts them.
      if (draft !== null && revision !== savedRevision) void api.saveDraft(draft).catch(() => undefined);
      clearSaveTimer();
      epoch += 1;
      revision = 0;
      savedRevision = 0;
      saving = false;
      set({ draft: null, draftLoad: 'idle', save: { kind: 'idle' } });
    };

    return {
      view: null,
      connection: 'connecting',
      draft: null,
      draftLoad: 'idle',
      save: { kind: 'idle' },
      actionError: null,
      busy: null,
      caret: null,

      start() {
        const unsubscribe = api.onView((view) => get().applyView(view));
        void api.getView().then(
          (result) => {
            // A view pushed while this answer was on its way is newer: never go back to this one.
            if (get().view !== null) return;
            if (result.ok) get().applyView(result.value);
            else set({ connection: 'failed' });
          },
          () => {
            if (get().view === null) set({ connection: 'failed' });
          },
        );
        return () => {
          unsubscribe();
          clearSaveTimer();
        };
      },

      applyView(view) {
        const previous = get().view;
        const wasClinical = showsClinicalContent(previous);
        const isClinical = showsClinicalContent(view);
        if (wasClinical && !isClinical) dropClinicalContent();
        if (!isClinical && get().draft !== null) dropClinicalContent();
        set({ view, connection: 'ready', actionError: previous?.kind === view.kind ? get().actionError : null });
        // A lock keeps the caret for the same clinician's unlock; anything else may bring someone else.
        if (view.kind !== 'locked' && !isClinical) set({ caret: null });
        if (isClinical && !wasClinical) loadDrafts();
        // The idle warning means nobody is typing: make sure the note is saved now, and let the
        // next key or click report at once (it is the answer to the warning), whatever the throttle.
        if (view.kind === 'warning' && previous?.kind !== 'warning') {
          lastActivity = Number.NEGATIVE_INFINITY;
          save();
        }
      },

      editDraft(change) {
        const { draft, view } = get();
        if (draft === null || !showsClinicalContent(view)) return;
        revision += 1;
        set({
          draft: { ...draft, ...change, updatedAt: deps.now() },
          save: get().save.kind === 'failed' ? get().save : { kind: 'saving' },
        });
        clearSaveTimer();
        saveTimer = setTimeout(save, saveDelayMs);
      },

      saveNow: save,

      act(action) {
        // Ignore a double press of the same button; never block a different one (Cancel must always work).
        if (get().busy === action) return;
        set({ busy: action, actionError: null });
        // Leaving the note (sign out, someone else, lock): hand main the last keystrokes first,
        // so the session ends only after they are in the clinician's custody.
        const send = (): void =>
          void api[action]().then(
            (result) => set({ busy: null, actionError: result.ok ? null : result.code }),
            () => set({ busy: null, actionError: 'internal-error' }),
          );
        const flushing = leavesTheNote.has(action) ? flushDraft() : null;
        if (flushing === null) send();
        else void flushing.then(send);
      },

      rememberCaret(caret) {
        if (showsClinicalContent(get().view)) set({ caret });
      },

      reportActivity() {
        if (!showsClinicalContent(get().view)) return;
        const t = deps.now();
        if (t - lastActivity < activityThrottleMs) return;
        lastActivity = t;
        api.reportActivity();
      },
    };
  });
  return store;
}

export type ShellStore = ReturnType<typeof createShellStore>;
