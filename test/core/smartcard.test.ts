import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyCard,
  cardIn,
  pnpNotification,
  retryDelayMs,
  scardCodeName,
  scardOutcome,
  signalFor,
  viewOf,
} from '../../main/core/smartcard';

describe('smartcard service retries (core/backoff.ts)', () => {
  it('waits 1, 2, 4, 8 s, then every 10 s; from the first attempt (0) on', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 50].map(retryDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('is the schedule it was before the shared backoff, for every attempt', () => {
    const before = (attempt: number): number => Math.min(10_000, 1_000 * 2 ** Math.max(0, Math.min(attempt, 10)));
    for (let attempt = -3; attempt <= 40; attempt += 1)
      expect(retryDelayMs(attempt), String(attempt)).toBe(before(attempt));
  });
});

// The numbers below are PC/SC's own, written out rather than read from core's table, so a wrong
// entry in the table is caught (PC/SC Workgroup part 5; winerror.h; pcsc-lite's pcsclite.h).
describe('what a PC/SC return code means (scardOutcome, scardCodeName)', () => {
  const cases: readonly (readonly [number, string, string])[] = [
    [0x0000_0000, 'ok', 'SCARD_S_SUCCESS'],
    [0x8010_000a, 'timeout', 'SCARD_E_TIMEOUT'],
    [0x8010_0002, 'cancelled', 'SCARD_E_CANCELLED'],
    [0x8010_001d, 'service-gone', 'SCARD_E_NO_SERVICE'],
    [0x8010_001e, 'service-gone', 'SCARD_E_SERVICE_STOPPED'],
    [0x8010_0003, 'service-gone', 'SCARD_E_INVALID_HANDLE'],
    [0x8010_0013, 'service-gone', 'SCARD_F_COMM_ERROR'],
    [0x8010_002e, 'readers-changed', 'SCARD_E_NO_READERS_AVAILABLE'],
    [0x8010_0009, 'readers-changed', 'SCARD_E_UNKNOWN_READER'],
    [0x8010_0017, 'readers-changed', 'SCARD_E_READER_UNAVAILABLE'],
    [0x8010_0001, 'fault', 'SCARD_F_INTERNAL_ERROR'],
    [0x8010_0006, 'fault', 'SCARD_E_NO_MEMORY'],
  ];

  it.each(cases)('return code %d reads as %s and is logged as %s', (code, outcome, name) => {
    expect(scardOutcome(code)).toBe(outcome);
    expect(scardCodeName(code)).toBe(name);
  });

  it('reads a code the same when the native call hands it back as a signed 32-bit number', () => {
    // koffi returns LONG as signed: SCARD_E_TIMEOUT arrives as -2146435062.
    expect(scardOutcome(0x8010_000a | 0)).toBe('timeout');
    expect(scardCodeName(0x8010_002e | 0)).toBe('SCARD_E_NO_READERS_AVAILABLE');
  });

  it('names a code it does not know by its eight hex digits, and treats it as a fault', () => {
    expect(scardCodeName(0x8010_0069)).toBe('0x80100069');
    expect(scardCodeName(5)).toBe('0x00000005');
    expect(scardOutcome(0x8010_0069)).toBe('fault');
  });
});

describe('what the readers say about the card (cardIn, viewOf, anyCard)', () => {
  const PRESENT = 0x0020;
  const EMPTY = 0x0010;
  const MUTE = 0x0200;
  const UNAVAILABLE = 0x0008;
  const UNKNOWN = 0x0004;

  it('counts a card as in when the reader says present, even mute, and not when unavailable or unknown', () => {
    expect(cardIn(PRESENT)).toBe(true);
    expect(cardIn(PRESENT | MUTE | 0x0001_0000)).toBe(true);
    expect(cardIn(EMPTY)).toBe(false);
    expect(cardIn(PRESENT | UNAVAILABLE)).toBe(false);
    expect(cardIn(PRESENT | UNKNOWN)).toBe(false);
    expect(cardIn(0)).toBe(false);
  });

  it('leaves out the plug-and-play pseudo-reader, by its exact PC/SC name', () => {
    expect(pnpNotification).toBe(String.raw`\\?PnP?\Notification`);
    expect(viewOf([{ reader: String.raw`\\?PnP?\Notification`, eventState: PRESENT }])).toEqual({ kind: 'no-reader' });
    expect(viewOf([])).toEqual({ kind: 'no-reader' });
    const view = viewOf([
      { reader: String.raw`\\?PnP?\Notification`, eventState: 0 },
      { reader: 'Reader A', eventState: PRESENT },
      { reader: 'Reader B', eventState: EMPTY },
    ]);
    expect(view).toEqual({
      kind: 'readers',
      cards: new Map([
        ['Reader A', true],
        ['Reader B', false],
      ]),
      events: new Map([
        ['Reader A', 0],
        ['Reader B', 0],
      ]),
    });
    // The event counter is the high 16 bits of the state.
    expect(viewOf([{ reader: 'Reader A', eventState: (7 << 16) | PRESENT }])).toMatchObject({
      events: new Map([['Reader A', 7]]),
    });
    expect(viewOf([{ reader: 'Reader A', eventState: (0xffff << 16) | PRESENT }])).toMatchObject({
      events: new Map([['Reader A', 0xffff]]),
    });
  });

  it('sees a card when any one reader holds one, and none when no reader does or none is there', () => {
    const cards = (...held: boolean[]) => ({
      kind: 'readers' as const,
      cards: new Map(held.map((h, i) => [`R${i}`, h])),
    });
    expect(anyCard(cards(false, true))).toBe(true);
    expect(anyCard(cards(true, false))).toBe(true);
    expect(anyCard(cards(false, false))).toBe(false);
    expect(anyCard(cards())).toBe(false);
    expect(anyCard({ kind: 'no-reader' })).toBe(false);
    expect(anyCard({ kind: 'service-gone' })).toBe(false);
  });
});

describe('what a change of view means for the session (signalFor), fail-closed', () => {
  const readers = (entries: Record<string, boolean>) => ({
    kind: 'readers' as const,
    cards: new Map(Object.entries(entries)),
  });

  it('is a removal when a reader that held a card holds none, whichever of several readers it was', () => {
    expect(signalFor(readers({ A: true }), readers({ A: false }))).toBe('smartcard-removed');
    expect(signalFor(readers({ A: false, B: true }), readers({ A: true, B: false }))).toBe('smartcard-removed');
  });

  it('is "unavailable" when a reader that held a card is gone, or the service or every reader is', () => {
    expect(signalFor(readers({ A: true, B: false }), readers({ B: false }))).toBe('smartcard-unavailable');
    expect(signalFor(readers({ A: true }), { kind: 'no-reader' })).toBe('smartcard-unavailable');
    expect(signalFor(readers({ A: true }), { kind: 'service-gone' })).toBe('smartcard-unavailable');
    // Gone outranks removed, whatever order the readers come in.
    expect(signalFor(readers({ A: true, B: true }), readers({ A: false }))).toBe('smartcard-unavailable');
  });

  it('is nothing when a card arrives, stays, or an empty reader goes, or when there were no readers before', () => {
    expect(signalFor(readers({ A: false }), readers({ A: true }))).toBeNull();
    expect(signalFor(readers({ A: true }), readers({ A: true, B: false }))).toBeNull();
    expect(signalFor(readers({ A: true, B: false }), readers({ A: true }))).toBeNull();
    expect(signalFor(readers({ A: false }), { kind: 'service-gone' })).toBeNull();
    expect(signalFor({ kind: 'no-reader' }, readers({ A: true }))).toBeNull();
    expect(signalFor({ kind: 'service-gone' }, { kind: 'no-reader' })).toBeNull();
  });
});

describe("a quick card swap between two readings (the reader's event counter)", () => {
  const PRESENT = 0x0020;
  const EMPTY = 0x0010;
  const reading = (reader: string, cardIsIn: boolean, count: number) => ({
    reader,
    eventState: ((count & 0xffff) << 16) | (cardIsIn ? PRESENT : EMPTY),
  });

  it('is a removal when the card is in at both readings but the counter moved; nothing when it did not', () => {
    const before = viewOf([reading('A', true, 1)]);
    expect(signalFor(before, viewOf([reading('A', true, 3)]))).toBe('smartcard-removed');
    expect(signalFor(before, viewOf([reading('A', true, 1)]))).toBeNull();
    // The counter wraps at 16 bits: 0xffff to 1 moved too.
    expect(signalFor(viewOf([reading('A', true, 0xffff)]), viewOf([reading('A', true, 0x1_0001)]))).toBe(
      'smartcard-removed',
    );
    // Where PC/SC keeps no counter (macOS: always 0), or a view carries none, only presence counts.
    expect(signalFor(viewOf([reading('A', true, 0)]), viewOf([reading('A', true, 0)]))).toBeNull();
    const noCounters = { kind: 'readers' as const, cards: new Map([['A', true]]) };
    expect(signalFor(noCounters, viewOf([reading('A', true, 5)]))).toBeNull();
    // A card that arrived (out before) is never a signal, however much the counter moved.
    expect(signalFor(viewOf([reading('A', false, 2)]), viewOf([reading('A', true, 5)]))).toBeNull();
  });

  // Between two readings each reader sees any sequence of insertions and removals (each moves its
  // counter by one, as pcsc-lite's eventhandler.c and Windows count them); the readings sample it.
  it('property: whenever a card that was in was out at any moment before the next reading, a removal (or unavailable) is reported', () => {
    const readerNames = ['A', 'B'] as const;
    const steps = fc.array(fc.array(fc.constantFrom(...readerNames), { maxLength: 6 }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.nat(0xffff), steps, (inA, inB, startCount, toggleRuns) => {
        const world = new Map([
          ['A', { in: inA, count: startCount }],
          ['B', { in: inB, count: startCount }],
        ]);
        const sample = () => viewOf(readerNames.map((r) => reading(r, world.get(r)!.in, world.get(r)!.count)));
        let previous = sample();
        for (const toggles of toggleRuns) {
          const wasIn = new Map(readerNames.map((r) => [r, world.get(r)!.in]));
          const outMeanwhile = new Set<string>();
          for (const r of toggles) {
            const state = world.get(r)!;
            state.in = !state.in;
            state.count += 1;
            if (!state.in) outMeanwhile.add(r);
          }
          const next = sample();
          const signal = signalFor(previous, next);
          const removedOne = readerNames.some((r) => wasIn.get(r) === true && outMeanwhile.has(r));
          if (removedOne) expect(['smartcard-removed', 'smartcard-unavailable']).toContain(signal);
          // And only then: a card that stayed put, or one that only arrived, is never a removal.
          else expect(signal).toBeNull();
          previous = next;
        }
      }),
      { numRuns: 300 },
    );
  });
});
