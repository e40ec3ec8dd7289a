// The harness's in-memory PC/SC service answers as pcsc-lite does (the codes and state bits of
// main/core/smartcard.ts), so the real smartcard source over it behaves as over pcscd.
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { pnpNotification, scard, scardState } from '../../main/core/smartcard';
import { createSmartcardSource } from '../../main/services/presence/smartcard';
import type { SmartcardSource } from '../../main/services/presence/smartcard';
import { createMemoryPcsc } from './memory-pcsc';

async function until(what: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets the event loop go round `n` times (timers included). */
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i += 1) await new Promise((r) => setTimeout(r, 0));
};

describe('in-memory PC/SC (pcsc-lite semantics)', () => {
  it('reports the card with its event counter, waits for a change, and says CHANGED only where it differs', async () => {
    const pcsc = createMemoryPcsc();
    const { context } = await pcsc.binding.establish();
    expect(context).not.toBeNull();
    const ctx = context as number;
    expect(await pcsc.binding.listReaders(ctx)).toEqual({ code: scard.S_SUCCESS, readers: [pcsc.reader] });
    // UNAWARE: answered at once.
    const first = await pcsc.binding.getStatusChange(ctx, 1_000, [
      { reader: pcsc.reader, currentState: scardState.UNAWARE },
    ]);
    expect(first.code).toBe(scard.S_SUCCESS);
    expect(first.readings[0]?.eventState).toBe(scardState.EMPTY | scardState.CHANGED);
    // Told the state it has: waits, and times out.
    const same = await pcsc.binding.getStatusChange(ctx, 20, [{ reader: pcsc.reader, currentState: scardState.EMPTY }]);
    expect(same.code).toBe(scard.E_TIMEOUT);
    expect(same.readings[0]?.eventState).toBe(scardState.EMPTY);
    // A card going in ends the wait: PRESENT, counter 1 in the high word.
    const waiting = pcsc.binding.getStatusChange(ctx, 5_000, [
      { reader: pcsc.reader, currentState: scardState.EMPTY },
      { reader: pnpNotification, currentState: 1 << 16 },
    ]);
    await pcsc.insertCard();
    const inserted = await waiting;
    expect(inserted.code).toBe(scard.S_SUCCESS);
    expect(inserted.readings[0]?.eventState).toBe((1 << 16) | scardState.PRESENT | scardState.CHANGED);
    expect(inserted.readings[1]?.eventState).toBe(1 << 16);
    // A reader it does not know refuses the whole call, as pcsc-lite's SCardGetStatusChange does.
    const unknown = await pcsc.binding.getStatusChange(ctx, 1_000, [
      { reader: pcsc.reader, currentState: scardState.UNAWARE },
      { reader: 'No Such Reader', currentState: scardState.UNAWARE },
    ]);
    expect(unknown.code).toBe(scard.E_UNKNOWN_READER);
    // An empty list: success at once (pcsc-lite: "reader list is empty").
    expect((await pcsc.binding.getStatusChange(ctx, 5_000, [])).code).toBe(scard.S_SUCCESS);
  });

  it('the counter counts: out and in again between two waits still reads as a change', async () => {
    const pcsc = createMemoryPcsc({ cardIn: true });
    const ctx = (await pcsc.binding.establish()).context as number;
    const seen =
      (await pcsc.binding.getStatusChange(ctx, 0, [{ reader: pcsc.reader, currentState: scardState.UNAWARE }]))
        .readings[0]?.eventState ?? 0;
    await pcsc.removeCard();
    await pcsc.insertCard();
    const next = await pcsc.binding.getStatusChange(ctx, 1_000, [
      { reader: pcsc.reader, currentState: seen & ~scardState.CHANGED },
    ]);
    expect(next.code).toBe(scard.S_SUCCESS);
    expect(next.readings[0]?.eventState).toBe((3 << 16) | scardState.PRESENT | scardState.CHANGED);
  });

  it('cancel ends a wait with SCARD_E_CANCELLED; the service stopping ends it with SCARD_E_NO_SERVICE and kills the context', async () => {
    const pcsc = createMemoryPcsc();
    const ctx = (await pcsc.binding.establish()).context as number;
    const cancelled = pcsc.binding.getStatusChange(ctx, 0xffff_ffff, [
      { reader: pcsc.reader, currentState: scardState.EMPTY },
    ]);
    await turns(2);
    expect(pcsc.binding.cancel(ctx)).toBe(scard.S_SUCCESS);
    expect((await cancelled).code).toBe(scard.E_CANCELLED);
    const stopped = pcsc.binding.getStatusChange(ctx, 0xffff_ffff, [
      { reader: pcsc.reader, currentState: scardState.EMPTY },
    ]);
    await pcsc.stopService();
    expect((await stopped).code).toBe(scard.E_NO_SERVICE);
    expect((await pcsc.binding.listReaders(ctx)).code).toBe(scard.E_NO_SERVICE);
    expect(await pcsc.binding.establish()).toEqual({ code: scard.E_NO_SERVICE, context: null });
    await pcsc.startService();
    // The old context stays dead; a new one works.
    expect((await pcsc.binding.listReaders(ctx)).code).toBe(scard.E_NO_SERVICE);
    expect((await pcsc.binding.establish()).code).toBe(scard.S_SUCCESS);
    expect((await pcsc.binding.listReaders(12345)).code).toBe(scard.E_INVALID_HANDLE);
  });

  it('loses a cancel sent before the wait is queued, as pcsc-lite does (SCardCancel answers success, the wait runs on)', async () => {
    const pcsc = createMemoryPcsc({ queueMs: 30 });
    const ctx = (await pcsc.binding.establish()).context as number;
    const started = Date.now();
    const waiting = pcsc.binding.getStatusChange(ctx, 200, [{ reader: pcsc.reader, currentState: scardState.EMPTY }]);
    expect(pcsc.binding.cancel(ctx)).toBe(scard.S_SUCCESS);
    expect((await waiting).code).toBe(scard.E_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('refuses the PnP pseudo-reader where told to, as a PC/SC without it does: SCARD_E_UNKNOWN_READER', async () => {
    const pcsc = createMemoryPcsc({ pnp: 'refused' });
    const ctx = (await pcsc.binding.establish()).context as number;
    const refused = await pcsc.binding.getStatusChange(ctx, 1_000, [
      { reader: pcsc.reader, currentState: scardState.UNAWARE },
      { reader: pnpNotification, currentState: scardState.UNAWARE },
    ]);
    expect(refused.code).toBe(scard.E_UNKNOWN_READER);
    const without = await pcsc.binding.getStatusChange(ctx, 1_000, [
      { reader: pcsc.reader, currentState: scardState.UNAWARE },
    ]);
    expect(without.code).toBe(scard.S_SUCCESS);
    expect(pcsc.calls.getStatusChange).toBe(2);
  });

  it('no reader plugged in: SCARD_E_NO_READERS_AVAILABLE, and the PnP pseudo-reader says the count changed', async () => {
    const pcsc = createMemoryPcsc();
    const ctx = (await pcsc.binding.establish()).context as number;
    const waiting = pcsc.binding.getStatusChange(ctx, 5_000, [{ reader: pnpNotification, currentState: 1 << 16 }]);
    await pcsc.plugReader(false);
    expect((await waiting).readings[0]?.eventState).toBe(scardState.CHANGED);
    expect((await pcsc.binding.listReaders(ctx)).code).toBe(scard.E_NO_READERS_AVAILABLE);
  });
});

describe('the real smartcard source over it', () => {
  let source: SmartcardSource | null = null;
  afterEach(async () => {
    await source?.dispose();
    source = null;
  });

  it('card out → smartcard-removed; service stopped with the card in → smartcard-unavailable; back → live and the card seen', async () => {
    const pcsc = createMemoryPcsc({ cardIn: true });
    const signals: string[] = [];
    source = createSmartcardSource({
      events: { signal: (s) => signals.push(s) },
      lockOnRemoval: true,
      load: () => pcsc.binding,
      waitMs: 200,
      sleep: (_ms, signal) => new Promise((r) => (signal.aborted ? r() : setTimeout(r, 20))),
    });
    const s = source;
    await s.ready();
    await until(() => s.cardPresent() === true);
    expect(s.status()).toMatchObject({ state: 'live' });
    await pcsc.removeCard();
    await until(() => signals.length === 1);
    expect(signals).toEqual(['smartcard-removed']);
    await pcsc.insertCard();
    await until(() => s.cardPresent() === true);
    expect(signals).toEqual(['smartcard-removed']);
    await pcsc.stopService();
    await until(() => signals.length === 2);
    expect(signals[1]).toBe('smartcard-unavailable');
    expect(s.cardPresent()).toBeNull();
    expect(s.status()).toMatchObject({ state: 'unavailable', reason: 'service-gone' });
    await pcsc.startService();
    await until(() => s.status().state === 'live' && s.cardPresent() === true);
    expect(signals).toHaveLength(2);
  });

  it('where the PnP pseudo-reader is refused (macOS), never spins: a bounded number of calls a second, and still sees the card leave and a reader arrive', async () => {
    const pcsc = createMemoryPcsc({ cardIn: true, pnp: 'refused' });
    const signals: string[] = [];
    source = createSmartcardSource({
      events: { signal: (s) => signals.push(s) },
      lockOnRemoval: true,
      load: () => pcsc.binding,
      platform: 'linux',
    });
    const s = source;
    await until(() => s.cardPresent() === true);
    // A reader gone and no pseudo-reader to say so: the watcher lists again every second.
    await pcsc.plugReader(false);
    await until(() => signals.length === 1);
    expect(signals).toEqual(['smartcard-unavailable']);
    const before = { ...pcsc.calls };
    await new Promise((r) => setTimeout(r, 2_000));
    const listings = pcsc.calls.listReaders - before.listReaders;
    const waits = pcsc.calls.getStatusChange - before.getStatusChange;
    // Before the fix: thousands of each in 2 s. Now one listing a second (readerArrivalMs); the
    // bound below is the hard cap of the pacing (4 listings and 20 waits a second).
    expect(listings).toBeLessThanOrEqual(8);
    expect(waits).toBeLessThanOrEqual(40);
    const plugged = Date.now();
    await pcsc.plugReader(true);
    await until(() => s.status().state === 'live' && s.cardPresent() === true);
    // Within about readerArrivalMs (1 s), with room for a slow machine.
    expect(Date.now() - plugged).toBeLessThan(3_000);
    await pcsc.removeCard();
    await until(() => signals.length === 2);
    expect(signals[1]).toBe('smartcard-removed');
  });

  it('cancelNow sends SCardCancel before it returns, and again until the wait has returned (for exits that cannot await dispose)', async () => {
    const pcsc = createMemoryPcsc({ cardIn: true, queueMs: 400 });
    source = createSmartcardSource({
      events: { signal: () => undefined },
      lockOnRemoval: true,
      load: () => pcsc.binding,
      waitMs: 60_000,
      platform: 'linux',
    });
    const s = source;
    await until(() => s.cardPresent() === true);
    // The next wait is being queued now: the first cancel is lost, the repeats land.
    await until(() => pcsc.calls.getStatusChange >= 2);
    const before = pcsc.calls.cancel;
    s.cancelNow();
    expect(pcsc.calls.cancel).toBe(before + 1);
    const started = Date.now();
    await s.dispose();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(pcsc.calls.cancel).toBeGreaterThan(before + 1);
  });

  // A cancel that reaches PC/SC before the wait is queued is lost (pcsc-lite's SCardCancel); the
  // watcher repeats it until the wait returns. Over random timings of the queueing, of dispose
  // (mid-listing, mid-wait, at once) and of the card, dispose ends the watch well within one wait.
  it('property: dispose ends the watch within a bounded time, whenever it comes and however late the wait is queued', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        fc.constantFrom<'supported' | 'refused'>('supported', 'refused'),
        async (queueMs, disposeAfterMs, cardIn, pnp) => {
          const pcsc = createMemoryPcsc({ cardIn, pnp, queueMs });
          const s = createSmartcardSource({
            events: { signal: () => undefined },
            lockOnRemoval: true,
            load: () => pcsc.binding,
            waitMs: 60_000,
            platform: 'linux',
          });
          await new Promise((r) => setTimeout(r, disposeAfterMs));
          const started = Date.now();
          await s.dispose();
          // A wait of 60 s would be over 1.5 s; repeating the cancel every 50 ms ends it long before.
          expect(Date.now() - started).toBeLessThan(1_500);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
