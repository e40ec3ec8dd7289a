/**
 * The shell's window and IPC server built on the fake Electron, as the composition root builds
 * them. Shared by the adapter tests and the security checklist, so both check the same wiring.
 */
import { vi } from 'vitest';
import { serveRenderer } from '../../main/adapters/app-protocol';
import { registerIpc } from '../../main/adapters/ipc-server';
import type { IpcServerDeps } from '../../main/adapters/ipc-server';
import { createShellWindow } from '../../main/adapters/windows';
import type { ShellWindowOptions, WindowDeps } from '../../main/adapters/windows';
import type { SessionView, ShellBackend } from '../../preload/contract';
import { FakeBrowserWindow, FakeIpcMain, FakeMenu, FakeWebContentsView } from './fake-electron';

let partitions = 0;

/** The window factory's dependencies, on the fake Electron. */
export function windowDeps(menu = new FakeMenu()): WindowDeps {
  return {
    BrowserWindow: FakeBrowserWindow,
    WebContentsView: FakeWebContentsView,
    Menu: menu,
  } as unknown as WindowDeps;
}

/** The options the composition root passes, with spies for its hooks. */
export function shellWindowOptions(overrides: Partial<ShellWindowOptions> = {}) {
  const beforeRendererReload = vi.fn<ShellWindowOptions['beforeRendererReload']>(() => Promise.resolve());
  const onError = vi.fn<(code: string) => void>();
  const options: ShellWindowOptions = {
    kiosk: false,
    production: true,
    preloadPath: '/app/dist/preload/index.cjs',
    startUrl: 'app://shell/index.html',
    partition: `shell-test-${(partitions += 1)}`,
    // As the composition root does: app:// on the window's own session.
    serve: (session) => serveRenderer(session.protocol, '/app/dist/renderer'),
    beforeRendererReload,
    onError,
    ...overrides,
  };
  return { options, beforeRendererReload, onError };
}

export function openShellWindow(overrides: Partial<ShellWindowOptions> = {}) {
  const menu = new FakeMenu();
  const { options, beforeRendererReload, onError } = shellWindowOptions(overrides);
  const shell = createShellWindow(windowDeps(menu), options);
  const win = shell.window as unknown as FakeBrowserWindow;
  /** Main's lock surface: the view the factory laid over the page. */
  const surface = win.contentView.children[0] as FakeWebContentsView;
  return { shell, win, contents: win.webContents, surface, menu, beforeRendererReload, onError };
}

const clinician = { name: 'Dr Asha Patel', roleName: null, orgName: null, orgCode: null };
export const activeView: SessionView = {
  kind: 'active',
  clinician,
  sessionSecondsLeft: 10,
  sessionEndingSoon: false,
  signingInAgain: null,
  notice: null,
  draftStorage: 'protected',
};

/** A backend whose every method is a spy, so a test can prove a refused request reached none of them. */
export function spyBackend() {
  let listener: ((v: SessionView) => void) | null = null;
  const backend = {
    getView: vi.fn(() => ({ ok: true as const, value: activeView })),
    signIn: vi.fn(() => ({ ok: true as const, value: null })),
    cancelSignIn: vi.fn(() => ({ ok: true as const, value: null })),
    stillHere: vi.fn(() => ({ ok: true as const, value: null })),
    unlock: vi.fn(() => ({ ok: true as const, value: null })),
    signInAsSomeoneElse: vi.fn(() => ({ ok: true as const, value: null })),
    lock: vi.fn(() => ({ ok: true as const, value: null })),
    renewSession: vi.fn(() => ({ ok: true as const, value: null })),
    changeRole: vi.fn(() => ({ ok: true as const, value: null })),
    signOut: vi.fn(() => ({ ok: true as const, value: null })),
    loadDrafts: vi.fn(() => ({ ok: true as const, value: { drafts: [] } })),
    saveDraft: vi.fn(() => ({ ok: true as const, value: { savedAt: 2 } })),
    reportActivity: vi.fn(),
    subscribe: vi.fn((l: (v: SessionView) => void) => {
      listener = l;
      return () => {
        listener = null;
      };
    }),
  } satisfies ShellBackend;
  return { backend, push: (v: unknown) => listener?.(v as SessionView), hasListener: () => listener !== null };
}

/** registerIpc over a fake ipcMain, for the shell window on app://shell. */
export function serveIpc() {
  const ipcMain = new FakeIpcMain();
  const win = new FakeBrowserWindow({});
  const { backend, push, hasListener } = spyBackend();
  const logger = { warn: vi.fn() };
  const deps = { ipcMain, getWindow: () => win, backend, logger, origin: 'app://shell' } as unknown as IpcServerDeps;
  const dispose = registerIpc(deps);
  const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
  return { ipcMain, win, backend, logger, dispose, own, push, hasListener };
}
