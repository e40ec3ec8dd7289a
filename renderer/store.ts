/**
 * The renderer's one store (zustand). It holds the session view main pushes, and the draft
 * only while the view is active or warning: on any other view the draft is dropped entirely
 * (never hidden; renderer/draft-custody.ts), and answers that arrive late for an earlier session
 * are ignored. Drafts never touch localStorage, sessionStorage or IndexedDB.
 */
import { createStore } from 'zustand/vanilla';
import type { SessionView } from '../preload/contract';
import { draftCustody } from './draft-custody';
import type { DraftCustody } from './draft-custody';
import type { GetState, SessionAction, SetState, ShellActions, ShellState, StoreDeps } from './shell-state';
import { showsClinicalContent } from './words';

export { flushWaitMs } from './draft-custody';
export type { Caret, SaveStatus, SessionAction, ShellActions, ShellState, StoreDeps } from './shell-state';

export const activityThrottleMs = 1000;

/** The actions that take the note off the screen: the note is saved before each is sent. */
const leavesTheNote: ReadonlySet<SessionAction> = new Set(['signOut', 'signInAsSomeoneElse', 'lock']);

const initialState: ShellState = {
  view: null,
  connection: 'connecting',
  draft: null,
  draftLoad: 'idle',
  save: { kind: 'idle' },
  actionError: null,
  busy: null,
  caret: null,
};

export function createShellStore(deps: StoreDeps) {
  return createStore<ShellState & ShellActions>()((set, get) => {
    const drafts = draftCustody(deps, set, get);
    return {
      ...initialState,
      ...sessionActions(deps, drafts, set, get),
      editDraft: drafts.edit,
      saveNow: drafts.save,
      rememberCaret(caret) {
        if (showsClinicalContent(get().view)) set({ caret });
      },
    };
  });
}

export type ShellStore = ReturnType<typeof createShellStore>;

/** Following main's views, and asking main to act for the clinician. */
function sessionActions(
  deps: StoreDeps,
  drafts: DraftCustody,
  set: SetState,
  get: GetState,
): Pick<ShellActions, 'start' | 'applyView' | 'act' | 'reportActivity'> {
  const { api } = deps;
  let lastActivity = Number.NEGATIVE_INFINITY;

  const applyView = (view: SessionView): void => {
    const previous = get().view;
    const wasClinical = showsClinicalContent(previous);
    const isClinical = showsClinicalContent(view);
    if (wasClinical && !isClinical) drafts.drop();
    if (!isClinical && get().draft !== null) drafts.drop();
    set({ view, connection: 'ready', actionError: previous?.kind === view.kind ? get().actionError : null });
    // A lock keeps the caret for the same clinician's unlock; anything else may bring someone else.
    if (view.kind !== 'locked' && !isClinical) set({ caret: null });
    if (isClinical && !wasClinical) drafts.load();
    // The idle warning means nobody is typing: make sure the note is saved now, and let the
    // next key or click report at once (it is the answer to the warning), whatever the throttle.
    if (view.kind === 'warning' && previous?.kind !== 'warning') {
      lastActivity = Number.NEGATIVE_INFINITY;
      drafts.save();
    }
  };

  return {
    start() {
      const unsubscribe = api.onView(applyView);
      void api.getView().then(
        (result) => {
          // A view pushed while this answer was on its way is newer: never go back to this one.
          if (get().view !== null) return;
          if (result.ok) applyView(result.value);
          else set({ connection: 'failed' });
        },
        () => {
          if (get().view === null) set({ connection: 'failed' });
        },
      );
      return () => {
        unsubscribe();
        drafts.stop();
      };
    },
    applyView,
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
      const flushing = leavesTheNote.has(action) ? drafts.flush() : null;
      if (flushing === null) send();
      else void flushing.then(send);
    },
    reportActivity() {
      if (!showsClinicalContent(get().view)) return;
      const t = deps.now();
      if (t - lastActivity < activityThrottleMs) return;
      lastActivity = t;
      api.reportActivity();
    },
  };
}
