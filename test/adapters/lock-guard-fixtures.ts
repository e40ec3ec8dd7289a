/**
 * The lock guard as the composition root wires it (main/index.ts), on the fake Electron: the
 * real window factory, the real IPC server and a session service that keeps the real loop's
 * order. Shared by the lock guard's tests.
 */
import { vi } from 'vitest';
import { createClipboardGuard } from '../../main/adapters/clipboard-guard';
import type { ClipboardGuard } from '../../main/adapters/clipboard-guard';
import { registerIpc } from '../../main/adapters/ipc-server';
import type { IpcServerDeps } from '../../main/adapters/ipc-server';
import { createLockGuard, gateViews } from '../../main/adapters/lock-guard';
import type { PartitionPool } from '../../main/adapters/partition-pool';
import { createShellWindow } from '../../main/adapters/windows';
import type { ShellWindow } from '../../main/adapters/windows';
import type { SessionState } from '../../main/core/session';
import { methodChannels, viewChannel } from '../../preload/contract';
import { FakeIpcMain } from './fake-electron';
import type { FakeBrowserWindow, FakeClipboard, FakeWebContents } from './fake-electron';
import { fakeSessionService, states } from './session-fixtures';
import { shellWindowOptions, windowDeps } from './shell-fixtures';

export const fake = (shell: ShellWindow): FakeBrowserWindow => shell.window as unknown as FakeBrowserWindow;

export interface ShellOptions {
  /** The real clipboard guard over this fake clipboard. */
  clipboard?: FakeClipboard;
  /** Or a stand-in for the clipboard guard (its port), to see what the lock guard asks of it. */
  clipboardGuard?: Pick<ClipboardGuard, 'watch' | 'sweep'>;
  /** Changes each shell window the guard opens (e.g. a destroy that fails). */
  wrapWindow?: (shell: ShellWindow) => ShellWindow;
  /** false: the guard gets no fault reporter. */
  reportFaults?: boolean;
  /** Partitions from this pool, handed back at each window's destroy (as the composition root does). */
  pool?: PartitionPool;
}

/** The composition root's wiring (main/index.ts) on the fake Electron. */
export function startShell(initial: SessionState = states.active('A'), options: ShellOptions = {}) {
  const session = fakeSessionService(initial);
  const onError = vi.fn<(code: string) => void>();
  const clipboard = options.clipboard
    ? createClipboardGuard({ clipboard: options.clipboard, platform: 'win32' })
    : options.clipboardGuard;
  const wrap = options.wrapWindow ?? ((shell: ShellWindow) => shell);
  const guard = createLockGuard({
    session,
    ...(options.reportFaults === false ? {} : { onError }),
    ...(clipboard ? { clipboard } : {}),
    ...(options.pool ? { newPartition: options.pool.acquire } : {}),
    openWindow: (partition) =>
      wrap(
        createShellWindow(
          windowDeps(),
          shellWindowOptions({
            partition,
            beforeRendererReload: () => session.lockBeforeReload(),
            onError,
            ...(options.pool ? { retire: (s) => options.pool!.release(partition, s) } : {}),
          }).options,
        ),
      ),
  });
  const ipcMain = new FakeIpcMain();
  const deps = {
    ipcMain,
    getWindow: () => guard.window(),
    backend: gateViews(session.backend, () => guard.sync()),
    logger: { warn: vi.fn() },
    origin: 'app://shell',
  };
  registerIpc(deps as unknown as IpcServerDeps);
  const win = (): FakeBrowserWindow => fake(guard.current()!);
  /** The window shows itself at its first paint, and its page finishes loading. */
  const load = (w: FakeBrowserWindow = win()): FakeBrowserWindow => {
    w.emit('ready-to-show');
    w.webContents.finishLoad();
    return w;
  };
  /** A request from a page's own main frame, as ipcRenderer.invoke would send it. */
  const ask = (contents: FakeWebContents, method: keyof typeof methodChannels, payload?: unknown) =>
    ipcMain.invoke(methodChannels[method], { sender: contents, senderFrame: contents.mainFrame }, payload);
  return { session, guard, ipcMain, onError, win, load, ask };
}

/** Records, for every view sent to this page, whether main's surface was over it at that moment. */
export function coverAtEachView(w: FakeBrowserWindow): boolean[] {
  const seen: boolean[] = [];
  const send = w.webContents.send.bind(w.webContents);
  w.webContents.send = (channel: string, ...args: unknown[]) => {
    if (channel === viewChannel) seen.push(w.onScreen() !== 'page');
    send(channel, ...args);
  };
  return seen;
}

export const viewsSent = (w: FakeBrowserWindow) =>
  w.webContents.sent.filter((m) => m.channel === viewChannel).map((m) => (m.args[0] as { kind: string }).kind);
