// Issue 15, item 4: in kiosk the sign-in page opens behind the full-screen shell, and a focus()
// from a background process only flashes the taskbar. The real window factory, lock guard,
// system browser adapter and sign-in focus on the fake Electron, whose desktop model follows
// Windows' foreground rules (see FakeDesktop).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLockGuard } from '../../main/adapters/lock-guard';
import { createSystemBrowser } from '../../main/adapters/system-browser';
import { bringToFront, createSignInFocus, leaveFullScreenWaitMs } from '../../main/adapters/window-focus';
import type { FocusableWindow } from '../../main/adapters/window-focus';
import { createShellWindow } from '../../main/adapters/windows';
import type { SessionState } from '../../main/core/session';
import { FakeApp, FakeBrowserWindow, FakeDesktop, FakeShell, resetFakeElectron } from './fake-electron';
import { endpoint, signInPage } from './open-external-cases';
import { fakeSessionService, states } from './session-fixtures';
import { shellWindowOptions, windowDeps } from './shell-fixtures';

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
  new FakeApp('win32').becomeReady();
});
afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

/** The composition root's wiring of the sign-in (main/index.ts), on the fake. */
function startShell(options: {
  kiosk: boolean;
  initial?: SessionState;
  platform?: 'win32' | 'darwin';
  stealFocus?: () => void;
}) {
  const session = fakeSessionService(options.initial ?? states.signedOut());
  const guard = createLockGuard({
    session,
    openWindow: (partition) =>
      createShellWindow(
        windowDeps(),
        shellWindowOptions({ partition, kiosk: options.kiosk, beforeRendererReload: () => session.lockBeforeReload() })
          .options,
      ),
  });
  const focus = createSignInFocus({
    kiosk: options.kiosk,
    platform: options.platform ?? 'win32',
    ...(options.stealFocus ? { stealFocus: options.stealFocus } : {}),
    getWindow: () => guard.window(),
    session,
  });
  const shell = new FakeShell();
  const browser = createSystemBrowser(shell, { beforeOpen: () => focus.stepAside() });
  const win = (): FakeBrowserWindow => guard.window() as unknown as FakeBrowserWindow;
  const first = win();
  first.emit('ready-to-show');
  first.webContents.finishLoad();
  return { session, guard, focus, shell, browser, win };
}

const asWindow = (w: FakeBrowserWindow): FocusableWindow => w as unknown as FocusableWindow;

describe('the fake desktop behaves as Windows does', () => {
  it('a kiosk window hides the browser opened over it; focus() from the background only flashes the taskbar', async () => {
    const win = new FakeBrowserWindow({ kiosk: true, fullscreen: true });
    win.show();
    expect(win.isFocused()).toBe(true);
    await new FakeShell().openExternal(signInPage.href);
    expect(FakeDesktop.browserSeen()).toBe(false);

    win.minimize();
    expect(FakeDesktop.browserSeen()).toBe(true);
    FakeDesktop.foreground = 'browser';
    win.restore();
    expect(win.isFocused()).toBe(true);

    FakeDesktop.foreground = 'browser';
    win.focus();
    expect(win.isFocused()).toBe(false);
    expect(win.flashes).toBe(1);
  });
});

describe('bringToFront', () => {
  it('gets the foreground back from another application, where focus() alone does not, and re-enters kiosk', () => {
    const win = new FakeBrowserWindow({ kiosk: true, fullscreen: true });
    win.show();
    win.setKiosk(false);
    FakeDesktop.foreground = 'browser';
    bringToFront(asWindow(win), { kiosk: true, platform: 'win32' });
    expect(win.isFocused()).toBe(true);
    expect(win.isKiosk()).toBe(true);
    expect(win.flashes).toBe(0);
  });

  it('does nothing to a destroyed window', () => {
    const win = new FakeBrowserWindow({});
    win.destroy();
    expect(() => bringToFront(asWindow(win), { kiosk: false, platform: 'win32' })).not.toThrow();
  });
});

describe('kiosk sign-in', () => {
  it('steps aside (leaves full screen, minimises) before the browser opens, so the sign-in page is seen', async () => {
    const { session, browser, shell, win } = startShell({ kiosk: true });
    const page = win();
    expect(page.isKiosk()).toBe(true);
    const order: string[] = [];
    page.on('minimize', () => order.push('minimised'));
    const open = shell.openExternal.bind(shell);
    shell.openExternal = (url: string) => (order.push('browser opened'), open(url));

    session.go(states.signingIn());
    await browser.open(signInPage, endpoint);
    expect(order).toEqual(['minimised', 'browser opened']);
    expect(page.isKiosk()).toBe(false);
    expect(FakeDesktop.browserSeen()).toBe(true);
    expect(FakeDesktop.foreground).toBe('browser');
  });

  it.each([
    ['the callback signs the clinician in', states.active('A')],
    ['the attempt fails or is cancelled', states.signedOut()],
  ])('comes back to the front, full screen and focused, when %s', async (_when, after) => {
    const { session, browser, win } = startShell({ kiosk: true });
    const page = win();
    session.go(states.signingIn());
    await browser.open(signInPage, endpoint);

    session.go(after);
    expect(page.isVisible()).toBe(true);
    expect(page.isKiosk()).toBe(true);
    expect(page.isFocused()).toBe(true);
    expect(FakeDesktop.browserSeen()).toBe(false);
  });

  it('an unlock comes back the same way (reauthenticating → active)', async () => {
    const { session, browser, win } = startShell({ kiosk: true, initial: states.locked('A') });
    const page = win();
    session.go(states.reauthenticating('A'));
    await browser.open(signInPage, endpoint);
    expect(FakeDesktop.browserSeen()).toBe(true);
    session.go(states.active('A'));
    expect(page.isFocused()).toBe(true);
    expect(page.isKiosk()).toBe(true);
  });

  it('a new clinician at the lock screen gets a new window: it comes to the front when it shows', async () => {
    const { session, browser, win } = startShell({ kiosk: true, initial: states.locked('A') });
    const old = win();
    session.go(states.signingIn());
    await browser.open(signInPage, endpoint);
    session.go(states.active('B'));
    const fresh = win();
    expect(fresh).not.toBe(old);
    fresh.emit('ready-to-show');
    expect(fresh.isFocused()).toBe(true);
    expect(fresh.isKiosk()).toBe(true);
  });

  it('outside kiosk the window stays where it is while the browser opens, and comes forward afterwards', async () => {
    const { session, browser, win } = startShell({ kiosk: false });
    const page = win();
    session.go(states.signingIn());
    await browser.open(signInPage, endpoint);
    expect(page.isMinimized()).toBe(false);
    expect(FakeDesktop.browserSeen()).toBe(true);
    session.go(states.active('A'));
    expect(page.isFocused()).toBe(true);
  });

  it('stops watching on dispose', async () => {
    const { session, browser, focus, win } = startShell({ kiosk: true });
    const page = win();
    focus.dispose();
    session.go(states.signingIn());
    await browser.open(signInPage, endpoint);
    session.go(states.active('A'));
    expect(page.isFocused()).toBe(false);
  });
});

describe('macOS kiosk sign-in (issue 24)', () => {
  /** A darwin app, its kiosk shell stepped aside for a sign-in, the browser in front. */
  async function macSignIn(options: { stealFocus?: boolean } = {}) {
    resetFakeElectron();
    const app = new FakeApp('darwin');
    app.becomeReady();
    const started = startShell({
      kiosk: true,
      platform: 'darwin',
      ...(options.stealFocus === false ? {} : { stealFocus: () => app.focus({ steal: true }) }),
    });
    const page = started.win();
    page.show();
    started.session.go(states.signingIn());
    await started.browser.open(signInPage, endpoint);
    return { ...started, app, page };
  }

  it('the fake: leaving kiosk is an asynchronous full-screen exit; minimize() meanwhile is ignored, and the content size follows the screen', () => {
    resetFakeElectron();
    new FakeApp('darwin').becomeReady();
    const win = new FakeBrowserWindow({ kiosk: true, fullscreen: true, width: 1280, height: 860 });
    win.show();
    expect(win.getContentSize()).toEqual([1920, 1080]);
    win.setKiosk(false);
    win.minimize();
    expect(win.isMinimized()).toBe(false);
    expect(win.minimizesIgnored).toBe(1);
    expect(win.isFullScreen()).toBe(true);
    const left = vi.fn();
    win.on('leave-full-screen', left);
    win.completeFullScreenTransition();
    expect(left).toHaveBeenCalledTimes(1);
    expect(win.getContentSize()).toEqual([1280, 860]);
    win.minimize();
    expect(win.isMinimized()).toBe(true);
  });

  it("waits for 'leave-full-screen' before it minimises, so the minimise is not lost", async () => {
    const { page } = await macSignIn();
    expect(page.isKiosk()).toBe(false);
    expect(page.isMinimized()).toBe(false);
    expect(page.minimizesIgnored).toBe(0);
    page.completeFullScreenTransition();
    expect(page.isMinimized()).toBe(true);
    expect(FakeDesktop.foreground).toBe('browser');
  });

  it('minimises after leaveFullScreenWaitMs if the exit never reports, and not at all if the attempt ended first', async () => {
    const slow = await macSignIn();
    const minimize = vi.spyOn(slow.page, 'minimize');
    await vi.advanceTimersByTimeAsync(leaveFullScreenWaitMs - 1);
    expect(minimize).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(minimize).toHaveBeenCalledTimes(1);

    const quick = await macSignIn();
    quick.session.go(states.signedOut());
    quick.page.completeFullScreenTransition();
    await vi.advanceTimersByTimeAsync(leaveFullScreenWaitMs);
    expect(quick.page.isMinimized()).toBe(false);
  });

  it('the lock surface still fills the window as the content size changes with full screen', async () => {
    const { page } = await macSignIn();
    page.completeFullScreenTransition();
    const surface = page.contentView.children[0];
    expect(surface?.bounds).toMatchObject({ width: 1280, height: 860 });
  });

  it('comes back with app.focus({ steal: true }): neither the restore nor focus() takes the focus from the browser', async () => {
    const { session, page, app } = await macSignIn();
    page.completeFullScreenTransition();
    session.go(states.active('A'));
    expect(app.focusCalls).toEqual([{ steal: true }]);
    expect(page.isFocused()).toBe(true);
    expect(page.isMinimized()).toBe(false);
    expect(page.isKiosk()).toBe(true);
  });

  it('the fake: without the steal, the window comes back behind the browser, unfocused', async () => {
    const { session, page } = await macSignIn({ stealFocus: false });
    page.completeFullScreenTransition();
    session.go(states.active('A'));
    expect(page.isMinimized()).toBe(false);
    expect(page.isFocused()).toBe(false);
    expect(FakeDesktop.foreground).toBe('browser');
  });
});
