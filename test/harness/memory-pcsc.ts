/**
 * An in-memory PC/SC service for the harness where no pcscd can be reached (a developer's laptop
 * without pcsc-lite, `npm run harness` by default): one reader, a card that goes in and out, and a
 * service that stops and starts, behind the same PcscBinding the smartcard source uses over koffi.
 * Everything above the binding is the real thing: the source's state machine, the gate, the
 * session engine and the lock screen.
 *
 * It answers as pcsc-lite's client library does (pcsc-lite's winscard_clnt.c and winscard_msg.c,
 * SCardGetStatusChange in PC/SC Workgroup specification part 5), never more kindly:
 * - SCardEstablishContext with the service down: SCARD_E_NO_SERVICE.
 * - A context from before the service stopped is dead: every call on it answers
 *   SCARD_E_NO_SERVICE (the client's socket to the old pcscd is closed), and a wait in progress
 *   ends with it. A context never seen: SCARD_E_INVALID_HANDLE.
 * - SCardListReaders with no reader attached: SCARD_E_NO_READERS_AVAILABLE.
 * - SCardGetStatusChange: each reader's event state is its event counter in the high 16 bits
 *   (raised at every card arrival and removal) and SCARD_STATE_PRESENT or SCARD_STATE_EMPTY; it
 *   returns at once, with SCARD_STATE_CHANGED on the readers that differ, when any reader's state
 *   (presence bits or counter, where the caller gave one) differs from the caller's current
 *   state. A reader name it does not know when the call begins refuses the whole call with
 *   SCARD_E_UNKNOWN_READER (winscard_clnt.c, "The requested reader name is not recognized"); a
 *   reader that goes during the wait reads SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE |
 *   SCARD_STATE_CHANGED. An empty list answers SCARD_S_SUCCESS at once. Otherwise it waits for
 *   a change, SCardCancel (SCARD_E_CANCELLED), the service stopping (SCARD_E_NO_SERVICE) or the
 *   timeout (SCARD_E_TIMEOUT; 0 means "do not wait", 0xFFFFFFFF INFINITE). The
 *   "\\?PnP?\Notification" pseudo-reader carries the reader count in its high word and is
 *   CHANGED when the count changes during the wait, as pcsc-lite compares against the count it
 *   had when the call began. With `pnp: 'refused'` the name is one it does not know, as in a
 *   PC/SC without it (Apple's never had it): SCARD_E_UNKNOWN_READER.
 * - SCardCancel reaches only a wait already queued: pcsc-lite's SCardCancel returns
 *   SCARD_S_SUCCESS and does nothing unless the context is inside its wait (the context's
 *   `cancellable` flag, set only around MessageReceiveTimeout, after the call has synchronised
 *   the reader states with pcscd). Here a wait is queued `queueMs` after the call (default: the
 *   next turn of the event loop); a cancel before that is lost, as it can be on a real PC.
 * Every answer comes back asynchronously, as koffi's async calls do from their worker thread, and
 * every call is counted (`calls`), so a test can see a watcher that calls in a loop.
 */
import { pnpNotification, scard, scardState } from '../../main/core/smartcard';
import type { ReaderReading } from '../../main/core/smartcard';
import type { PcscBinding, PcscContext } from '../../main/platform/pcsc';

/** The card and the smartcard service, simulated here or real (virtual-card.ts). */
export interface CardControl {
  /** Whether the card is (physically) in the reader. */
  readonly cardIn: boolean;
  insertCard(): Promise<void>;
  removeCard(): Promise<void>;
  stopService(): Promise<void>;
  startService(): Promise<void>;
}

export interface MemoryPcsc extends CardControl {
  readonly binding: PcscBinding;
  readonly reader: string;
  /** How many times each call was made. */
  readonly calls: Readonly<Record<keyof PcscBinding, number>>;
  /** The reader unplugged (false) or plugged back in (true). */
  plugReader(plugged: boolean): Promise<void>;
}

const INFINITE = 0xffff_ffff;

interface Waiter {
  readonly context: number;
  /** Inside its wait: a cancel reaches it. */
  queued: boolean;
  finish(code: number): void;
  /** Re-checks the caller's states; true when it answered. */
  check(): boolean;
}

export interface MemoryPcscOptions {
  readonly cardIn?: boolean;
  /** 'refused': the PnP pseudo-reader is a name it does not know (macOS). Default 'supported'. */
  readonly pnp?: 'supported' | 'refused';
  /** How long after SCardGetStatusChange is called its wait is queued (a cancel before is lost). */
  readonly queueMs?: number;
}

export function createMemoryPcsc(options: MemoryPcscOptions = {}): MemoryPcsc {
  const reader = 'Harness Virtual Reader 00 00';
  let running = true;
  let plugged = true;
  let cardIn = options.cardIn ?? false;
  // The reader's event counter (pcsc-lite keeps 16 bits of it in the event state's high word); a
  // card already in counts as its arrival, as pcscd counts the card it finds at its first poll.
  let events = cardIn ? 1 : 0;
  let nextContext = 1;
  const live = new Set<number>();
  const dead = new Set<number>();
  const waiters = new Set<Waiter>();
  const calls = { establish: 0, listReaders: 0, getStatusChange: 0, cancel: 0, release: 0 };
  const knows = (name: string): boolean =>
    readers().includes(name) || (name === pnpNotification && options.pnp !== 'refused');

  const later = <T>(value: T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(value)));
  const readers = (): string[] => (plugged ? [reader] : []);
  const stateOf = (): number => ((events & 0xffff) << 16) | (cardIn ? scardState.PRESENT : scardState.EMPTY);
  /** What a call on `ctx` answers before doing anything, or null when it may go on. */
  const refuse = (ctx: PcscContext): number | null => {
    const id = Number(ctx);
    if (live.has(id)) return null;
    return dead.has(id) ? scard.E_NO_SERVICE : scard.E_INVALID_HANDLE;
  };
  const changed = (): void => {
    for (const waiter of [...waiters]) waiter.check();
  };

  const binding: PcscBinding = {
    establish() {
      calls.establish += 1;
      if (!running) return later({ code: scard.E_NO_SERVICE, context: null });
      const context = nextContext++;
      live.add(context);
      return later({ code: scard.S_SUCCESS, context });
    },
    listReaders(ctx) {
      calls.listReaders += 1;
      const refused = refuse(ctx);
      if (refused !== null) return later({ code: refused, readers: [] });
      const names = readers();
      return later(
        names.length === 0
          ? { code: scard.E_NO_READERS_AVAILABLE, readers: [] }
          : { code: scard.S_SUCCESS, readers: names },
      );
    },
    getStatusChange(ctx, timeoutMs, states) {
      calls.getStatusChange += 1;
      const untouched = states.map((s) => ({ reader: s.reader, eventState: 0 }));
      if (states.length === 0) return later({ code: scard.S_SUCCESS, readings: [] });
      const refused = refuse(ctx) ?? (states.every((s) => knows(s.reader)) ? null : scard.E_UNKNOWN_READER);
      if (refused !== null) return later({ code: refused, readings: untouched });
      const countAtStart = readers().length;
      const read = (): { any: boolean; readings: ReaderReading[] } => {
        let any = false;
        const readings = states.map(({ reader: name, currentState }): ReaderReading => {
          if (name === pnpNotification) {
            const count = readers().length;
            // pcsc-lite also compares with the caller's count, where it gave one (a non-zero high word).
            const told = currentState >>> 16;
            const moved = count !== countAtStart || (told !== 0 && told !== count);
            any ||= moved;
            return { reader: name, eventState: (count << 16) | (moved ? scardState.CHANGED : 0) };
          }
          if (!readers().includes(name)) {
            const already = (currentState & scardState.UNKNOWN) !== 0;
            any ||= !already;
            const gone = scardState.UNKNOWN | scardState.UNAVAILABLE;
            return { reader: name, eventState: gone | (already ? 0 : scardState.CHANGED) };
          }
          const now = stateOf();
          const presence = scardState.PRESENT | scardState.EMPTY;
          // The counter counts only where the caller gave one (pcsc-lite ignores a zero high word).
          const counterMoved =
            (currentState & 0xffff_0000) !== 0 && (currentState & 0xffff_0000) >>> 0 !== (now & 0xffff_0000) >>> 0;
          const differs = (currentState & presence) !== (now & presence) || counterMoved;
          any ||= differs;
          return { reader: name, eventState: now | (differs ? scardState.CHANGED : 0) };
        });
        return { any, readings };
      };
      return new Promise((resolve) => {
        const first = read();
        if (first.any) return void setImmediate(() => resolve({ code: scard.S_SUCCESS, readings: first.readings }));
        if (timeoutMs === 0)
          return void setImmediate(() => resolve({ code: scard.E_TIMEOUT, readings: first.readings }));
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waiter: Waiter = {
          context: Number(ctx),
          queued: false,
          finish(code) {
            waiters.delete(waiter);
            clearTimeout(timer);
            resolve({ code, readings: read().readings });
          },
          check() {
            const now = read();
            if (!now.any) return false;
            waiters.delete(waiter);
            clearTimeout(timer);
            resolve({ code: scard.S_SUCCESS, readings: now.readings });
            return true;
          },
        };
        waiters.add(waiter);
        setTimeout(() => (waiter.queued = true), options.queueMs ?? 0);
        if (timeoutMs !== INFINITE) timer = setTimeout(() => waiter.finish(scard.E_TIMEOUT), timeoutMs);
      });
    },
    cancel(ctx) {
      calls.cancel += 1;
      const refused = refuse(ctx);
      if (refused !== null) return refused;
      // Not yet inside its wait: pcsc-lite answers success and cancels nothing.
      for (const waiter of [...waiters])
        if (waiter.context === Number(ctx) && waiter.queued) waiter.finish(scard.E_CANCELLED);
      return scard.S_SUCCESS;
    },
    release(ctx) {
      calls.release += 1;
      const refused = refuse(ctx);
      if (refused !== null) return later(refused);
      for (const waiter of [...waiters]) if (waiter.context === Number(ctx)) waiter.finish(scard.E_CANCELLED);
      live.delete(Number(ctx));
      return later(scard.S_SUCCESS);
    },
  };

  return {
    binding,
    reader,
    calls,
    get cardIn() {
      return cardIn;
    },
    async insertCard() {
      if (cardIn) return;
      cardIn = true;
      events += 1;
      changed();
    },
    async removeCard() {
      if (!cardIn) return;
      cardIn = false;
      events += 1;
      changed();
    },
    async plugReader(next) {
      if (plugged === next) return;
      plugged = next;
      changed();
    },
    async stopService() {
      if (!running) return;
      running = false;
      // Every context dies with the service; a wait in progress ends as the socket closes.
      for (const id of live) dead.add(id);
      live.clear();
      for (const waiter of [...waiters]) waiter.finish(scard.E_NO_SERVICE);
    },
    async startService() {
      running = true;
    },
  };
}
