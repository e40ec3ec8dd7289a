/**
 * Smartcard presence, the pure part: what a PC/SC return code means, what the readers' states
 * say about the card, and what a change of that picture means for the session. The PC/SC
 * watcher (main/services/presence/smartcard.ts) feeds observations in and raises the OS signals
 * these decisions return. No I/O, no clock.
 *
 * The codes and flags are PC/SC's own (PC/SC Workgroup specification part 5; Microsoft's
 * winscard.h / winerror.h; pcsc-lite's pcsclite.h): the same numbers on Windows, macOS and Linux.
 */
import { backoffDelay } from './backoff';
import type { Backoff } from './backoff';
import type { OsSignal } from './session/vocabulary';

/** Return codes the watcher acts on (SCARD_S_SUCCESS and the SCARD_E_* errors), as unsigned 32-bit numbers. */
export const scard = {
  S_SUCCESS: 0x0000_0000,
  F_INTERNAL_ERROR: 0x8010_0001,
  E_CANCELLED: 0x8010_0002,
  E_INVALID_HANDLE: 0x8010_0003,
  E_INVALID_PARAMETER: 0x8010_0004,
  E_NO_MEMORY: 0x8010_0006,
  E_INSUFFICIENT_BUFFER: 0x8010_0008,
  E_UNKNOWN_READER: 0x8010_0009,
  E_TIMEOUT: 0x8010_000a,
  F_COMM_ERROR: 0x8010_0013,
  E_READER_UNAVAILABLE: 0x8010_0017,
  E_NO_SERVICE: 0x8010_001d,
  E_SERVICE_STOPPED: 0x8010_001e,
  E_NO_READERS_AVAILABLE: 0x8010_002e,
} as const;

/** SCARD_READERSTATE dwCurrentState / dwEventState bits (the high 16 bits are the reader's event counter). */
export const scardState = {
  UNAWARE: 0x0000,
  IGNORE: 0x0001,
  CHANGED: 0x0002,
  UNKNOWN: 0x0004,
  UNAVAILABLE: 0x0008,
  EMPTY: 0x0010,
  PRESENT: 0x0020,
  MUTE: 0x0200,
} as const;

/**
 * The pseudo-reader that reports readers arriving and leaving (Windows, pcsc-lite). Apple's PC/SC
 * never had it, and a library may refuse the name (SCARD_E_UNKNOWN_READER): the watcher then
 * waits without it, for at most `readerArrivalMs`, and lists the readers again after each wait.
 */
export const pnpNotification = '\\\\?PnP?\\Notification';

/**
 * Where no pseudo-reader reports readers arriving (macOS, or a library that refuses the name), and
 * while Windows' Smart Card service is stopped because no reader is attached (Windows 8 and
 * later), the watcher looks again this often: a reader plugged in is seen within about a second,
 * the time it takes to pick up a card and put it in, and the cost is one listing and one wait per
 * second, local calls to the smartcard service. A card leaving a reader already watched is seen at
 * once whatever this is: the wait ends on the change.
 */
export const readerArrivalMs = 1_000;

/**
 * The least time between two listings of the readers on one context, and between two waits,
 * whatever PC/SC answered: no return code, and no pseudo-reader that says "changed" every time,
 * can make the watcher call PC/SC in a tight loop (at most 4 listings and 20 waits a second).
 * A wait compares the reader's state and event counter with what the watcher last saw, so a
 * change in the gap is still seen; the gap only delays it by at most this long.
 */
export const listingGapMs = 250;
export const waitGapMs = 50;

/** How often the watcher repeats SCardCancel until the wait it cancels has returned, and how many times at most. */
export const cancelRepeatMs = 50;
export const cancelRepeats = 200;

/** What a return code means for the watcher. */
export type ScardOutcome =
  /** Something changed, or nothing did within the wait: read the states. */
  | 'ok'
  | 'timeout'
  /** We cancelled the wait ourselves (dispose). */
  | 'cancelled'
  /** The smartcard service is not running, stopped, or restarted under us (the context is dead). */
  | 'service-gone'
  /** No reader is attached, or one we named has gone: list the readers again. */
  | 'readers-changed'
  /** Anything else: treat as the service gone (fail closed) and start again. */
  | 'fault';

export function scardOutcome(code: number): ScardOutcome {
  switch (code >>> 0) {
    case scard.S_SUCCESS:
      return 'ok';
    case scard.E_TIMEOUT:
      return 'timeout';
    case scard.E_CANCELLED:
      return 'cancelled';
    // A context made before pcscd/SCardSvr restarted is invalid afterwards; a broken socket reads as a comm error.
    case scard.E_NO_SERVICE:
    case scard.E_SERVICE_STOPPED:
    case scard.E_INVALID_HANDLE:
    case scard.F_COMM_ERROR:
      return 'service-gone';
    case scard.E_NO_READERS_AVAILABLE:
    case scard.E_UNKNOWN_READER:
    case scard.E_READER_UNAVAILABLE:
      return 'readers-changed';
    default:
      return 'fault';
  }
}

/** A short fixed name for a return code, for the audit log (never a reader name). */
export function scardCodeName(code: number): string {
  const found = Object.entries(scard).find(([, value]) => value === code >>> 0);
  return found ? `SCARD_${found[0]}` : `0x${(code >>> 0).toString(16).padStart(8, '0')}`;
}

/** One reader's state as SCardGetStatusChange reported it. */
export interface ReaderReading {
  readonly reader: string;
  readonly eventState: number;
}

/** The reader's event counter (insertions and removals, pcsc-lite and Windows; 0 on macOS), from a state's high 16 bits. */
export function eventCount(eventState: number): number {
  return (eventState >>> 16) & 0xffff;
}

/** Whether a reader's state says a card is in it (present, even if mute or unpowered). */
export function cardIn(eventState: number): boolean {
  return (eventState & scardState.PRESENT) !== 0 && (eventState & (scardState.UNAVAILABLE | scardState.UNKNOWN)) === 0;
}

/**
 * What the watcher can see now:
 * - service-gone: the smartcard service is not there (or the library is missing);
 * - no-reader: the service is there, no reader is;
 * - readers: each reader by name, and whether a card is in it; and, where PC/SC counts them,
 *   each reader's event counter (`events`), so a card taken out and put back between two
 *   readings is still seen as taken out.
 */
export type SmartcardView =
  | { readonly kind: 'service-gone' }
  | { readonly kind: 'no-reader' }
  | {
      readonly kind: 'readers';
      readonly cards: ReadonlyMap<string, boolean>;
      readonly events?: ReadonlyMap<string, number>;
    };

export function viewOf(readings: readonly ReaderReading[]): SmartcardView {
  const real = readings.filter((r) => r.reader !== pnpNotification);
  if (real.length === 0) return { kind: 'no-reader' };
  return {
    kind: 'readers',
    cards: new Map(real.map((r) => [r.reader, cardIn(r.eventState)])),
    events: new Map(real.map((r) => [r.reader, eventCount(r.eventState)])),
  };
}

/** Is any card in any reader (what the lock screen's prompt and RequireSmartcard use). */
export function anyCard(view: SmartcardView): boolean {
  return view.kind === 'readers' && [...view.cards.values()].some(Boolean);
}

/**
 * What a change of view means for the session, fail-closed: a reader that held a card and now
 * holds none is a removal; a reader that held a card and is gone (unplugged, or the whole service
 * gone) means the shell can no longer see the card, and locks as if it had been taken. A card
 * arriving is never a signal: it only prompts the clinician to unlock. With several readers, any
 * card leaving counts: the shell cannot tell whose card is whose without connecting to it, and
 * Identity Agent owns the card.
 *
 * A card in at both readings with the reader's event counter moved between them was taken out and
 * put back (a quick swap between two waits): a removal. The counter counts only insertions and
 * removals (pcsc-lite's eventhandler.c; Windows, [MS-RDPESC] 2.2.7 "Reader State"), so in at both
 * ends with the count moved means at least one removal. Where PC/SC keeps no counter (macOS: it
 * stays 0) nothing moves and only presence is compared.
 */
export function signalFor(
  previous: SmartcardView,
  next: SmartcardView,
): Extract<OsSignal, 'smartcard-removed' | 'smartcard-unavailable'> | null {
  if (previous.kind !== 'readers') return null;
  let removed = false;
  for (const [reader, had] of previous.cards) {
    if (!had) continue;
    if (next.kind !== 'readers' || !next.cards.has(reader)) return 'smartcard-unavailable';
    if (next.cards.get(reader) !== true || counterMoved(previous, next, reader)) removed = true;
  }
  return removed ? 'smartcard-removed' : null;
}

function counterMoved(
  previous: Extract<SmartcardView, { kind: 'readers' }>,
  next: Extract<SmartcardView, { kind: 'readers' }>,
  reader: string,
): boolean {
  const before = previous.events?.get(reader);
  const after = next.events?.get(reader);
  return before !== undefined && after !== undefined && before !== after;
}

/**
 * How long to wait before trying the smartcard service again after the `attempt`-th failure in a
 * row, counted from 0 (1, 2, 4, 8 s, then every 10 s): quick enough that a restarted pcscd or
 * SCardSvr is watched again within seconds, slow enough not to spin while it is gone for good.
 */
export const smartcardRetry: Backoff = { firstMs: 1_000, maxMs: 10_000 };

export function retryDelayMs(attempt: number): number {
  return backoffDelay(smartcardRetry, Math.max(0, attempt) + 1);
}
