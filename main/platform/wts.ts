/**
 * Platform: the Win32 calls behind Windows session notifications (adapters/wts-session.ts hooks
 * the message on each shell window and turns it into OS signals). Message and event numbers are
 * WinUser.h's and WtsApi32.h's; the calls go through koffi (prebuilt N-API FFI: no compiler,
 * nothing rebuilt per Electron version; docs/decisions.md), loaded on Windows only.
 */
import type Koffi from 'koffi';
import { createRequire } from 'node:module';
import type { OnFault } from '../core/faults';

/** WM_WTSSESSION_CHANGE (WinUser.h). */
export const WM_WTSSESSION_CHANGE = 0x02b1;
/** WTSRegisterSessionNotification's dwFlags: only this session's changes (WtsApi32.h). */
export const NOTIFY_FOR_THIS_SESSION = 0;

/** wParam of WM_WTSSESSION_CHANGE (WinUser.h). */
export const wtsEvents = {
  WTS_CONSOLE_CONNECT: 0x1,
  WTS_CONSOLE_DISCONNECT: 0x2,
  WTS_REMOTE_CONNECT: 0x3,
  WTS_REMOTE_DISCONNECT: 0x4,
  WTS_SESSION_LOGON: 0x5,
  WTS_SESSION_LOGOFF: 0x6,
  WTS_SESSION_LOCK: 0x7,
  WTS_SESSION_UNLOCK: 0x8,
  WTS_SESSION_REMOTE_CONTROL: 0x9,
} as const;

/** The Win32 calls, as a port. */
export interface WtsApi {
  /** ProcessIdToSessionId(pid): the Remote Desktop Services session this process runs in. */
  sessionIdOf(pid: number): number;
  /** WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION); false when Windows refused. */
  register(hwnd: Buffer): boolean;
  /** WTSUnRegisterSessionNotification(hwnd). */
  unregister(hwnd: Buffer): boolean;
}

/**
 * The real calls, through koffi, loaded only on Windows (and only when first needed, so no other
 * platform loads the native module at all). null when the library cannot be loaded.
 */
export function loadWtsApi(onError?: OnFault): WtsApi | null {
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const wtsapi32 = koffi.load('wtsapi32.dll');
    const kernel32 = koffi.load('kernel32.dll');
    const registerFn = wtsapi32.func('int __stdcall WTSRegisterSessionNotification(intptr_t hWnd, uint32_t dwFlags)');
    const unregisterFn = wtsapi32.func('int __stdcall WTSUnRegisterSessionNotification(intptr_t hWnd)');
    const sessionIdFn = kernel32.func(
      'int __stdcall ProcessIdToSessionId(uint32_t dwProcessId, _Out_ uint32_t *pSessionId)',
    );
    const handle = (hwnd: Buffer): bigint =>
      hwnd.length >= 8 ? hwnd.readBigUInt64LE(0) : BigInt(hwnd.readUInt32LE(0));
    return {
      sessionIdOf(pid) {
        const out: [number | null] = [null];
        if (sessionIdFn(pid, out) === 0 || typeof out[0] !== 'number') throw new Error('ProcessIdToSessionId failed');
        return out[0];
      },
      register: (hwnd) => registerFn(handle(hwnd), NOTIFY_FOR_THIS_SESSION) !== 0,
      unregister: (hwnd) => unregisterFn(handle(hwnd)) !== 0,
    };
  } catch {
    onError?.('wtsapi-load-failed');
    return null;
  }
}
