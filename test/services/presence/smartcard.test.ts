// The smartcard source against a fake PC/SC binding that behaves as winscard.dll and macOS's
// PCSC.framework do where pcsc-lite (tested for real in smartcard-pcsc.test.ts) cannot show it:
// SCARD_E_SERVICE_STOPPED when SCardSvr stops, SCARD_E_NO_READERS_AVAILABLE from
// SCardListReaders with no reader (Windows 8 and later then stop the service altogether), a
// reader list change seen only at a wait's timeout (no "\\?PnP?\Notification"), and the
// reader's event counter in the high word of dwEventState.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OsSignal } from '../../../main/core/os-signals';
import { pnpNotification, readerArrivalMs, scard, scardState } from '../../../main/core/smartcard';
import { createLogger } from '../../../main/services/logger';
import type { PcscBinding, PcscContext } from '../../../main/platform/pcsc';
import { createSmartcardSource, logSmartcardEvent } from '../../../main/services/presence/smartcard';
import type { SmartcardEvent } from '../../../main/services/presence/smartcard';

type Reader = { card: boolean; counter: number };

/** A PC/SC service in memory: readers with or without a card, that can stop and come back. */
class FakePcsc implements PcscBinding {
  readers = new Map<string, Reader>();
  running = true;
  /** Whether "\\?PnP?\Notification" is understood (Windows, pcsc-lite) or ignored (older macOS). */
  pnp = true;
  /** SCARD_E_SERVICE_STOPPED (Windows) or SCARD_E_NO_SERVICE (pcsc-lite) when the service stops. */
  stoppedCode: number = scard.E_SERVICE_STOPPED;
  contexts = new Set<number>();
  released: number[] = [];
  connects = 0;
  private next = 1;
  private readerListCounter = 0;
  private waiters = new Set<() => void>();

  async establish(): Promise<{ code: number; context: PcscContext | null }> {
    if (!this.running) return { code: scard.E_NO_SERVICE, context: null };
    const ctx = this.next++;
    this.contexts.add(ctx);
    return { code: scard.S_SUCCESS, context: ctx };
  }
  async listReaders(ctx: PcscContext): Promise<{ code: number; readers: string[] }> {
    if (!this.contexts.has(Number(ctx)))
      return { code: this.running ? scard.E_INVALID_HANDLE : this.stoppedCode, readers: [] };
    if (this.readers.size === 0) return { code: scard.E_NO_READERS_AVAILABLE, readers: [] };
    return { code: scard.S_SUCCESS, readers: [...this.readers.keys()] };
  }
  private stateOf(name: string): number {
    if (name === pnpNotification) return this.pnp ? this.readerListCounter << 16 : 0;
    const r = this.readers.get(name);
    if (r === undefined) return scardState.UNKNOWN;
    return (r.counter << 16) | (r.card ? scardState.PRESENT : scardState.EMPTY);
  }
  async getStatusChange(
    ctx: PcscContext,
    timeoutMs: number,
    states: readonly { reader: string; currentState: number }[],
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.contexts.has(Number(ctx)))
        return { code: this.running ? scard.E_INVALID_HANDLE : this.stoppedCode, readings: [] };
      if (this.cancelled.delete(Number(ctx))) return { code: scard.E_CANCELLED, readings: [] };
      const readings = states.map((s) => {
        const now = this.stateOf(s.reader);
        const changed = s.reader === pnpNotification && !this.pnp ? false : now !== s.currentState;
        return { reader: s.reader, eventState: now | (changed ? scardState.CHANGED : 0) };
      });
      if (readings.some((r) => (r.eventState & scardState.CHANGED) !== 0)) return { code: scard.S_SUCCESS, readings };
      const left = deadline - Date.now();
      if (left <= 0) return { code: scard.E_TIMEOUT, readings: [] };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(wake);
      });
    }
  }
  private cancelled = new Set<number>();
  cancel(ctx: PcscContext): number {
    this.cancelled.add(Number(ctx));
    this.poke();
    return scard.S_SUCCESS;
  }
  async release(ctx: PcscContext): Promise<number> {
    this.contexts.delete(Number(ctx));
    this.released.push(Number(ctx));
    return scard.S_SUCCESS;
  }
  // What the world does.
  plug(name: string, card = false): void {
    this.readers.set(name, { card, counter: 0 });
    this.readerListCounter += 1;
    this.poke();
  }
  unplug(name: string): void {
    this.readers.delete(name);
    this.readerListCounter += 1;
    this.poke();
  }
  card(name: string, inserted: boolean): void {
    const r = this.readers.get(name);
    if (r === undefined) throw new Error('no such reader');
    r.card = inserted;
    r.counter += 1;
    this.poke();
  }
  stop(): void {
    this.running = false;
    this.contexts.clear();
    this.poke();
  }
  start(): void {
    this.running = true;
  }
  private poke(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const wake of all) wake();
  }
}

function harness(fake: FakePcsc, options: { lockOnRemoval?: boolean; waitMs?: number; platform?: string } = {}) {
  const signals: OsSignal[] = [];
  const events: SmartcardEvent[] = [];
  const sleeps: number[] = [];
  const source = createSmartcardSource({
    ...(options.platform ? { platform: options.platform } : {}),
    events: { signal: (s) => void signals.push(s) },
    lockOnRemoval: options.lockOnRemoval ?? true,
    load: () => fake,
    waitMs: options.waitMs ?? 1_000,
    // Retries come at once in these tests; the real delays are core's retryDelayMs.
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return new Promise((resolve) => (signal.aborted ? resolve() : setTimeout(resolve, 5)));
    },
    onEvent: (e) => void events.push(e),
  });
  return { source, signals, events, sleeps };
}

async function until(what: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('smartcard source (fake PC/SC: Windows and macOS behaviour)', () => {
  it('is live with a card in, and raises smartcard-removed the moment the card leaves', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals } = harness(fake);
    await source.ready();
    expect(source.status()).toMatchObject({ source: 'smartcard', state: 'live' });
    expect(source.cardPresent()).toBe(true);
    fake.card('Reader A', false);
    await until(() => signals.length > 0);
    expect(signals).toEqual(['smartcard-removed']);
    expect(source.cardPresent()).toBe(false);
    await source.dispose();
  });

  it('raises smartcard-removed for a card taken out and put back before the watcher looked (the event counter moved)', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals } = harness(fake);
    await source.ready();
    // Both in the same turn: the next reading shows the card in, with the counter two further on.
    fake.card('Reader A', false);
    fake.card('Reader A', true);
    await until(() => signals.length > 0);
    expect(signals).toEqual(['smartcard-removed']);
    expect(source.cardPresent()).toBe(true);
    await source.dispose();
  });

  it('raises nothing when a card is inserted: it only reports the card is in (the lock screen prompts)', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', false);
    const { source, signals } = harness(fake);
    await source.ready();
    const changes: (boolean | null)[] = [];
    source.onCardChange((present) => changes.push(present));
    fake.card('Reader A', true);
    await until(() => changes.length > 0);
    expect(changes).toEqual([true]);
    expect(signals).toEqual([]);
    await source.dispose();
  });

  it('fails closed when SCardSvr stops with the card in (SCARD_E_SERVICE_STOPPED), and is live again when it returns', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals, events } = harness(fake);
    await source.ready();
    fake.stop();
    await until(() => signals.length > 0);
    expect(signals).toEqual(['smartcard-unavailable']);
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'service-gone' });
    expect(source.cardPresent()).toBeNull();
    expect(events).toContainEqual({
      type: 'pcsc-error',
      call: 'SCardGetStatusChange',
      code: 'SCARD_E_SERVICE_STOPPED',
    });
    fake.start();
    await until(() => source.status().state === 'live');
    expect(source.cardPresent()).toBe(true);
    // The card being there again after the service came back is not a signal either.
    expect(signals).toEqual(['smartcard-unavailable']);
    await source.dispose();
  });

  it('does not lock when the service goes while no card was in: the card was not the presence signal', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', false);
    const { source, signals } = harness(fake);
    await source.ready();
    fake.stop();
    await until(() => source.status().state === 'unavailable');
    expect(signals).toEqual([]);
    await source.dispose();
  });

  it('fails closed when the reader holding the card is unplugged, and watches a reader plugged in later', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals } = harness(fake);
    await source.ready();
    fake.unplug('Reader A');
    await until(() => signals.length > 0);
    expect(signals).toEqual(['smartcard-unavailable']);
    // SCardListReaders now says SCARD_E_NO_READERS_AVAILABLE.
    await until(() => source.status().state === 'unavailable');
    expect(source.status()).toMatchObject({ reason: 'no-reader' });
    fake.plug('Reader B', false);
    await until(() => source.status().state === 'live');
    fake.card('Reader B', true);
    await until(() => source.cardPresent() === true);
    fake.card('Reader B', false);
    await until(() => signals.length > 1);
    expect(signals).toEqual(['smartcard-unavailable', 'smartcard-removed']);
    await source.dispose();
  });

  it('sees a reader arrive at the next wait timeout where "\\\\?PnP?\\Notification" is not supported', async () => {
    const fake = new FakePcsc();
    fake.pnp = false;
    const { source } = harness(fake, { waitMs: 50 });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-reader' });
    // No reader cannot say whether a card is in: the lock screen must not ask for one on a PC without a reader.
    expect(source.cardPresent()).toBeNull();
    fake.plug('Reader A', true);
    await until(() => source.cardPresent() === true);
    expect(source.status().state).toBe('live');
    await source.dispose();
  });

  it("on macOS never names the PnP pseudo-reader (Apple's PC/SC never had it), and still sees a reader arrive", async () => {
    const fake = new FakePcsc();
    const named: string[] = [];
    const real = fake.getStatusChange.bind(fake);
    fake.getStatusChange = (ctx, timeoutMs, states) => {
      named.push(...states.map((st) => st.reader));
      return real(ctx, timeoutMs, states);
    };
    const { source } = harness(fake, { platform: 'darwin' });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-reader' });
    fake.plug('Reader A', true);
    await until(() => source.cardPresent() === true);
    fake.card('Reader A', false);
    await until(() => source.cardPresent() === false);
    expect(named).not.toContain(pnpNotification);
    expect(named).toContain('Reader A');
    await source.dispose();
  });

  it('with LockOnCardRemoval off, reports off-by-policy and raises nothing, but still knows whether a card is in', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals, events } = harness(fake, { lockOnRemoval: false });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'off-by-policy', reason: 'LockOnCardRemoval' });
    fake.card('Reader A', false);
    await until(() => source.cardPresent() === false);
    expect(signals).toEqual([]);
    expect(events).toContainEqual({ type: 'signal', signal: 'smartcard-removed', raised: false });
    await source.dispose();
  });

  it('reports the source unavailable (no-library) where PC/SC cannot be loaded, and keeps trying', async () => {
    let loads = 0;
    const source = createSmartcardSource({
      events: { signal: () => undefined },
      lockOnRemoval: true,
      load: () => {
        loads += 1;
        throw new Error('libpcsclite.so.1: cannot open shared object file');
      },
      sleep: (_ms, signal) => new Promise((resolve) => (signal.aborted ? resolve() : setTimeout(resolve, 5))),
    });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-library' });
    await until(() => loads >= 2);
    await source.dispose();
  });

  it('never names a reader in what it reports (reader names can carry serial numbers)', async () => {
    const fake = new FakePcsc();
    fake.plug('OMNIKEY 3121 [SN 12345678] 00 00', true);
    const { source, events } = harness(fake);
    await source.ready();
    fake.card('OMNIKEY 3121 [SN 12345678] 00 00', false);
    await until(() => source.cardPresent() === false);
    fake.stop();
    await until(() => source.status().state === 'unavailable');
    expect(JSON.stringify(events)).not.toContain('12345678');
    await source.dispose();
  });

  it('cancels its wait and releases its context on dispose, promptly', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source } = harness(fake, { waitMs: 60_000 });
    await source.ready();
    const started = Date.now();
    await source.dispose();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.released).toHaveLength(1);
    expect(fake.contexts.size).toBe(0);
  });

  it('Windows 8+, no reader: a Smart Card service stopped for want of a reader is its own reason, looked at every second, logged once', async () => {
    const fake = new FakePcsc();
    fake.running = false;
    const { source, events, sleeps } = harness(fake, { platform: 'win32' });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-reader-service-stopped' });
    expect(source.cardPresent()).toBeNull();
    await until(() => sleeps.length >= 3);
    expect(sleeps.slice(0, 3)).toEqual([readerArrivalMs, readerArrivalMs, readerArrivalMs]);
    // The same failure, again and again: told once.
    expect(events.filter((e) => e.type === 'pcsc-error')).toEqual([
      { type: 'pcsc-error', call: 'SCardEstablishContext', code: 'SCARD_E_NO_SERVICE' },
    ]);
    // A reader plugged in: Windows starts the service, and the watcher sees it.
    fake.plug('Reader A', true);
    fake.start();
    await until(() => source.status().state === 'live');
    expect(source.cardPresent()).toBe(true);
    await source.dispose();
  });

  it('Windows 8+: the reader with the card unplugged and the service stopping with it still fails closed', async () => {
    const fake = new FakePcsc();
    fake.plug('Reader A', true);
    const { source, signals } = harness(fake, { platform: 'win32' });
    await source.ready();
    fake.unplug('Reader A');
    fake.stop();
    await until(() => signals.length > 0);
    expect(signals).toEqual(['smartcard-unavailable']);
    await until(() => source.status().reason === 'no-reader-service-stopped');
    await source.dispose();
  });

  it('elsewhere, a service that will not give a context is service-gone (pcscd is not started by a reader)', async () => {
    const fake = new FakePcsc();
    fake.running = false;
    const { source } = harness(fake, { platform: 'linux' });
    await source.ready();
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'service-gone' });
    await source.dispose();
  });

  it('logs a failed PC/SC call with its name and return code, and a removal, never a reader name', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ destination, level: 'debug' });
    const fake = new FakePcsc();
    fake.plug('OMNIKEY 3121 [SN 12345678] 00 00', true);
    const source = createSmartcardSource({
      events: { signal: () => undefined },
      lockOnRemoval: true,
      load: () => fake,
      sleep: (_ms, signal) => new Promise((resolve) => (signal.aborted ? resolve() : setTimeout(resolve, 5))),
      onEvent: (e) => logSmartcardEvent(logger, e),
    });
    await source.ready();
    fake.stop();
    await until(() => source.status().state === 'unavailable');
    await source.dispose();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toContainEqual(
      expect.objectContaining({
        event: 'smartcard.pcsc-error',
        call: 'SCardGetStatusChange',
        scard: 'SCARD_E_SERVICE_STOPPED',
        level: 40,
      }),
    );
    expect(parsed).toContainEqual(
      expect.objectContaining({ event: 'smartcard.signal', signal: 'smartcard-unavailable', raised: true }),
    );
    expect(lines.join('')).not.toContain('12345678');
  });
});
