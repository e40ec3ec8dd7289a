// The fake Electron is only worth what it models faithfully: each behaviour the issue-15 tests
// rely on, checked here against what the cited Electron source does (see fake-electron.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeDesktop,
  FakeFrame,
  FakePowerMonitor,
  FakeProtocol,
  FakeSession,
  FakeShell,
  FakeWebContents,
  FakeWebContentsView,
  logindMaxDelayMs,
  resetFakeElectron,
} from './fake-electron';

beforeEach(() => {
  resetFakeElectron();
});
afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

describe('before ready', () => {
  it('throws for windows, views, sessions and the protocol module’s handlers, with Electron’s messages', () => {
    const app = new FakeApp('win32');
    expect(() => new FakeBrowserWindow({})).toThrow(new Error('Cannot create BrowserWindow before app is ready'));
    expect(() => FakeSession.fromPartition('x')).toThrow(
      new TypeError('Session can only be received when app is ready'),
    );
    expect(() => new FakeWebContentsView({})).toThrow(TypeError);
    const protocol = new FakeProtocol({ global: true });
    expect(() => protocol.handle('app', () => new Response(null))).toThrow(
      'Session can only be received when app is ready',
    );
    protocol.registerSchemesAsPrivileged([{ scheme: 'app' }]);
    app.becomeReady();
    expect(() => protocol.registerSchemesAsPrivileged([{ scheme: 'late' }])).toThrow(
      'protocol.registerSchemesAsPrivileged should be called before app is ready',
    );
    expect(() => new FakeBrowserWindow({})).not.toThrow();
    expect(() => protocol.handle('app', () => new Response(null))).not.toThrow();
  });

  it('lets powerMonitor be used: Electron 25 removed that requirement (PR #37937)', () => {
    new FakeApp('win32');
    const pm = new FakePowerMonitor('win32');
    expect(() => pm.on('lock-screen', () => undefined)).not.toThrow();
    expect(pm.getSystemIdleTime()).toBe(0);
  });

  it('whenReady resolves at ready', async () => {
    const app = new FakeApp('win32');
    const ready = vi.fn();
    void app.whenReady().then(ready);
    await Promise.resolve();
    expect(ready).not.toHaveBeenCalled();
    app.becomeReady();
    await Promise.resolve();
    expect(ready).toHaveBeenCalled();
  });
});

describe('quitting and exiting (Browser::Quit, Browser::ExitWithCode)', () => {
  it("a prevented 'before-quit' leaves the app not quitting; a window refusing to close cancels a quit", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    const stop = (event: { preventDefault(): void }) => event.preventDefault();
    app.on('before-quit', stop);
    app.quit();
    expect(app.quitting).toBe(false);
    app.removeListener('before-quit', stop);
    win.on('close', stop);
    app.quit();
    expect(app.quitting).toBe(false);
    expect(win.isDestroyed()).toBe(false);
    expect(app.exitCode).toBeNull();
  });

  it("exit destroys windows without 'close' and ends the process; later effects are lost", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    const close = vi.fn();
    win.on('close', close);
    app.exit(3);
    expect(win.isDestroyed()).toBe(true);
    expect(close).not.toHaveBeenCalled();
    expect(app.exitCode).toBe(3);
    expect(app.whileRunning(() => undefined)).toBe(false);
    expect(app.lostAfterEnd).toBe(1);
  });

  it("the last window closing quits the app unless 'window-all-closed' is listened for", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    new FakeBrowserWindow({}).close();
    expect(app.exitCode).toBe(0);
  });
});

describe('Windows ending the session (native_window_views_win.cc)', () => {
  it("ends the process right after the 'session-end' handlers return, even one that started async work", async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    const later = vi.fn();
    win.on('session-end', () => void Promise.resolve().then(() => app.whileRunning(later)));
    app.windowsEndsSession(['shutdown']);
    expect(app.terminated).toBe(true);
    await Promise.resolve();
    expect(later).not.toHaveBeenCalled();
  });

  it('even when the app is quitting, Windows gives no time after WM_ENDSESSION', () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    win.on('close', (event: { preventDefault(): void }) => event.preventDefault());
    app.quit();
    app.endSession(['logoff']);
    expect(app.terminated).toBe(true);
  });

  it("a prevented 'query-session-end' makes Windows wait; otherwise the session ends at once", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    const wait = (event: { preventDefault(): void }) => event.preventDefault();
    win.on('query-session-end', wait);
    expect(app.windowsEndsSession(['logoff']).waiting).toBe(true);
    expect(app.terminated).toBe(false);
    win.removeListener('query-session-end', wait);
    expect(app.windowsEndsSession(['logoff']).waiting).toBe(false);
    expect(app.terminated).toBe(true);
  });

  it("Restart Manager ('close-app') cancels its shutdown on a veto: nobody waits, the app runs on, the upgrade waits for a reboot", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const win = new FakeBrowserWindow({});
    const ended = vi.fn();
    win.on('query-session-end', (event: { preventDefault(): void }) => event.preventDefault());
    win.on('session-end', ended);
    expect(app.windowsEndsSession(['close-app'])).toMatchObject({ waiting: false, cancelled: true });
    expect(app.restartManagerCancelled).toBe(1);
    // WM_ENDSESSION(FALSE) reaches no handler (native_window_views_win.cc returns early).
    expect(ended).not.toHaveBeenCalled();
    expect(app.running()).toBe(true);
  });

  it('Restart Manager without a veto, and a critical end whatever the answer, end the process at once', () => {
    for (const [reasons, veto] of [
      [['close-app'], false],
      [['critical'], true],
      [['logoff', 'critical'], true],
    ] as const) {
      resetFakeElectron();
      const app = new FakeApp('win32');
      app.becomeReady();
      const win = new FakeBrowserWindow({});
      if (veto) win.on('query-session-end', (event: { preventDefault(): void }) => event.preventDefault());
      expect(app.windowsEndsSession([...reasons])).toMatchObject({ waiting: false, cancelled: false });
      expect(app.terminated).toBe(true);
      expect(app.restartManagerCancelled).toBe(0);
    }
  });
});

describe('powerMonitor shutdown', () => {
  it('is never emitted on Windows', () => {
    const pm = new FakePowerMonitor('win32');
    const listener = vi.fn();
    pm.on('shutdown', listener);
    expect(pm.systemShutdown().emitted).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('Linux: unprevented, the system goes on at once; prevented, it waits for the lock to be released or logind’s limit', () => {
    vi.useFakeTimers();
    const app = new FakeApp('linux');
    const pm = new FakePowerMonitor('linux');
    const listener = (event: { preventDefault(): void }) => event.preventDefault();
    pm.on('shutdown', listener);
    pm.systemShutdown();
    expect(app.terminated).toBe(false);
    vi.advanceTimersByTime(logindMaxDelayMs - 1);
    expect(app.terminated).toBe(false);
    pm.removeListener('shutdown', listener);
    expect(app.terminated).toBe(true);

    const app2 = new FakeApp('linux');
    const pm2 = new FakePowerMonitor('linux');
    pm2.on('shutdown', () => undefined);
    pm2.systemShutdown();
    expect(app2.terminated).toBe(true);

    const app3 = new FakeApp('linux');
    const pm3 = new FakePowerMonitor('linux');
    pm3.on('shutdown', listener);
    pm3.systemShutdown();
    vi.advanceTimersByTime(logindMaxDelayMs);
    expect(app3.terminated).toBe(true);
  });

  it('macOS: unprevented, the system quits the app (before-quit); prevented, the app quits itself', () => {
    const app = new FakeApp('darwin');
    app.becomeReady();
    const beforeQuit = vi.fn();
    app.on('before-quit', beforeQuit);
    const pm = new FakePowerMonitor('darwin');
    pm.systemShutdown();
    expect(beforeQuit).toHaveBeenCalledTimes(1);
  });
});

describe('loads and frames', () => {
  it('loadURL rejects as Electron does: message, errno and code; a newer load aborts it with -3; a closed contents with -2', async () => {
    const contents = new FakeWebContents();
    const failed = contents.loadURL('app://shell/index.html');
    contents.failLoad(-6);
    await expect(failed).rejects.toMatchObject({
      message: "ERR_FILE_NOT_FOUND (-6) loading 'app://shell/index.html'",
      errno: -6,
      code: 'ERR_FILE_NOT_FOUND',
    });
    const replaced = contents.loadURL('app://shell/index.html');
    contents.reload();
    await expect(replaced).rejects.toMatchObject({ errno: -3, code: 'ERR_ABORTED' });
    const closed = contents.loadURL('app://shell/index.html');
    contents.close();
    await expect(closed).rejects.toMatchObject({ errno: -2, code: 'ERR_FAILED' });
  });

  it('a disposed frame throws from url, origin, frameToken, processId and parent, but not from detached', () => {
    const frame = new FakeFrame('app://shell/index.html');
    frame.dispose();
    for (const getter of ['url', 'origin', 'frameToken', 'processId', 'parent'] as const) {
      expect(() => frame[getter], getter).toThrow('Render frame was disposed before WebFrameMain could be accessed');
    }
    expect(frame.detached).toBe(false);
  });

  it('a destroyed web contents throws "Object has been destroyed" from mainFrame, send and a second close', () => {
    const contents = new FakeWebContents();
    contents.close();
    expect(() => contents.mainFrame).toThrow('Object has been destroyed');
    expect(() => contents.send('x')).toThrow('Object has been destroyed');
    expect(() => contents.close()).toThrow('Object has been destroyed');
  });
});

describe('the desktop', () => {
  it('the system browser opens behind a visible full-screen shell window, in front of anything else', async () => {
    const kiosk = new FakeBrowserWindow({ kiosk: true });
    kiosk.show();
    await new FakeShell().openExternal('https://example.org/');
    expect(FakeDesktop.browserSeen()).toBe(false);
    FakeDesktop.reset();
    kiosk.destroy();
    const normal = new FakeBrowserWindow({});
    normal.show();
    await new FakeShell().openExternal('https://example.org/');
    expect(FakeDesktop.browserSeen()).toBe(true);
    expect(normal.isFocused()).toBe(false);
  });

  it('focus on a hidden window does nothing; a minimised window is not visible', () => {
    const win = new FakeBrowserWindow({});
    win.focus();
    expect(win.isFocused()).toBe(false);
    win.show();
    win.minimize();
    expect(win.isVisible()).toBe(false);
  });
});
