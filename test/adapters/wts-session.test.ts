/**
 * The WTS adapter against the fake window (hookWindowMessage, getNativeWindowHandle as Electron
 * has them) and a fake WtsApi, with Windows' real message number and event codes: a console or
 * remote disconnect, a logoff or a lock of OUR session locks; another session's events do not;
 * each new window is registered and each closed one unregistered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OsSignal } from '../../main/core/os-signals';
import { createWtsSessionSource, readPointerSized } from '../../main/adapters/wts-session';
import type { HookableWindow } from '../../main/adapters/wts-session';
import { NOTIFY_FOR_THIS_SESSION, WM_WTSSESSION_CHANGE, wtsEvents } from '../../main/platform/wts';
import type { WtsApi } from '../../main/platform/wts';
import { defaultPolicy } from '../../main/core/policy';
import { transition } from '../../main/core/session';
import { FakeApp, FakeBrowserWindow, resetFakeElectron } from './fake-electron';

const ourSession = 3;
const otherSession = 5;

class FakeWtsApi implements WtsApi {
  registered = new Set<bigint>();
  calls: string[] = [];
  refuse = false;
  sessionIdOf(pid: number): number {
    this.calls.push(`session-of ${pid}`);
    return ourSession;
  }
  register(hwnd: Buffer): boolean {
    this.calls.push(`register flags=${NOTIFY_FOR_THIS_SESSION}`);
    if (this.refuse) return false;
    this.registered.add(hwnd.readBigUInt64LE(0));
    return true;
  }
  unregister(hwnd: Buffer): boolean {
    this.calls.push('unregister');
    return this.registered.delete(hwnd.readBigUInt64LE(0));
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

  it('each new window (one per clinician) is registered; a closed one is unregistered', () => {
    const source = start();
    const first = new FakeBrowserWindow({});
    source.watchWindow(asHookable(first));
    const second = new FakeBrowserWindow({});
    source.watchWindow(asHookable(second));
    expect(api.registered.size).toBe(2);
    first.destroy();
    expect(api.registered.size).toBe(1);
    expect(source.status().state).toBe('live');
    second.deliverWindowMessage(WM_WTSSESSION_CHANGE, wtsEvents.WTS_REMOTE_DISCONNECT, ourSession);
    expect(signals).toEqual(['lock-screen']);
    second.destroy();
    expect(api.registered.size).toBe(0);
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-window' });
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
