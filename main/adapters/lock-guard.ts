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
 * the state is working, or the document was born outside a working state.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserWindow } from 'electron';
import type { SessionState } from '../core/session';
import type { ShellBackend } from '../../preload/contract';
import type { ClipboardGuard } from './clipboard-guard';
import type { ShellWindow } from './windows';

/** What the guard needs of the session service (SessionService satisfies it). */
export interface SessionStatePort {
  state(): SessionState;
  onStateChange(listener: (state: SessionState, previous: SessionState) => void): () => void;
}

/** Clinical content may show only in these states. */
export function isWorking(state: SessionState): boolean {
  return state.status === 'active' || state.status === 'warning';
}

/** The clinician whose session exists (working or locked), or null. */
export function clinicianOf(state: SessionState): string | null {
  return 'session' in state ? state.session.subject : null;
}

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
  onError?: (code: string) => void;
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

interface Page {
  readonly shell: ShellWindow;
  /** The clinician whose session (working or locked) this page's partition has served. */
  owner: string | null;
  /** The page's current document has been in a working state (it may hold clinical content). */
  tainted: boolean;
  /** The hand-over in progress: when it ends the page is restarted or replaced. */
  handOver: ReturnType<typeof setTimeout> | null;
  stopClipboard: (() => void) | null;
}

export function createLockGuard(deps: LockGuardDeps): LockGuard {
  const handOverMs = deps.handOverMs ?? defaultHandOverMs;
  const newPartition = deps.newPartition ?? newPartitionName;
  const state = (): SessionState => deps.session.state();
  let current: Page | null = null;
  const retiring = new Set<Page>();
  let disposed = false;

  const cancelHandOver = (page: Page): void => {
    if (page.handOver !== null) clearTimeout(page.handOver);
    page.handOver = null;
  };
  /** This page's partition has served a clinician who is no longer the session's. */
  const outlived = (page: Page, now: SessionState): boolean => page.owner !== null && clinicianOf(now) !== page.owner;

  /**
   * Cover or uncover one page. A tainted page outside a working state is covered at once and,
   * after the hand-over, restarted (same clinician) or replaced (the clinician has gone).
   * A page whose partition has served another clinician is replaced: at once if someone else
   * is now working (the old page must not be sent their view) or if it never showed clinical
   * content; after the hand-over at an end, since the covered page may still hand main its
   * last keystrokes (core takes them for a few seconds after an end).
   */
  function decide(page: Page): void {
    // Stopped (the app is quitting): leave every window as it is, open none.
    if (disposed) return;
    if (page !== current) {
      page.shell.setCovered(true);
      return;
    }
    const now = state();
    if (outlived(page, now) && (clinicianOf(now) !== null || !page.tainted)) {
      replace(page);
      return;
    }
    const working = isWorking(now);
    const showable = page.shell.pageReady() && (working || !page.tainted) && !outlived(page, now);
    page.shell.setCovered(!showable);
    if (working || !page.tainted) return cancelHandOver(page);
    if (page.handOver !== null) return;
    page.handOver = setTimeout(() => {
      page.handOver = null;
      // Re-checked: the clinician may be back (an unlock), or the page already replaced.
      const later = state();
      if (disposed || page !== current) return;
      if (outlived(page, later)) replace(page);
      else if (page.tainted && !isWorking(later)) page.shell.restartPage();
    }, handOverMs);
  }

  function destroy(page: Page): void {
    retiring.delete(page);
    cancelHandOver(page);
    page.stopClipboard?.();
    page.shell.destroy().catch(() => deps.onError?.('partition-clear-failed'));
  }

  function open(): Page {
    const shell = deps.openWindow(newPartition());
    const born = state();
    const page: Page = {
      shell,
      owner: clinicianOf(born),
      tainted: isWorking(born),
      handOver: null,
      stopClipboard: deps.clipboard?.watch(shell.window.webContents) ?? null,
    };
    shell.onPageStart(() => {
      // A new document: it has shown nothing yet, and is tainted only if born working.
      cancelHandOver(page);
      const now = state();
      page.tainted = isWorking(now);
      page.owner ??= clinicianOf(now);
      decide(page);
    });
    shell.onPageReady(() => decide(page));
    shell.window.on('show', () => {
      // The new page is on screen: the windows it replaced can go.
      if (page === current) for (const old of [...retiring]) destroy(old);
    });
    shell.window.on('closed', () => {
      if (current === page) current = null;
      retiring.delete(page);
      cancelHandOver(page);
    });
    return page;
  }

  /** A new window on a new partition; the old one stays covered until the new one shows. */
  function replace(old: Page): void {
    cancelHandOver(old);
    retiring.add(old);
    old.shell.setCovered(true);
    const page = open();
    current = page;
    decide(page);
  }

  function sync(): void {
    if (disposed || current === null) return;
    const now = state();
    const page = current;
    if (!outlived(page, now)) {
      page.owner ??= clinicianOf(now);
      if (isWorking(now)) page.tainted = true;
    }
    decide(page);
  }

  current = open();
  decide(current);
  const stop = deps.session.onStateChange((now, previous) => {
    sync();
    const { sweep, forget } = clipboardSweepFor(now, previous);
    if (sweep && deps.clipboard) deps.clipboard.sweep({ forget }).catch(() => deps.onError?.('clipboard-sweep-failed'));
  });

  return {
    window() {
      const win = current?.shell.window ?? null;
      return win !== null && !win.isDestroyed() ? win : null;
    },
    current: () => current?.shell ?? null,
    sync,
    dispose() {
      disposed = true;
      stop();
      for (const page of [current, ...retiring]) if (page) cancelHandOver(page);
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
