/**
 * The lock guard's pages (lock-guard.ts says what it promises): the current shell window and the
 * ones it replaced, and for each what it may show. A page that has been in a working state is
 * covered outside one, handed over for a moment, then restarted (same clinician) or replaced by
 * a new window on a new partition (the clinician has gone); the windows it replaced go once the
 * new one is on screen.
 */
import type { SessionState } from '../core/session';
import type { ClipboardGuard } from './clipboard-guard';
import type { ShellWindow } from './windows';
import type { OnFault } from '../core/faults';

/** Clinical content may show only in these states. */
export function isWorking(state: SessionState): boolean {
  return state.status === 'active' || state.status === 'warning';
}

/** The clinician whose session exists (working or locked), or null. */
export function clinicianOf(state: SessionState): string | null {
  return 'session' in state ? state.session.subject : null;
}

/** What the pages need: the guard's dependencies with its defaults filled in. */
export interface PagesDeps {
  state: () => SessionState;
  /** Makes a shell window on this partition (createShellWindow, serving app:// on its session). */
  openWindow: (partition: string) => ShellWindow;
  newPartition: () => string;
  handOverMs: number;
  clipboard?: Pick<ClipboardGuard, 'watch'> | undefined;
  onError?: OnFault | undefined;
}

export interface Page {
  readonly shell: ShellWindow;
  /** The clinician whose session (working or locked) this page's partition has served. */
  owner: string | null;
  /** The page's current document has been in a working state (it may hold clinical content). */
  tainted: boolean;
  /** The hand-over in progress: when it ends the page is restarted or replaced. */
  handOver: ReturnType<typeof setTimeout> | null;
  stopClipboard: (() => void) | null;
}

/** The guard's windows: the one the renderer lives in now, and the ones it replaced. */
export interface Pages {
  readonly deps: PagesDeps;
  current: Page | null;
  readonly retiring: Set<Page>;
  /** Stopped (the app is quitting): leave every window as it is, open none. */
  disposed: boolean;
}

export function cancelHandOver(page: Page): void {
  clearTimeout(page.handOver ?? undefined);
  page.handOver = null;
}

/** This page's partition has served a clinician who is no longer the session's. */
function outlived(page: Page, now: SessionState): boolean {
  // Stryker disable next-line ConditionalExpression: equivalent: whenever the state has a clinician, the page's owner is set before decide reads this (openPage, onPageStart and syncPages set it first), so an owner of null meets only a state with no clinician, where the comparison below also answers false
  if (page.owner === null) return false;
  return clinicianOf(now) !== page.owner;
}

/**
 * Cover or uncover one page. A tainted page outside a working state is covered at once and,
 * after the hand-over, restarted (same clinician) or replaced (the clinician has gone).
 * A page whose partition has served another clinician is replaced: at once if someone else
 * is now working (the old page must not be sent their view) or if it never showed clinical
 * content; after the hand-over at an end, since the covered page may still hand main its
 * last keystrokes (core takes them for a few seconds after an end).
 */
export function decide(pages: Pages, page: Page): void {
  // Stopped (the app is quitting): leave every window as it is, open none.
  if (pages.disposed) return;
  if (page !== pages.current) {
    page.shell.setCovered(true);
    return;
  }
  const now = pages.deps.state();
  if (outlived(page, now) && (clinicianOf(now) !== null || !page.tainted)) {
    replace(pages, page);
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
    const later = pages.deps.state();
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: a page's hand-over is cancelled when it stops being current (replace, 'closed') and when the guard stops (dispose), so this timer never fires for such a page; re-checked as defence in depth
    if (pages.disposed || page !== pages.current) return;
    if (outlived(page, later)) return replace(pages, page);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: the hand-over is cancelled when the state turns working (decide) and when a new document starts (the only place the taint is cleared), so a timer that fires finds both true; re-checked as defence in depth
    if (page.tainted && !isWorking(later)) page.shell.restartPage();
  }, pages.deps.handOverMs);
}

function destroy(pages: Pages, page: Page): void {
  // Stryker disable next-line CallExpression: equivalent: shell.destroy() below destroys the window at once (or it already was), and its 'closed' listener (openPage) takes it out of retiring
  pages.retiring.delete(page);
  // Stryker disable next-line CallExpression: equivalent: a retiring page has no hand-over (replace cancelled it, and decide starts none for a page that is not current)
  cancelHandOver(page);
  page.stopClipboard?.();
  page.shell.destroy().catch(() => pages.deps.onError?.('partition-clear-failed'));
}

/** A window on a new partition, its page watched; not yet the current one. */
export function openPage(pages: Pages): Page {
  const { deps } = pages;
  const shell = deps.openWindow(deps.newPartition());
  const born = deps.state();
  const page: Page = {
    shell,
    owner: clinicianOf(born),
    tainted: isWorking(born),
    handOver: null,
    stopClipboard: deps.clipboard?.watch(shell.window.webContents) ?? null,
  };
  shell.onPageStart(() => {
    // A new document: it has shown nothing yet, and is tainted only if born working.
    // Stryker disable next-line CallExpression: equivalent: decide, just below, cancels the hand-over or replaces the page (which cancels it), and a page that is not current has none
    cancelHandOver(page);
    const now = deps.state();
    page.tainted = isWorking(now);
    page.owner ??= clinicianOf(now);
    decide(pages, page);
  });
  shell.onPageReady(() => decide(pages, page));
  shell.window.on('show', () => {
    // The new page is on screen: the windows it replaced can go.
    if (page === pages.current) for (const old of [...pages.retiring]) destroy(pages, old);
  });
  shell.window.on('closed', () => {
    if (pages.current === page) pages.current = null;
    pages.retiring.delete(page);
    cancelHandOver(page);
  });
  return page;
}

/** A new window on a new partition; the old one stays covered until the new one shows. */
function replace(pages: Pages, old: Page): void {
  cancelHandOver(old);
  pages.retiring.add(old);
  old.shell.setCovered(true);
  const page = openPage(pages);
  pages.current = page;
  // Stryker disable next-line CallExpression: equivalent: a new shell window is covered and its page not yet loaded, and the page is born with the owner and taint of the state now, so nothing is decided yet; kept so a new page gets the same rule as every other
  decide(pages, page);
}

/** Brings the current page in line with the session's state now (LockGuard.sync). */
export function syncPages(pages: Pages): void {
  if (pages.disposed || pages.current === null) return;
  const now = pages.deps.state();
  const page = pages.current;
  // A page that has served another clinician keeps its owner (set already), and decide replaces
  // it below if someone is working now; as a retiring page it is only covered, its taint unread.
  page.owner ??= clinicianOf(now);
  if (isWorking(now)) page.tainted = true;
  decide(pages, page);
}
