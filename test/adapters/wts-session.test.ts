/**
 * The WTS adapter against the fake window (hookWindowMessage, getNativeWindowHandle as Electron
 * has them) and a fake WtsApi, with Windows' real message number and event codes: a console or
 * remote disconnect, a logoff or a lock of OUR session locks; another session's events do not;
 * each new window is registered and each closed one unregistered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { OsSignal } from '../../main/core/os-signals';
import {
  createWtsSessionSource,
  readPointerSized,
  wtsMaxRetries,
  wtsRetryDelaysMs,
} from '../../main/adapters/wts-session';
import { createShellWindow } from '../../main/adapters/windows';
import type { HookableWindow } from '../../main/adapters/wts-session';
import { NOTIFY_FOR_THIS_SESSION, WM_WTSSESSION_CHANGE, wtsEvents } from '../../main/platform/wts';
import type { WtsApi } from '../../main/platform/wts';
import { defaultPolicy } from '../../main/core/policy';
import { transition } from '../../main/core/session';
import { FakeApp, FakeBrowserWindow, FakeMenu, FakeWebContentsView, resetFakeElectron } from './fake-electron';

const fakeMenu = new FakeMenu();

const ourSession = 3;
const otherSession = 5;

/**
 * Windows' side, as Microsoft's "WTSRegisterSessionNotification function" page describes it:
 * before Remote Desktop Services' dependent services have started (Global\TermSrvReadyEvent not
 * yet set, early at logon) the call fails with RPC_S_INVALID_BINDING; and a window "must call
 * WTSUnRegisterSessionNotification before being destroyed": the unregister of a destroyed
 * window's handle fails and its registration is left behind (`leaked`).
 */
class FakeWtsApi implements WtsApi {
  registered = new Set<bigint>();
  calls: string[] = [];
  refuse = false;
  /** Global\TermSrvReadyEvent is set. */
  termSrvReady = true;
  lastError = 0;
  private readonly windows = new Map<bigint, FakeBrowserWindow>();
  sessionIdOf(pid: number): number {
    this.calls.push(`session-of ${pid}`);
    return ourSession;
  }
  register(hwnd: Buffer): boolean {
    this.calls.push(`register flags=${NOTIFY_FOR_THIS_SESSION}`);
    if (!this.termSrvReady) {
      this.lastError = 1702; // RPC_S_INVALID_BINDING
      return false;
    }
    if (this.refuse) return false;
    const handle = hwnd.readBigUInt64LE(0);
    const win = FakeBrowserWindow.created.find((w) => !w.destroyed && w.getNativeWindowHandle().equals(hwnd));
    if (win) this.windows.set(handle, win);
    this.registered.add(handle);
    return true;
  }
  unregister(hwnd: Buffer): boolean {
    this.calls.push('unregister');
    const handle = hwnd.readBigUInt64LE(0);
    if (this.windows.get(handle)?.destroyed) {
      this.lastError = 1400; // ERROR_INVALID_WINDOW_HANDLE
      return false;
    }
    return this.registered.delete(handle);
  }
  /** Registrations of windows already destroyed. */
  leaked(): number {
    return [...this.registered].filter((h) => this.windows.get(h)?.destroyed).length;
  }
}

let api: FakeWtsApi;
let signals: OsSignal[];

beforeEach(() => {
  resetFakeElectron();
  new FakeApp('win32').becomeReady();
  api = new FakeWtsApi();
  signals = [];
});
afterEach(() => resetFakeElectron());

const asHookable = (win: FakeBrowserWindow): HookableWindow => win as unknown as HookableWindow;
const start = (wtsApi: WtsApi | null = api) =>
  createWtsSessionSource({ api: wtsApi, pid: 4242 }, { signal: (name) => signals.push(name) });

describe('WTS session changes (WM_WTSSESSION_CHANGE)', () => {
  it('uses the real message number and asks for this session only', () => {
    expect(WM_WTSSESSION_CHANGE).toBe(0x02b1);
    expect(NOTIFY_FOR_THIS_SESSION).toBe(0);
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    expect(win.isWindowMessageHooked(0x02b1)).toBe(true);
    expect(api.calls).toEqual(['session-of 4242', 'register flags=0']);
    expect(source.status()).toMatchObject({ source: 'wts', state: 'live' });
  });

  it.each([
    ['console disconnect', wtsEvents.WTS_CONSOLE_DISCONNECT, 2],
    ['remote (RDP, Citrix) disconnect', wtsEvents.WTS_REMOTE_DISCONNECT, 4],
    ['logoff', wtsEvents.WTS_SESSION_LOGOFF, 6],
    ['lock', wtsEvents.WTS_SESSION_LOCK, 7],
  ])('%s of our session locks like an OS lock', (_what, code, number) => {
    expect(code).toBe(number);
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    win.deliverWindowMessage(WM_WTSSESSION_CHANGE, code, ourSession);
    expect(signals).toEqual(['lock-screen']);
  });

  it("another session's events are ignored, whatever they are", () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 65535 }).filter((id) => id !== ourSession),
        (code, session) => {
          win.deliverWindowMessage(WM_WTSSESSION_CHANGE, code, session);
          return signals.length === 0;
        },
      ),
    );
    win.deliverWindowMessage(WM_WTSSESSION_CHANGE, wtsEvents.WTS_SESSION_LOCK, otherSession);
    expect(signals).toEqual([]);
  });

  it('a connect or a logon proves nothing about who is there: no signal; an unlock is unlock-screen', () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    for (const code of [
      wtsEvents.WTS_CONSOLE_CONNECT,
      wtsEvents.WTS_REMOTE_CONNECT,
      wtsEvents.WTS_SESSION_LOGON,
      wtsEvents.WTS_SESSION_REMOTE_CONTROL,
    ]) {
      win.deliverWindowMessage(WM_WTSSESSION_CHANGE, code, ourSession);
    }
    expect(signals).toEqual([]);
    win.deliverWindowMessage(WM_WTSSESSION_CHANGE, wtsEvents.WTS_SESSION_UNLOCK, ourSession);
    expect(signals).toEqual(['unlock-screen']);
  });

  it('other window messages are not ours', () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    win.deliverWindowMessage(0x0011 /* WM_QUERYENDSESSION */, wtsEvents.WTS_SESSION_LOCK, ourSession);
    expect(signals).toEqual([]);
  });

  it('each new window (one per clinician) is registered, and unregistered before it is destroyed', () => {
    const source = start();
    const first = new FakeBrowserWindow({});
    source.watchWindow(asHookable(first));
    const second = new FakeBrowserWindow({});
    source.watchWindow(asHookable(second));
    expect(api.registered.size).toBe(2);
    source.unwatchWindow(asHookable(first));
    first.destroy();
    expect(api.registered.size).toBe(1);
    expect(api.leaked()).toBe(0);
    expect(source.status().state).toBe('live');
    second.deliverWindowMessage(WM_WTSSESSION_CHANGE, wtsEvents.WTS_REMOTE_DISCONNECT, ourSession);
    expect(signals).toEqual(['lock-screen']);
    source.unwatchWindow(asHookable(second));
    second.destroy();
    expect(api.registered.size).toBe(0);
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-window' });
  });

  it('a window destroyed without unwatchWindow is let go at its close, but Windows keeps its registration (why unwatch comes first)', () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    win.destroy();
    expect(api.calls.at(-1)).toBe('unregister');
    expect(api.leaked()).toBe(1);
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-window' });
  });

  it('the shell window unregisters in its destroy, before the window goes (windows.ts beforeDestroy)', async () => {
    const source = start();
    const shell = createShellWindow(
      { BrowserWindow: FakeBrowserWindow, WebContentsView: FakeWebContentsView, Menu: fakeMenu } as never,
      {
        kiosk: false,
        production: true,
        preloadPath: '/app/preload.cjs',
        startUrl: 'app://shell/index.html',
        partition: 'shell-a',
        beforeRendererReload: () => undefined,
        beforeDestroy: (w) => source.unwatchWindow(w as unknown as HookableWindow),
      },
    );
    source.watchWindow(asHookable(shell.window as unknown as FakeBrowserWindow));
    expect(api.registered.size).toBe(1);
    await shell.destroy();
    expect(api.registered.size).toBe(0);
    expect(api.leaked()).toBe(0);
  });

  it('early at logon (Remote Desktop Services not ready: RPC_S_INVALID_BINDING) it tries again with backoff until Windows accepts', async () => {
    vi.useFakeTimers();
    try {
      api.termSrvReady = false;
      const source = start();
      const win = new FakeBrowserWindow({});
      source.watchWindow(asHookable(win));
      expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'register-refused' });
      expect(api.lastError).toBe(1702);
      const registers = () => api.calls.filter((c) => c.startsWith('register')).length;
      // The backoff: no try before each delay is up, one when it is.
      let expected = 1;
      for (const delay of wtsRetryDelaysMs.slice(0, 4)) {
        await vi.advanceTimersByTimeAsync(delay - 1);
        expect(registers()).toBe(expected);
        await vi.advanceTimersByTimeAsync(1);
        expected += 1;
        expect(registers()).toBe(expected);
      }
      api.termSrvReady = true;
      await vi.advanceTimersByTimeAsync(wtsRetryDelaysMs[4] ?? 0);
      expect(source.status()).toMatchObject({ state: 'live' });
      expect(win.isWindowMessageHooked(WM_WTSSESSION_CHANGE)).toBe(true);
      win.deliverWindowMessage(WM_WTSSESSION_CHANGE, wtsEvents.WTS_SESSION_LOCK, ourSession);
      expect(signals).toEqual(['lock-screen']);
      // Accepted: no more tries.
      const after = registers();
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(registers()).toBe(after);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops trying when the window goes or the source is disposed, and gives up after its bound', async () => {
    vi.useFakeTimers();
    try {
      api.termSrvReady = false;
      const registers = () => api.calls.filter((c) => c.startsWith('register')).length;
      const source = start();
      const gone = new FakeBrowserWindow({});
      source.watchWindow(asHookable(gone));
      gone.destroy();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(registers()).toBe(1);

      const kept = new FakeBrowserWindow({});
      source.watchWindow(asHookable(kept));
      source.dispose();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(registers()).toBe(2);

      const never = start();
      never.watchWindow(asHookable(new FakeBrowserWindow({})));
      await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
      expect(registers()).toBe(2 + 1 + wtsMaxRetries);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a window watched twice registers once', () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    source.watchWindow(asHookable(win));
    expect(api.calls.filter((c) => c.startsWith('register'))).toHaveLength(1);
  });

  it('dispose unhooks and unregisters every window', () => {
    const source = start();
    const win = new FakeBrowserWindow({});
    source.watchWindow(asHookable(win));
    source.dispose();
    expect(win.isWindowMessageHooked(WM_WTSSESSION_CHANGE)).toBe(false);
    expect(api.registered.size).toBe(0);
  });

  it('Windows refusing the registration, or no wtsapi32 at all: unavailable, and it says why', () => {
    api.refuse = true;
    const refused = start();
    const win = new FakeBrowserWindow({});
    refused.watchWindow(asHookable(win));
    expect(refused.status()).toMatchObject({ state: 'unavailable', reason: 'register-refused' });
    expect(win.isWindowMessageHooked(WM_WTSSESSION_CHANGE)).toBe(false);
    const missing = start(null);
    missing.watchWindow(asHookable(new FakeBrowserWindow({})));
    expect(missing.status()).toMatchObject({ state: 'unavailable', reason: 'wtsapi-unavailable' });
  });

  it("reads Electron's parameter Buffers as pointer-sized little-endian integers", () => {
    const eight = Buffer.alloc(8);
    eight.writeBigUInt64LE(0x1_0000_0007n);
    expect(readPointerSized(eight)).toBe(0x1_0000_0007);
    const four = Buffer.alloc(4);
    four.writeUInt32LE(7);
    expect(readPointerSized(four)).toBe(7);
  });

  it('the lock powerMonitor also sends for WTS_SESSION_LOCK is idempotent in the engine', () => {
    const at = { wall: 1_000_000, mono: 1_000 };
    const session = {
      subject: 's',
      sessionId: 'sid',
      aal: 'AAL3' as const,
      authTime: 999_000,
      authAt: at,
      lastActivity: at,
    };
    const policy = defaultPolicy;
    const first = transition({ status: 'active', session }, { type: 'osLocked', at }, policy);
    expect(first.state.status).toBe('locked');
    const second = transition(first.state, { type: 'osLocked', at: { wall: at.wall + 5, mono: at.mono + 5 } }, policy);
    expect(second.state).toEqual(first.state);
    expect(second.effects).toEqual([]);
  });
});
