// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
// item by item, against the code a ward PC runs: the window factory, the app:// protocol, the
// IPC server, the preload and the system browser adapter, each on the fake Electron.
// Not here, because code cannot show them: 16 "Use a current version of Electron" (a release
// check: Electron supports its latest three majors, which needs the network to know).
// Electronegativity (electronegativity.test.ts) scans the same sources for the same items.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appContentSecurityPolicy,
  appScheme,
  appStartUrl,
  createRendererHandler,
  registerAppScheme,
} from '../../main/adapters/app-protocol';
import { createSystemBrowser } from '../../main/adapters/system-browser';
import { hardenEveryWebContents } from '../../main/adapters/lockdown';
import { activityChannel, invokeChannelNames, methodChannels, viewChannel } from '../../preload/contract';
import { FakeEmitter, FakeFrame, FakeProtocol, FakeShell, FakeWebContents, fakeEvent } from '../adapters/fake-electron';
import { endpoint, refusedAddresses, signInPage } from '../adapters/open-external-cases';
import { openShellWindow, serveIpc } from '../adapters/shell-fixtures';
import { readRawConfig } from '../packaging/builder-config';

const repoRoot = path.resolve(import.meta.dirname, '../..');

// The preload runs against this fake 'electron': it records what the preload exposes and hands it
// an ipcRenderer whose every member is a spy, so a leak of any of them is detectable.
const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const ipcRenderer = {
    invoke: vi.fn(() => Promise.resolve({ ok: true, value: null })),
    send: vi.fn(),
    sendSync: vi.fn(),
    postMessage: vi.fn(),
    on: vi.fn(),
    once: vi.fn(),
    removeListener: vi.fn(),
    removeAllListeners: vi.fn(),
  };
  return { exposed, ipcRenderer };
});
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: electron.ipcRenderer,
}));

/** CSP directive name → its sources. */
function directives(policy: string): Map<string, string[]> {
  const parsed = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0] !== '');
  return new Map(parsed.map(([name, ...sources]) => [name!.toLowerCase(), sources]));
}

const metaPolicy = (): string => {
  const html = readFileSync(path.join(repoRoot, 'renderer/index.html'), 'utf8');
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!match?.[1]) throw new Error('renderer/index.html has no Content-Security-Policy meta tag.');
  return match[1];
};

async function headerPolicy(): Promise<string> {
  const handler = createRendererHandler('/app/dist/renderer', () =>
    Promise.resolve(new TextEncoder().encode('<!doctype html>')),
  );
  const policy = (await handler(new Request(appStartUrl))).headers.get('content-security-policy');
  if (policy === null) throw new Error('The app:// handler served the page without a Content-Security-Policy header.');
  return policy;
}

const preferences = () => openShellWindow().win.options.webPreferences ?? {};
/** Main's lock surface over every shell page (main/adapters/lock-surface.ts): a web page too. */
const surfacePreferences = () => openShellWindow().surface.options.webPreferences ?? {};

describe('Electron security checklist', () => {
  it('1. Only load secure content: the start page is on the app:// scheme, registered as secure', () => {
    const { contents } = openShellWindow({ startUrl: appStartUrl });
    expect(contents.loadedUrls).toEqual(['app://shell/index.html']);
    const protocol = new FakeProtocol();
    registerAppScheme(protocol as never);
    expect(protocol.privileged).toEqual([
      expect.objectContaining({
        scheme: appScheme,
        privileges: expect.objectContaining({ secure: true, standard: true }),
      }),
    ]);
  });

  it('2. Do not enable Node.js integration: not in the page, its workers or its sub-frames, nor in the lock surface', () => {
    for (const prefs of [preferences(), surfacePreferences()])
      expect(prefs).toMatchObject({
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
      });
  });

  it('3. Enable context isolation (the page and the lock surface)', () => {
    for (const prefs of [preferences(), surfacePreferences()]) expect(prefs.contextIsolation).toBe(true);
  });

  it('4. Enable process sandboxing (the page and the lock surface)', () => {
    for (const prefs of [preferences(), surfacePreferences()]) expect(prefs.sandbox).toBe(true);
  });

  it('5. Handle session permission requests: every request and check is denied', () => {
    const { contents } = openShellWindow();
    const { permissionRequestHandler, permissionCheckHandler } = contents.session;
    if (permissionRequestHandler === null || permissionCheckHandler === null)
      throw new Error('The window set no permission handlers.');
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
    ]) {
      const callback = vi.fn();
      permissionRequestHandler(contents, permission, callback, {});
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
      expect(permissionCheckHandler(contents, permission, 'app://shell', {}), permission).toBe(false);
    }
  });

  it('6. Do not disable webSecurity', () => {
    expect(preferences().webSecurity).toBe(true);
  });

  it("7. Define a Content Security Policy: script-src 'self', nothing inline or eval'd, in the header and the meta tag", async () => {
    const header = await headerPolicy();
    expect(header).toBe(appContentSecurityPolicy);
    for (const [where, policy] of [
      ['header', header],
      ['meta tag', metaPolicy()],
    ] as const) {
      const csp = directives(policy);
      expect(csp.get('script-src'), where).toEqual(["'self'"]);
      expect(csp.get('default-src'), where).toEqual(["'self'"]);
      expect(csp.get('object-src'), where).toEqual(["'none'"]);
      expect(csp.get('base-uri'), where).toEqual(["'none'"]);
      expect(
        [...csp.values()].flat().filter((source) => /'unsafe-|^\*$|^https?:$/.test(source)),
        where,
      ).toEqual([]);
      // data: only for images (the favicon placeholder), never for scripts or frames.
      expect(
        [...csp].filter(([, sources]) => sources.includes('data:')).map(([name]) => name),
        where,
      ).toEqual(['img-src']);
    }
    expect(directives(header).get('frame-ancestors')).toEqual(["'none'"]);
    // Production allows only what production uses: no WebSocket (the harness adds its own).
    expect(directives(metaPolicy()).get('connect-src')).toEqual(["'self'"]);
    expect(header).not.toMatch(/\bwss?:/);
  });

  it('8. Do not enable allowRunningInsecureContent', () => {
    expect(preferences().allowRunningInsecureContent).toBe(false);
  });

  it('9. Do not enable experimental features', () => {
    expect(preferences().experimentalFeatures).toBe(false);
  });

  it('10. Do not use enableBlinkFeatures', () => {
    expect(preferences()).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11. <webview>: Do not use allowpopups — the webview tag is off altogether', () => {
    expect(preferences().webviewTag).toBe(false);
  });

  it('12. <webview>: Verify options and params — every webview attach is refused, in any web contents', () => {
    const { contents } = openShellWindow();
    const app = new FakeEmitter();
    hardenEveryWebContents(app as never);
    const other = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), other);
    for (const wc of [contents, other]) {
      const event = fakeEvent();
      wc.emit('will-attach-webview', event, {}, {});
      expect(event.defaultPrevented).toBe(true);
    }
  });

  it('13. Disable or limit navigation: every navigation, redirect and frame navigation is refused', () => {
    const { contents } = openShellWindow();
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const event = fakeEvent();
      contents.emit(name, event, { url: 'https://attacker.example/' });
      expect(event.defaultPrevented, name).toBe(true);
    }
  });

  it('14. Disable or limit creation of new windows: every window.open is denied', () => {
    const { contents } = openShellWindow();
    for (const url of ['https://attacker.example/', 'app://shell/index.html', 'file:///C:/']) {
      expect(contents.windowOpenHandler?.({ url } as never)).toEqual({ action: 'deny' });
    }
  });

  it('15. Do not use shell.openExternal with untrusted content: only the CIS2 authorization endpoint opens', async () => {
    const shell = new FakeShell();
    const browser = createSystemBrowser(shell);
    for (const [, address] of refusedAddresses)
      await expect(browser.open(new URL(address), endpoint)).rejects.toMatchObject({ code: 'SIGNIN_BROWSER_FAILED' });
    await browser.open(signInPage, endpoint);
    expect(shell.opened).toEqual([signInPage.href]);
  });

  describe('17. Validate the sender of all IPC messages', () => {
    const foreignSenders = () => {
      const { ipcMain, win, backend, own } = serveIpc();
      const other = new FakeWebContents();
      const navigatedAway = Object.assign(new FakeFrame('https://attacker.example/'), {
        frameToken: own.senderFrame.frameToken,
      });
      return {
        ipcMain,
        backend,
        own,
        senders: {
          'another web contents': { sender: other, senderFrame: other.mainFrame },
          'a sub-frame of the window': {
            sender: win.webContents,
            senderFrame: win.webContents.mainFrame.child('app://shell/index.html'),
          },
          'the window after navigating elsewhere': { sender: win.webContents, senderFrame: navigatedAway },
          'no frame': { sender: win.webContents, senderFrame: null },
        },
      };
    };

    it('handles exactly the contract channels, and listens only for activity', () => {
      const { ipcMain } = serveIpc();
      expect([...ipcMain.handlers.keys()].sort()).toEqual([...invokeChannelNames].sort());
      expect([...ipcMain.listeners.entries()].filter(([, l]) => l.length > 0).map(([channel]) => channel)).toEqual([
        activityChannel,
      ]);
    });

    it.each([...invokeChannelNames])(
      'refuses %s from every foreign sender, reaching no backend method',
      async (channel) => {
        const { ipcMain, backend, senders } = foreignSenders();
        for (const [who, from] of Object.entries(senders)) {
          expect(
            await ipcMain.invoke(channel, from as never, { id: 'd', patient: '', text: '', updatedAt: 0 }),
            who,
          ).toEqual({ ok: false, code: 'wrong-sender' });
        }
        for (const [method, spy] of Object.entries(backend))
          if (method !== 'subscribe') expect(spy, method).not.toHaveBeenCalled();
      },
    );

    it(`ignores ${activityChannel} from every foreign sender`, () => {
      const { ipcMain, backend, senders, own } = foreignSenders();
      for (const from of Object.values(senders)) ipcMain.emit(activityChannel, from);
      expect(backend.reportActivity).not.toHaveBeenCalled();
      ipcMain.emit(activityChannel, own);
      expect(backend.reportActivity).toHaveBeenCalledTimes(1);
    });
  });

  it('18. Avoid the file:// protocol: the renderer is served on app://, and the app:// handler serves nothing else', async () => {
    expect(new URL(appStartUrl).protocol).toBe(`${appScheme}:`);
    const handler = createRendererHandler('/app/dist/renderer', () => Promise.resolve(new Uint8Array()));
    for (const url of ['file:///app/dist/renderer/index.html', 'app://elsewhere/index.html']) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
  });

  it('19. Check which fuses you can change: the packaged exe has them flipped (electron-builder.yml)', async () => {
    expect((await readRawConfig()).electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  describe('20. Do not expose Electron APIs to untrusted web content', () => {
    let api: Record<string, unknown>;
    beforeAll(async () => {
      await import('../../preload/index');
      api = electron.exposed.get('shell') as Record<string, unknown>;
    });

    it('exposes one object, window.shell, with only the ShellApi methods', () => {
      expect([...electron.exposed.keys()]).toEqual(['shell']);
      expect(Object.keys(api).sort()).toEqual([...Object.keys(methodChannels), 'onView', 'reportActivity'].sort());
      expect(
        Object.keys(api).filter((name) => /ipc|send|invoke|^on$|^once$|listener|require|process|electron/i.test(name)),
      ).toEqual([]);
    });

    it('hands out no ipcRenderer and none of its functions, only functions of its own', () => {
      const leaked = new Set<unknown>([electron.ipcRenderer, ...Object.values(electron.ipcRenderer)]);
      for (const [name, value] of Object.entries(api)) {
        expect(typeof value, name).toBe('function');
        expect(leaked.has(value), name).toBe(false);
      }
    });

    it('sends only on contract channels, whatever the renderer passes', async () => {
      for (const [name, value] of Object.entries(api)) {
        if (name === 'onView') (value as (l: () => void) => () => void)(() => undefined)();
        else await (value as (...args: unknown[]) => unknown)('attacker:channel', 'extra');
      }
      const { invoke, send, sendSync, postMessage, on, removeListener } = electron.ipcRenderer;
      expect(new Set(invoke.mock.calls.map((c: unknown[]) => c[0]))).toEqual(new Set(invokeChannelNames));
      expect(send.mock.calls).toEqual([[activityChannel]]);
      expect(sendSync).not.toHaveBeenCalled();
      expect(postMessage).not.toHaveBeenCalled();
      expect([...on.mock.calls, ...removeListener.mock.calls].map((c: unknown[]) => c[0])).toEqual([
        viewChannel,
        viewChannel,
      ]);
    });
  });
});
