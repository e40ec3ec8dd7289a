/**
 * PC/SC through koffi (docs/decisions.md, "Smartcard presence: koffi calling PC/SC"): the five
 * calls the smartcard watcher needs, from the platform's own PC/SC library — winscard.dll on
 * Windows, PCSC.framework on macOS, libpcsclite.so.1 (pcsc-lite) on Linux. koffi ships prebuilt
 * N-API binaries for each, so nothing is compiled per Electron version or on a ward PC.
 *
 * Never SCardConnect: Identity Agent owns the card; the watcher only asks the service what state
 * each reader is in. The calls that wait (SCardGetStatusChange) or may (establishing a context,
 * listing readers, releasing) run as koffi async calls on a worker thread, so the main thread is
 * never blocked; SCardCancel, which PC/SC defines to return at once, runs on the main thread and
 * ends a wait in progress.
 *
 * The structure differs by platform, and getting it wrong reads garbage rather than failing:
 * - pcsc-lite (Linux): DWORD and LONG are C `unsigned long`/`long` (8 bytes on 64-bit Linux),
 *   SCARDCONTEXT is a `long`, the ATR field is MAX_ATR_SIZE = 33 bytes (pcsc-lite's pcsclite.h);
 * - macOS (PCSC.framework): DWORD is uint32_t, LONG int32_t, SCARDCONTEXT int32_t, and
 *   SCARD_READERSTATE is packed to 1 byte (Apple's pcsclite.h, `#pragma pack(1)`);
 * - Windows: DWORD is 32 bits, SCARDCONTEXT is a ULONG_PTR, the ATR field is 36 bytes, strings
 *   are UTF-16 (the *W functions), and the calls are WINAPI (stdcall on 32-bit).
 */
import type * as KoffiModule from 'koffi';
import type { IKoffiCType, KoffiFunction } from 'koffi';
import { createRequire } from 'node:module';
import { scard } from '../core/smartcard';
import type { ReaderReading } from '../core/smartcard';

/** An established context, as the library handed it out (a number or, for 64-bit handles, a bigint). */
export type PcscContext = number | bigint;

/** The watcher's view of PC/SC. Every code is the call's own return value, unsigned. */
export interface PcscBinding {
  establish(): Promise<{ code: number; context: PcscContext | null }>;
  listReaders(context: PcscContext): Promise<{ code: number; readers: string[] }>;
  /** Waits until a reader's state differs from `currentState`, or `timeoutMs` passes. */
  getStatusChange(
    context: PcscContext,
    timeoutMs: number,
    states: readonly { reader: string; currentState: number }[],
  ): Promise<{ code: number; readings: ReaderReading[] }>;
  /** Ends a getStatusChange in progress on this context (it returns SCARD_E_CANCELLED). */
  cancel(context: PcscContext): number;
  release(context: PcscContext): Promise<number>;
}

export interface Layout {
  readonly library: string;
  readonly convention: '' | '__stdcall';
  readonly wide: boolean;
  readonly dword: string;
  readonly long: string;
  readonly context: string;
  readonly atr: number;
  readonly packed: boolean;
  /** SCARD_SCOPE_USER (Windows' recommendation) or SCARD_SCOPE_SYSTEM (pcsc-lite ignores it). */
  readonly scope: number;
}

/** The library and structure layout for a platform; null where PC/SC is not known. */
export function pcscLayoutFor(platform: string): Layout | null {
  switch (platform) {
    case 'win32':
      return {
        library: 'winscard.dll',
        convention: '__stdcall',
        wide: true,
        dword: 'uint32_t',
        long: 'int32_t',
        context: 'uintptr_t',
        atr: 36,
        packed: false,
        scope: 0,
      };
    case 'darwin':
      return {
        library: '/System/Library/Frameworks/PCSC.framework/PCSC',
        convention: '',
        wide: false,
        dword: 'uint32_t',
        long: 'int32_t',
        context: 'int32_t',
        atr: 33,
        packed: true,
        scope: 2,
      };
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return {
        library: 'libpcsclite.so.1',
        convention: '',
        wide: false,
        dword: 'unsigned long',
        long: 'long',
        context: 'long',
        atr: 33,
        packed: false,
        scope: 2,
      };
    default:
      return null;
  }
}

export type Koffi = typeof KoffiModule;

/** koffi, loaded only when a watcher starts: a bundle that never watches never loads native code. */
function loadKoffi(): Koffi {
  return createRequire(import.meta.url)('koffi') as Koffi;
}

/**
 * Loads the platform's PC/SC library. Throws when it cannot be loaded (pcsc-lite not installed):
 * the watcher reports the source unavailable rather than failing the shell.
 */
export function loadPcsc(platform: string = process.platform, koffi: Koffi = loadKoffi()): PcscBinding {
  const layout = pcscLayoutFor(platform);
  if (layout === null) throw new Error(`PC/SC is not known on ${platform}`);
  const lib = koffi.load(layout.library);
  const { dword, long, context } = layout;
  const str = layout.wide ? 'const char16_t *' : 'const char *';
  const suffix = layout.wide ? 'W' : '';
  const readerState = readerStateType(koffi, layout);
  const fn = (name: string, result: string, args: (string | IKoffiCType)[]): KoffiFunction =>
    layout.convention === '' ? lib.func(name, result, args) : lib.func(layout.convention, name, result, args);
  const establish = fn('SCardEstablishContext', long, [dword, 'void *', 'void *', koffi.out(koffi.pointer(context))]);
  const list = fn(`SCardListReaders${suffix}`, long, [
    context,
    str,
    koffi.out(koffi.pointer(layout.wide ? 'uint16_t' : 'uint8_t')),
    koffi.inout(koffi.pointer(dword)),
  ]);
  const statusChange = fn(`SCardGetStatusChange${suffix}`, long, [
    context,
    dword,
    koffi.inout(koffi.pointer(readerState)),
    dword,
  ]);
  const cancel = fn('SCardCancel', long, [context]);
  const release = fn('SCardReleaseContext', long, [context]);

  const call = (f: KoffiFunction, ...args: unknown[]): Promise<number> =>
    new Promise((resolve, reject) => {
      f.async(...args, (error: unknown, code: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('PC/SC call failed')) : resolve(Number(code) >>> 0),
      );
    });

  return {
    async establish() {
      const out: PcscContext[] = [0];
      const code = await call(establish, layout.scope, null, null, out);
      return { code, context: code === scard.S_SUCCESS ? (out[0] ?? null) : null };
    },
    async listReaders(ctx) {
      // Ask for the size first, then read: a reader plugged in between makes the buffer too small,
      // which the second call reports (and the watcher simply lists again).
      const size = [0];
      let code = await call(list, ctx, null, null, size);
      if (code !== scard.S_SUCCESS) return { code, readers: [] };
      const units = Math.max(1, Number(size[0]));
      const buffer = layout.wide ? new Uint16Array(units) : new Uint8Array(units);
      const length = [units];
      code = await call(list, ctx, null, buffer, length);
      if (code !== scard.S_SUCCESS) return { code, readers: [] };
      return { code, readers: splitMultiString(buffer, Math.min(units, Number(length[0]))) };
    },
    async getStatusChange(ctx, timeoutMs, states) {
      const structs = states.map((s) => ({
        szReader: s.reader,
        pvUserData: null,
        dwCurrentState: s.currentState,
        dwEventState: 0,
        cbAtr: 0,
        rgbAtr: new Array<number>(layout.atr).fill(0),
      }));
      const code = await call(statusChange, ctx, Math.max(0, Math.floor(timeoutMs)), structs, structs.length);
      return {
        code,
        readings: structs.map((s, i) => ({
          reader: states[i]?.reader ?? '',
          eventState: Number(s.dwEventState) >>> 0,
        })),
      };
    },
    cancel: (ctx) => Number(cancel(ctx)) >>> 0,
    release: (ctx) => call(release, ctx),
  };
}

/** SCARD_READERSTATE(W) as this platform lays it out. Anonymous: koffi's named types are process-wide. */
export function readerStateType(koffi: Koffi, layout: Layout): IKoffiCType {
  const members: Record<string, string | IKoffiCType> = {
    szReader: layout.wide ? 'const char16_t *' : 'const char *',
    pvUserData: 'void *',
    dwCurrentState: layout.dword,
    dwEventState: layout.dword,
    cbAtr: layout.dword,
    rgbAtr: koffi.array('uint8_t', layout.atr),
  };
  return layout.packed ? koffi.pack(members) : koffi.struct(members);
}

/** A PC/SC multi-string: names separated by NUL, ended by an empty name. */
export function splitMultiString(units: Uint8Array | Uint16Array, length: number): string[] {
  const decode = (part: Uint8Array | Uint16Array): string =>
    part instanceof Uint16Array ? String.fromCharCode(...part) : new TextDecoder('utf-8').decode(part);
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i < length; i += 1) {
    if (units[i] !== 0) continue;
    if (i === start) break;
    names.push(decode(units.subarray(start, i)));
    start = i + 1;
  }
  return names;
}
