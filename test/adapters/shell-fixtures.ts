/**
 * The shell's window and IPC server built on the fake Electron, as the composition root builds
 * them. Shared by the adapter tests and the security checklist, so both check the same wiring.
 */
import { vi } from 'vitest';
import { registerIpc } from '../../main/adapters/ipc-server';
import type { IpcServerDeps } from '../../main/adapters/ipc-server';
import { createShellWindow } from '../../main/adapters/windows';
import type { ShellWindowOptions, WindowDeps } from '../../main/adapters/windows';
import type { SessionView, ShellBackend } from '../../preload/contract';
import { FakeBrowserWindow, FakeIpcMain, FakeMenu } from './fake-electron';

export function openShellWindow(overrides: Partial<ShellWindowOptions> = {}) {
  const menu = new FakeMenu();
  const deps = { BrowserWindow: FakeBrowserWindow, Menu: menu } as unknown as WindowDeps;
  const beforeRendererReload = vi.fn<ShellWindowOptions['beforeRendererReload']>(() => Promise.resolve());
  const onError = vi.fn();
  const options: ShellWindowOptions = {
    kiosk: false,
    production: true,
    preloadPath: '/app/dist/preload/index.cjs',
    startUrl: 'app://shell/index.html',
    beforeRendererReload,
    onError,
    ...overrides,
  };
  const win = createShellWindow(deps, options) as unknown as FakeBrowserWindow;
  return { win, contents: win.webContents, menu, beforeRendererReload, onError };
}

const clinician = { name: 'Dr Asha Patel', roleName: null, orgName: null, orgCode: null };
export const activeView: SessionView = { kind: 'active', clinician, sessionSecondsLeft: 10, draftStorage: 'protected' };

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
