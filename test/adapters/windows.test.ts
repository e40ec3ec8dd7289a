import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  lockSurfaceColor,
  lockSurfaceContentSecurityPolicy,
  lockSurfaceFailedHtml,
  lockSurfaceFailedUrl,
  lockSurfaceHtml,
  lockSurfacePartition,
  lockSurfaceUrl,
} from '../../main/adapters/lock-surface';
import { hardenEveryWebContents } from '../../main/adapters/lockdown';
import { crashDecision, maxReloadsPerWindow } from '../../main/adapters/renderer-recovery';
import { shellWebPreferences, shellWindowOptions } from '../../main/adapters/windows';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeEmitter,
  FakeWebContents,
  FakeWebContentsView,
  fakeEvent,
  resetFakeElectron,
} from './fake-electron';
import type { FakeSession } from './fake-electron';
import { openShellWindow } from './shell-fixtures';

const open = openShellWindow;

beforeEach(() => {
  resetFakeElectron();
});

afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

describe('createShellWindow', () => {
  it('sets every security-relevant web preference', () => {
    const { win, shell } = open();
    expect(shell.partition).toMatch(/^shell-/);
    expect(win.options.webPreferences).toEqual({
      preload: '/app/dist/preload/index.cjs',
      partition: shell.partition,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      enableWebSQL: false,
      devTools: false,
    });
    expect(win.webContents.loadedUrls).toEqual(['app://shell/index.html']);
  });

  it('allows devtools only in a development, non-kiosk window', () => {
    expect(shellWebPreferences({ kiosk: false, production: false, preloadPath: 'p', partition: 's' }).devTools).toBe(
      true,
    );
    expect(shellWebPreferences({ kiosk: true, production: false, preloadPath: 'p', partition: 's' }).devTools).toBe(
      false,
    );
    expect(shellWebPreferences({ kiosk: false, production: true, preloadPath: 'p', partition: 's' }).devTools).toBe(
      false,
    );
  });

  it('makes a full-screen kiosk window with no menu in kiosk mode', () => {
    const { win, menu } = open({ kiosk: true, production: false });
    expect(win.options).toMatchObject({ kiosk: true, fullscreen: true, autoHideMenuBar: true });
    expect(menu.applicationMenuCalls).toEqual([null]);
  });

  it('removes the menu in production and keeps it in development', () => {
    expect(open({ production: true, platform: 'win32' }).menu.applicationMenuCalls).toEqual([null]);
    expect(open({ production: true, platform: 'linux' }).menu.applicationMenuCalls).toEqual([null]);
    expect(open({ production: false }).menu.applicationMenuCalls).toEqual([]);
  });

  it.each([
    ['production', { production: true, kiosk: false }],
    ['kiosk', { production: false, kiosk: true }],
  ])(
    'on macOS in %s keeps only the app and Edit menus: copy, paste, undo and quit work, reload and devtools do not exist',
    (_name, mode) => {
      const { menu } = open({ ...mode, platform: 'darwin' });
      expect(menu.applicationMenuCalls).toEqual([{ items: [{ role: 'appMenu' }, { role: 'editMenu' }] }]);
    },
  );

  it('passes fullscreen only when it is true: an explicit false makes a macOS window un-fullscreenable', () => {
    const options = shellWindowOptions({ kiosk: false, production: true, preloadPath: 'p', partition: 's' });
    expect(options).not.toHaveProperty('fullscreen');
    expect(options).not.toHaveProperty('kiosk');
    new FakeApp('darwin').becomeReady();
    expect(open({ kiosk: false, platform: 'darwin' }).win.isFullScreenable()).toBe(true);
    expect(open({ kiosk: true, platform: 'darwin' }).win.isFullScreen()).toBe(true);
  });

  it('kiosk: refuses a close (Alt+F4) and reports it, so the session can lock; lets it close once the shell is quitting', () => {
    const onCloseRefused = vi.fn();
    let quitting = false;
    const { win } = open({ kiosk: true, onCloseRefused, quitting: () => quitting });
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(onCloseRefused).toHaveBeenCalledTimes(1);
    quitting = true;
    win.close();
    expect(win.isDestroyed()).toBe(true);
    expect(onCloseRefused).toHaveBeenCalledTimes(1);
  });

  it('outside kiosk a close is not refused', () => {
    const onCloseRefused = vi.fn();
    const { win } = open({ kiosk: false, onCloseRefused });
    win.close();
    expect(win.isDestroyed()).toBe(true);
    expect(onCloseRefused).not.toHaveBeenCalled();
  });

  it('prevents navigation, redirects, frame navigation and webviews', () => {
    const { contents } = open();
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview']) {
      const event = fakeEvent();
      contents.emit(name, event, {});
      expect(event.defaultPrevented, name).toBe(true);
    }
  });

  it('denies every new window', () => {
    const { contents } = open();
    expect(contents.windowOpenHandler?.({ url: 'https://example.org' } as never)).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check, and every download', () => {
    const { contents } = open();
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      contents.session.permissionRequestHandler?.(contents, permission, (g) => granted.push(g), {});
      expect(contents.session.permissionCheckHandler?.(contents, permission, 'app://shell', {})).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false, false]);
    const download = fakeEvent();
    contents.session.emit('will-download', download, {}, contents);
    expect(download.defaultPrevented).toBe(true);
  });

  it('closes devtools if they open in production', () => {
    const { contents } = open({ production: true });
    contents.emit('devtools-opened');
    expect(contents.devToolsClosed).toBe(1);
  });

  it("passes Windows' query-session-end and session-end (shutdown, restart, sign-out, MSI upgrade) to the shutdown hooks", () => {
    const onOsQueryEndSession = vi.fn((event: { preventDefault(): void }) => event.preventDefault());
    const onOsSessionEnd = vi.fn();
    const app = new FakeApp('win32');
    app.becomeReady();
    open({ onOsQueryEndSession, onOsSessionEnd });
    expect(app.windowsEndsSession(['logoff']).waiting).toBe(true);
    expect(onOsQueryEndSession).toHaveBeenCalledWith(expect.objectContaining({ reasons: ['logoff'] }));
    expect(onOsSessionEnd).not.toHaveBeenCalled();
    app.endSession(['logoff']);
    expect(onOsSessionEnd).toHaveBeenCalledWith(expect.objectContaining({ reasons: ['logoff'] }));
    expect(app.terminated).toBe(true);
  });

  it('is made only after ready: before it, Electron throws, and so does the fake', () => {
    new FakeApp('win32');
    expect(() => open()).toThrow('Cannot create BrowserWindow before app is ready');
  });

  it('shows the window only when ready', () => {
    const { win } = open();
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
});

describe('render-process-gone', () => {
  it('locks the session first, then reloads', async () => {
    const { contents, beforeRendererReload } = open();
    const order: string[] = [];
    beforeRendererReload.mockImplementation(() => {
      order.push('lock');
      expect(contents.reloads).toBe(0);
    });
    contents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 1 });
    await vi.waitFor(() => expect(contents.reloads).toBe(1));
    expect(order).toEqual(['lock']);
  });

  it('does not reload if locking failed, and reports it', async () => {
    const { contents, beforeRendererReload, onError } = open();
    beforeRendererReload.mockRejectedValue(new Error('engine unavailable'));
    contents.emit('render-process-gone', fakeEvent(), { reason: 'oom', exitCode: 1 });
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith('renderer-reload-lock-failed'));
    expect(contents.reloads).toBe(0);
  });

  it('does not reload a destroyed window', async () => {
    const { win, contents, beforeRendererReload } = open();
    win.destroyed = true;
    contents.emit('render-process-gone', fakeEvent(), { reason: 'killed', exitCode: 1 });
    await vi.waitFor(() => expect(beforeRendererReload).toHaveBeenCalled());
    await Promise.resolve();
    expect(contents.reloads).toBe(0);
  });

  it('stops reloading a renderer that keeps crashing', () => {
    let crashes: number[] = [];
    const decisions: boolean[] = [];
    for (let i = 0; i <= maxReloadsPerWindow; i += 1) {
      const d = crashDecision(crashes, 1_000 + i);
      crashes = d.crashes;
      decisions.push(d.reload);
    }
    expect(decisions).toEqual([...Array<boolean>(maxReloadsPerWindow).fill(true), false]);
    expect(crashDecision(crashes, 10_000_000).reload).toBe(true);
  });
});

describe('hardenEveryWebContents', () => {
  it('stops navigation, webviews and new windows in web contents made elsewhere', () => {
    const app = new FakeEmitter();
    hardenEveryWebContents(app as never);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), contents);
    for (const name of ['will-navigate', 'will-attach-webview']) {
      const event = fakeEvent();
      contents.emit(name, event, {});
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.org' } as never)).toEqual({ action: 'deny' });
  });
});

describe("main's lock surface", () => {
  it('is a static page over the shell page: no preload, no script, its own in-memory partition, locked down', () => {
    const { win, surface } = open();
    expect(win.contentView.children).toEqual([surface]);
    expect(surface.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      devTools: false,
      partition: lockSurfacePartition,
    });
    expect(surface.options.webPreferences).not.toHaveProperty('preload');
    expect(lockSurfacePartition).not.toMatch(/^persist:/);
    expect(surface.webContents.loadedUrls).toEqual([lockSurfaceUrl]);
    expect(decodeURIComponent(lockSurfaceUrl.slice(lockSurfaceUrl.indexOf(',') + 1))).toBe(lockSurfaceHtml);
    expect(lockSurfaceContentSecurityPolicy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    // Opaque, so nothing of the page shows through before or instead of the surface's own paint.
    expect(surface.backgroundColor).toBe(lockSurfaceColor);
    expect(lockSurfaceColor).toMatch(/^#[0-9a-f]{6}$/);
    const { webContents: cover } = surface;
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview']) {
      const event = fakeEvent();
      cover.emit(name, event, {});
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(cover.windowOpenHandler?.({ url: 'https://example.org' } as never)).toEqual({ action: 'deny' });
    expect(cover.session.permissionCheckHandler?.(cover, 'media', 'null', {})).toBe(false);
  });

  it('covers the page from the start, and comes down only once the page has finished loading', () => {
    const { shell, win, contents, surface } = open();
    expect(win.onScreen()).toBe(surface);
    shell.setCovered(false);
    expect(win.onScreen()).toBe(surface);
    contents.finishLoad();
    expect(shell.pageReady()).toBe(true);
    shell.setCovered(false);
    expect(win.onScreen()).toBe('page');
    shell.setCovered(true);
    expect(win.onScreen()).toBe(surface);
  });

  it('goes back on top of any view added since', () => {
    const { shell, win, contents, surface } = open();
    contents.finishLoad();
    shell.setCovered(false);
    const other = new FakeWebContentsView();
    other.webContents.loadURL('app://shell/other').catch(() => undefined);
    win.contentView.addChildView(other);
    const [width = 0, height = 0] = win.getContentSize();
    other.setBounds({ x: 0, y: 0, width, height });
    expect(win.onScreen()).toBe(other);
    shell.setCovered(true);
    expect(win.onScreen()).toBe(surface);
  });

  it('keeps filling the window when it is resized while up (kiosk and full screen included)', () => {
    const { win, surface } = open({ kiosk: true });
    expect(win.onScreen()).toBe(surface);
    // 'resize': "Emitted after the window has been resized" (electron.d.ts, BaseWindow).
    Object.assign(win.options, { width: 1920, height: 1080 });
    win.emit('resize');
    expect(win.onScreen()).toBe(surface);
    expect(surface.getBounds()).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
  });

  it('keeps every key from a covered page', () => {
    const { shell, contents } = open();
    expect(contents.press({ key: 'a' })).toBe(false);
    contents.finishLoad();
    shell.setCovered(false);
    expect(contents.press({ key: 'a' })).toBe(true);
  });

  it('stays up over a page that failed to load, and reports it (not a load replaced by a restart)', () => {
    const { shell, win, contents, surface, onError } = open();
    contents.failLoad(-3);
    expect(onError).not.toHaveBeenCalled();
    contents.failLoad(-6);
    expect(onError).toHaveBeenCalledWith('renderer-load-failed');
    shell.setCovered(false);
    expect(win.onScreen()).toBe(surface);
  });

  it('when the page cannot load, the window shows a visible "could not start, tell IT", not a blank window', async () => {
    const { win, contents, surface, onError } = open();
    expect(win.shown).toBe(false);
    contents.failLoad(-6); // e.g. dist/renderer missing from a damaged installation
    await Promise.resolve();
    expect(win.isVisible()).toBe(true);
    expect(win.onScreen()).toBe(surface);
    expect(surface.webContents.loadedUrls.at(-1)).toBe(lockSurfaceFailedUrl);
    expect(decodeURIComponent(lockSurfaceFailedUrl.slice(lockSurfaceFailedUrl.indexOf(',') + 1))).toBe(
      lockSurfaceFailedHtml,
    );
    expect(lockSurfaceFailedHtml).toContain('Tell IT');
    expect(onError.mock.calls).toEqual([['renderer-load-failed']]); // once, though Electron reports it twice (event and promise)
  });

  it('a load that rejects without a did-fail-load (the contents went away) is not taken for a damaged installation', async () => {
    const { win, contents, surface } = open();
    win.destroy();
    await Promise.resolve();
    expect(contents.isDestroyed()).toBe(true);
    expect(surface.webContents.loadedUrls).toEqual([lockSurfaceUrl]);
  });

  it('after a failure, the next document the page starts puts "please wait" back for the next lock', () => {
    const { shell, contents, surface } = open();
    contents.failLoad(-6);
    shell.restartPage();
    expect(surface.webContents.loadedUrls.at(-1)).toBe(lockSurfaceUrl);
  });

  it('is closed with its window (a view outlives its window otherwise)', () => {
    const { win, surface } = open();
    win.destroy();
    expect(surface.webContents.isDestroyed()).toBe(true);
  });
});

describe('the page on its own partition', () => {
  it("serves app:// on the window's own session before the page loads", () => {
    const seen: number[] = [];
    const { contents, shell } = open({
      serve: (session) => {
        seen.push(FakeBrowserWindow.created.at(-1)!.webContents.loadedUrls.length);
        (session as unknown as FakeSession).protocol.handle('app', () => new Response(null));
        return () => (session as unknown as FakeSession).protocol.unhandle('app');
      },
    });
    expect(seen).toEqual([0]);
    expect(contents.session.partition).toBe(shell.partition);
    expect(contents.session.protocol.handlers.has('app')).toBe(true);
  });

  it('destroy(): the window goes without a say for the page, then the session is emptied and stops serving', async () => {
    const { shell, win, contents, surface } = open();
    const session = contents.session;
    await shell.destroy();
    expect(win.isDestroyed()).toBe(true);
    expect(surface.webContents.isDestroyed()).toBe(true);
    expect(session.protocol.handlers.has('app')).toBe(false);
    expect([session.storageCleared, session.cacheCleared]).toEqual([1, 1]);
  });
});

describe('unresponsive', () => {
  it('covers at once, locks the session, then kills the renderer; the crash path reloads it locked', async () => {
    vi.useFakeTimers();
    const { shell, win, contents, surface, beforeRendererReload } = open();
    contents.finishLoad();
    shell.setCovered(false);
    const order: string[] = [];
    beforeRendererReload.mockImplementation(() => void order.push(`lock (renderer ${contents.process})`));
    const kill = contents.forcefullyCrashRenderer.bind(contents);
    contents.forcefullyCrashRenderer = () => {
      order.push('kill');
      kill();
    };
    const starts: number[] = [];
    shell.onPageStart(() => starts.push(contents.reloads));

    contents.hang();
    expect(win.onScreen()).toBe(surface);
    expect(shell.pageReady()).toBe(false);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);

    expect(order).toEqual(['lock (renderer alive)', 'kill', 'lock (renderer gone)']);
    expect(contents.reloads).toBe(1);
    expect(starts).toEqual([0]);
    // Still covered until the reloaded page has finished loading.
    shell.setCovered(false);
    expect(win.onScreen()).toBe(surface);
    contents.finishLoad();
    shell.setCovered(false);
    expect(win.onScreen()).toBe('page');
  });

  it('kills a hung page even if locking fails, and then does not reload it', async () => {
    vi.useFakeTimers();
    const { contents, win, surface, beforeRendererReload, onError } = open();
    contents.finishLoad();
    beforeRendererReload.mockRejectedValue(new Error('engine unavailable'));
    contents.hang();
    await vi.advanceTimersByTimeAsync(10);
    expect(contents.crashRequests).toBe(1);
    expect(contents.reloads).toBe(0);
    expect(onError).toHaveBeenCalledWith('renderer-unresponsive-lock-failed');
    expect(onError).toHaveBeenCalledWith('renderer-reload-lock-failed');
    expect(win.onScreen()).toBe(surface);
  });
});

describe('restartPage', () => {
  it('reloads the document at once without killing the renderer (a kill asks Windows and macOS for a crash dump of it), so it never hits the crash cap', async () => {
    vi.useFakeTimers();
    const { shell, win, contents, surface, beforeRendererReload, onError } = open();
    for (let i = 1; i <= maxReloadsPerWindow + 2; i += 1) {
      contents.finishLoad();
      shell.setCovered(false);
      shell.restartPage();
      expect(win.onScreen()).toBe(surface);
      expect([contents.crashRequests, contents.reloads]).toEqual([0, i]);
      await vi.advanceTimersByTimeAsync(10);
      expect(contents.reloads).toBe(i);
    }
    expect(beforeRendererReload).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });

  it('reloads a page whose renderer is already gone without waiting for an event that will not come', async () => {
    vi.useFakeTimers();
    const { shell, contents } = open();
    contents.process = 'gone';
    shell.restartPage();
    expect(contents.reloads).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    // A later genuine crash is handled as one (locked, then reloaded).
    contents.finishLoad();
    contents.crash();
    await vi.advanceTimersByTimeAsync(10);
    expect(contents.reloads).toBe(2);
  });
});

describe('page listeners', () => {
  it('each page start and finished load reaches every listener, in the order they were added', () => {
    const { shell, contents } = open();
    const heard: string[] = [];
    shell.onPageStart(() => heard.push('start 1'));
    shell.onPageStart(() => heard.push('start 2'));
    shell.onPageReady(() => heard.push('ready 1'));
    shell.onPageReady(() => heard.push('ready 2'));
    contents.finishLoad();
    shell.restartPage();
    expect(heard).toEqual(['ready 1', 'ready 2', 'start 1', 'start 2']);
  });

  it('a listener that throws reaches the caller and stops the listeners after it (as before the shared emitter)', () => {
    const { shell, contents } = open();
    const heard: string[] = [];
    shell.onPageStart(() => {
      throw new Error('listener failed');
    });
    shell.onPageStart(() => heard.push('after'));
    expect(() => shell.restartPage()).toThrow('listener failed');
    expect(heard).toEqual([]);
    // The page was covered before the listeners ran, and the reload did not happen.
    expect(shell.isCovered()).toBe(true);
    expect(contents.reloads).toBe(0);
  });
});

describe("the lock surface's own renderer dying (issue 24)", () => {
  it.each([['win32'], ['darwin']] as const)(
    '%s: the page is hidden (the window made transparent), the session locked, and the window counts as uncovered until the surface paints again',
    async (platform) => {
      new FakeApp(platform).becomeReady();
      const { shell, win, contents, surface, beforeRendererReload, onError } = open({ platform });
      contents.finishLoad();
      shell.setCovered(false);
      expect(win.onScreen()).toBe('page');

      surface.webContents.crash();
      // The page's view is out of reach: nothing of the window shows.
      expect(win.onScreen()).toBe('hidden');
      expect(shell.isCovered()).toBe(false);
      // The page gets no keystrokes, and the session is locked.
      expect(contents.press({ key: 'a' })).toBe(false);
      await Promise.resolve();
      expect(beforeRendererReload).toHaveBeenCalledTimes(1);
      expect(onError).toHaveBeenCalledWith('lock-surface-gone');

      // The surface reloaded; the window comes back, covered, only when it has painted.
      surface.webContents.finishLoad();
      expect(win.getOpacity()).toBe(1);
      expect(shell.isCovered()).toBe(true);
      expect(win.onScreen()).toBe(surface);
    },
  );

  it('linux (no setOpacity): the window is hidden, and shown again without taking the focus', () => {
    new FakeApp('linux').becomeReady();
    const { shell, win, contents, surface } = open({ platform: 'linux' });
    win.show();
    contents.finishLoad();
    shell.setCovered(false);
    surface.webContents.crash();
    expect(win.onScreen()).toBe('hidden');
    expect(win.isVisible()).toBe(false);
    const focus = vi.fn();
    win.on('focus', focus);
    surface.webContents.finishLoad();
    expect(win.isVisible()).toBe(true);
    expect(focus).not.toHaveBeenCalled();
    expect(win.onScreen()).toBe(surface);
  });

  it('a hung surface takes the same path', async () => {
    vi.useFakeTimers();
    new FakeApp('win32').becomeReady();
    const { shell, win, surface, beforeRendererReload } = open({ platform: 'win32' });
    surface.webContents.hang();
    expect(win.onScreen()).toBe('hidden');
    expect(shell.isCovered()).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(beforeRendererReload).toHaveBeenCalledTimes(1);
    surface.webContents.finishLoad();
    expect(shell.isCovered()).toBe(true);
  });
});
