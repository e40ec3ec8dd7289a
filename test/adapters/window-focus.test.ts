// Issue 15, item 4: in kiosk the sign-in page opens behind the full-screen shell, and a focus()
// from a background process only flashes the taskbar. The real window factory, lock guard,
// system browser adapter and sign-in focus on the fake Electron, whose desktop model follows
// Windows' foreground rules (see FakeDesktop).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLockGuard } from '../../main/adapters/lock-guard';
import { createSystemBrowser } from '../../main/adapters/system-browser';
import { bringToFront, createSignInFocus } from '../../main/adapters/window-focus';
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
function startShell(options: { kiosk: boolean; initial?: SessionState }) {
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
    platform: 'win32',
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
