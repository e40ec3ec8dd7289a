/**
 * Nothing outlives a lock. The session engine decides when clinical content must not show; this
 * adapter makes sure it does not, without the renderer's help, and that no page outlives the
 * clinician it served:
 *
 * 1. On the transition into any state other than 'active' and 'warning', before the view is
 *    sent to the renderer (gateViews), main's lock surface goes over the page (lock-surface.ts).
 * 2. A page that has been in a working state is never uncovered again outside one. After a
 *    short hand-over (the renderer's last keystrokes reach main), it is thrown away: its
 *    renderer is killed and the shell reloads in a new process. That new document was born
 *    locked: main serves it only a lock-type view and refuses it drafts, so once it has
 *    finished loading the surface comes off and its own lock screen (with Unlock) is usable.
 *    If it never loads, the surface stays.
 * 3. When the session's clinician changes or ends, the page moves to a new window on a new
 *    in-memory partition (after the hand-over, at an end); the old window is destroyed once
 *    the new one is on screen, and its session's storage and cache are cleared. The IPC server
 *    trusts only the current window (the composition root's getWindow is `guard.window`), so
 *    the old page is not heard from again.
 * 4. At a lock, an end and a hand-over, the clipboard is cleared if it still holds what the
 *    shell copied (clipboard-guard.ts).
 *
 * The surface comes off only when the page's current document has finished loading and either
 * the state is working, or the document was born outside a working state. How each page is
 * covered, handed over, restarted or replaced is lock-guard-pages.ts.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserWindow } from 'electron';
import type { SessionState } from '../core/session';
import type { ShellBackend } from '../../preload/contract';
import type { ClipboardGuard } from './clipboard-guard';
import { cancelHandOver, clinicianOf, decide, isWorking, openPage, syncPages } from './lock-guard-pages';
import type { Pages } from './lock-guard-pages';
import type { ShellWindow } from './windows';
import type { OnFault } from '../core/faults';

/** What the guard needs of the session service (SessionService satisfies it). */
export interface SessionStatePort {
  state(): SessionState;
  onStateChange(listener: (state: SessionState, previous: SessionState) => void): () => void;
}

export { clinicianOf, isWorking };

/** Pure: when the clipboard is swept, and whether what was copied is then forgotten. */
export function clipboardSweepFor(state: SessionState, previous: SessionState): { sweep: boolean; forget: boolean } {
  const lock = isWorking(previous) && !isWorking(state);
  const end = (state.status === 'ended' || state.status === 'signed-out') && state.status !== previous.status;
  const handOver = clinicianOf(previous) !== null && clinicianOf(state) !== clinicianOf(previous);
  return { sweep: lock || end || handOver, forget: end || handOver };
}

/** An in-memory partition (no `persist:` prefix), never used before. */
export function newPartitionName(): string {
  return `shell-${randomUUID()}`;
}

/**
 * How long a covered page may still hand main its last keystrokes after a lock or end it did
 * not ask for (the renderer sends them as soon as the view arrives). The renderer's own budget
 * for a save's answer is the same (renderer/store.ts `flushWaitMs`); core takes them for 5 s
 * after an end (`lastKeystrokesGraceMs`).
 */
export const defaultHandOverMs = 2000;

export interface LockGuardDeps {
  session: SessionStatePort;
  /** Makes a shell window on this partition (createShellWindow, serving app:// on its session). */
  openWindow: (partition: string) => ShellWindow;
  clipboard?: Pick<ClipboardGuard, 'watch' | 'sweep'>;
  newPartition?: () => string;
  handOverMs?: number;
  onError?: OnFault;
}

export interface LockGuard {
  /** The window the renderer lives in now; the IPC server trusts only this one. */
  window(): BrowserWindow | null;
  /** The current shell window (tests, diagnostics). */
  current(): ShellWindow | null;
  /** Brings the windows in line with the session's state now. Idempotent; synchronous. */
  sync(): void;
  dispose(): void;
}

/** The guard: its pages (lock-guard-pages.ts) kept in line with every change of the session's state. */
export function createLockGuard(deps: LockGuardDeps): LockGuard {
  const pages: Pages = {
    deps: {
      state: () => deps.session.state(),
      openWindow: deps.openWindow,
      newPartition: deps.newPartition ?? newPartitionName,
      handOverMs: deps.handOverMs ?? defaultHandOverMs,
      clipboard: deps.clipboard,
      onError: deps.onError,
    },
    current: null,
    retiring: new Set(),
    disposed: false,
  };
  const sync = (): void => syncPages(pages);

  pages.current = openPage(pages);
  // Stryker disable next-line CallExpression: equivalent: a new shell window is covered and its page not yet loaded, and the page is born with the owner and taint of the state now, so nothing is decided yet; kept so the first page gets the same rule as every other
  decide(pages, pages.current);
  const stop = deps.session.onStateChange((now, previous) => {
    sync();
    const { sweep, forget } = clipboardSweepFor(now, previous);
    if (sweep && deps.clipboard) deps.clipboard.sweep({ forget }).catch(() => deps.onError?.('clipboard-sweep-failed'));
  });

  return {
    window() {
      const win = pages.current?.shell.window ?? null;
      // Stryker disable next-line ConditionalExpression: equivalent: a destroyed window has emitted 'closed', whose listener (openPage) has already taken it out of pages.current
      return win !== null && !win.isDestroyed() ? win : null;
    },
    current: () => pages.current?.shell ?? null,
    sync,
    dispose() {
      pages.disposed = true;
      stop();
      for (const page of [pages.current, ...pages.retiring]) if (page) cancelHandOver(page);
    },
  };
}

/**
 * The backend as the IPC server sees it: before each view goes to the renderer, `beforeView`
 * runs (the guard's sync), so the surface is up before the renderer hears of a lock. The
 * session service publishes the view before it calls its state-change listeners.
 */
export function gateViews(backend: ShellBackend, beforeView: () => void): ShellBackend {
  return {
    ...backend,
    subscribe: (listener) =>
      backend.subscribe((view) => {
        beforeView();
        listener(view);
      }),
  };
}
