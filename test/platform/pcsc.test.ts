// The PC/SC binding's platform layouts, checked against the C headers' sizes: a wrong
// SCARD_READERSTATE does not fail, it reads the wrong bytes as the card's state.
//   pcsc-lite (pcsclite.h, LP64 Linux): 2 pointers + 3 unsigned long + 33-byte ATR, padded to 8: 80 bytes.
//   Windows (winscard.h, x64): 2 pointers + 3 DWORD + 36-byte ATR, padded to 8: 64 bytes.
//   macOS (PCSC.framework pcsclite.h, #pragma pack(1)): 2 pointers + 3 uint32_t + 33-byte ATR: 61 bytes.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { pcscLayoutFor, readerStateType, splitMultiString } from '../../main/platform/pcsc';
import type { Koffi, Layout } from '../../main/platform/pcsc';

const koffi = createRequire(import.meta.url)('koffi') as Koffi;
const layout = (platform: string): Layout => {
  const found = pcscLayoutFor(platform);
  if (found === null) throw new Error(platform);
  return found;
};

describe('PC/SC binding layouts', () => {
  it('lays SCARD_READERSTATE out as each platform header does (64-bit)', () => {
    expect(process.arch).toBe('x64');
    expect(koffi.sizeof(readerStateType(koffi, layout('linux')))).toBe(80);
    expect(koffi.offsetof(readerStateType(koffi, layout('linux')), 'dwEventState')).toBe(24);
    expect(koffi.sizeof(readerStateType(koffi, layout('win32')))).toBe(64);
    expect(koffi.offsetof(readerStateType(koffi, layout('win32')), 'rgbAtr')).toBe(28);
    expect(koffi.sizeof(readerStateType(koffi, layout('darwin')))).toBe(61);
    expect(koffi.offsetof(readerStateType(koffi, layout('darwin')), 'rgbAtr')).toBe(28);
  });

  it('uses each platform library, the UTF-16 functions on Windows, and knows no PC/SC elsewhere', () => {
    expect(layout('win32')).toMatchObject({
      library: 'winscard.dll',
      wide: true,
      context: 'uintptr_t',
      convention: '__stdcall',
    });
    expect(layout('darwin')).toMatchObject({
      library: '/System/Library/Frameworks/PCSC.framework/PCSC',
      packed: true,
      context: 'int32_t',
    });
    expect(layout('linux')).toMatchObject({ library: 'libpcsclite.so.1', dword: 'unsigned long', context: 'long' });
    expect(pcscLayoutFor('aix')).toBeNull();
  });

  it('reads a PC/SC multi-string of reader names (8-bit and UTF-16)', () => {
    const bytes = new TextEncoder().encode('Reader A 00 00\0Lecteur é 01\0\0');
    expect(splitMultiString(bytes, bytes.length)).toEqual(['Reader A 00 00', 'Lecteur é 01']);
    const wide = Uint16Array.from([...'A\0B B\0\0'].map((c) => c.charCodeAt(0)));
    expect(splitMultiString(wide, wide.length)).toEqual(['A', 'B B']);
    expect(splitMultiString(new Uint8Array([0]), 1)).toEqual([]);
  });
});
