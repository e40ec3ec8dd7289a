import { beforeEach, describe, expect, it, vi } from 'vitest';
import { crashDecision, hardenEveryWebContents, maxReloadsPerWindow, shellWebPreferences } from '../../main/adapters/windows';
import { FakeBrowserWindow, FakeEmitter, FakeWebContents, fakeEvent } from './fake-electron';
import { openShellWindow } from './shell-fixtures';

const open = openShellWindow;

beforeEach(() => {
  FakeBrowserWindow.created = [];
});

describe('createShellWindow', () => {
  it('sets every security-relevant web preference', () => {
    const { win } = open();
    expect(win.options.webPreferences).toEqual({
      preload: '/app/dist/preload/index.cjs',
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
    expect(shellWebPreferences({ kiosk: false, production: false, preloadPath: 'p' }).devTools).toBe(true);
    expect(shellWebPreferences({ kiosk: true, production: false, preloadPath: 'p' }).devTools).toBe(false);
    expect(shellWebPreferences({ kiosk: false, production: true, preloadPath: 'p' }).devTools).toBe(false);
  });

  it('makes a full-screen kiosk window with no menu in kiosk mode', () => {
    const { win, menu } = open({ kiosk: true, production: false });
    expect(win.options).toMatchObject({ kiosk: true, fullscreen: true, autoHideMenuBar: true });
    expect(menu.applicationMenuCalls).toEqual([null]);
  });

  it('removes the menu in production and keeps it in development', () => {
    expect(open({ production: true }).menu.applicationMenuCalls).toEqual([null]);
    expect(open({ production: false }).menu.applicationMenuCalls).toEqual([]);
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

  it('passes the Windows session-end (shutdown or log-off) to the shutdown hook', () => {
    const onOsSessionEnd = vi.fn();
    const { win } = open({ onOsSessionEnd });
    win.emit('session-end', { reasons: ['shutdown'] });
    expect(onOsSessionEnd).toHaveBeenCalledTimes(1);
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
