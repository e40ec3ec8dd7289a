/**
 * The smartcard presence source: watches the PC/SC readers and raises 'smartcard-removed' when a
 * card leaves its reader, and 'smartcard-unavailable' when the shell loses sight of a card that
 * was in (its reader unplugged, pcscd or the Smart Card service stopped or restarted): fail
 * closed. It keeps trying the service again (core/smartcard.ts, retryDelayMs) and reports itself
 * live again when the service is back. A card arriving raises nothing: the lock screen only
 * says the card is in (cardPresent), and the clinician still unlocks with NHS Care Identity.
 *
 * One loop, never two: establish a context, list the readers, then wait in SCardGetStatusChange
 * (on a worker thread, pcsc.ts) for any reader's state to change, or for the reader list to
 * change through the "\\?PnP?\Notification" pseudo-reader. Each wait is bounded (waitMs), and
 * the readers are listed again after it, so a platform without the pseudo-reader still sees a
 * reader come and go within one wait.
 */
import type { PresenceSource, PresenceStatus } from '../../core/presence';
import {
  anyCard,
  pnpNotification,
  retryDelayMs,
  scard,
  scardCodeName,
  scardOutcome,
  scardState,
  signalFor,
  viewOf,
} from '../../core/smartcard';
import type { ReaderReading, SmartcardView } from '../../core/smartcard';
import type { OsEvents } from '../../core/os-signals';
import type { PcscBinding, PcscContext } from '../../platform/pcsc';
import { loadPcsc } from '../../platform/pcsc';

/** What the audit log hears from the source: codes and states only, never a reader's name. */
export type SmartcardEvent =
  | { readonly type: 'status'; readonly status: PresenceStatus }
  | { readonly type: 'card'; readonly present: boolean | null }
  | {
      readonly type: 'signal';
      readonly signal: 'smartcard-removed' | 'smartcard-unavailable';
      readonly raised: boolean;
    }
  | { readonly type: 'pcsc-error'; readonly call: string; readonly code: string };

export interface SmartcardSourceDeps {
  /** The session service's OS port. */
  readonly events: Pick<OsEvents, 'signal'>;
  /** LockOnCardRemoval: off, the card is still watched (for the lock screen and RequireSmartcard) but never locks. */
  readonly lockOnRemoval: boolean;
  /** Loads PC/SC; throws where the library is missing. Default: koffi and the platform's library. */
  readonly load?: () => PcscBinding;
  /** How long one SCardGetStatusChange waits before the readers are listed again. */
  readonly waitMs?: number;
  /** Waits before trying the service again; resolves early when `signal` aborts (dispose). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onEvent?: (event: SmartcardEvent) => void;
}

export interface SmartcardSource extends PresenceSource {
  /** Whether a card is in a reader now; null while the shell cannot see the readers. */
  cardPresent(): boolean | null;
  /** Called when cardPresent() changes. Returns an unsubscribe. */
  onCardChange(listener: (present: boolean | null) => void): () => void;
  /** Resolves once the first picture of the readers (or of the service's absence) is in. */
  ready(): Promise<void>;
}

const sees = ['smartcard-removed', 'smartcard-unavailable'] as const;

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createSmartcardSource(deps: SmartcardSourceDeps): SmartcardSource {
  const waitMs = deps.waitMs ?? 5_000;
  const sleep = deps.sleep ?? defaultSleep;
  const stop = new AbortController();
  const statusListeners = new Set<(status: PresenceStatus) => void>();
  const cardListeners = new Set<(present: boolean | null) => void>();
  let status: PresenceStatus = { source: 'smartcard', state: 'unavailable', sees, reason: 'starting' };
  let view: SmartcardView = { kind: 'service-gone' };
  let present: boolean | null = null;
  let context: PcscContext | null = null;
  let binding: PcscBinding | null = null;
  let markReady: () => void = () => undefined;
  const readyOnce = new Promise<void>((resolve) => (markReady = resolve));

  const emit = (event: SmartcardEvent): void => {
    try {
      deps.onEvent?.(event);
    } catch {
      // The audit log failing must not stop the watch.
    }
  };

  function setStatus(next: PresenceStatus): void {
    if (next.state === status.state && next.reason === status.reason) return;
    status = next;
    emit({ type: 'status', status });
    for (const listener of [...statusListeners]) listener(status);
  }

  /** The new picture of the readers: the signal it means (if any) first, then status and card. */
  function see(next: SmartcardView): void {
    const signal = signalFor(view, next);
    view = next;
    if (signal !== null) {
      emit({ type: 'signal', signal, raised: deps.lockOnRemoval });
      if (deps.lockOnRemoval) deps.events.signal(signal);
    }
    const live: PresenceStatus = deps.lockOnRemoval
      ? { source: 'smartcard', state: 'live', sees }
      : { source: 'smartcard', state: 'off-by-policy', sees, reason: 'LockOnCardRemoval' };
    if (next.kind === 'readers') setStatus(live);
    else setStatus({ source: 'smartcard', state: 'unavailable', sees, reason: next.kind });
    // Only a reader can say whether a card is in: with none (most PCs without smartcards) or no
    // service, the lock screen says nothing about a card rather than asking for one.
    const card = next.kind === 'readers' ? anyCard(next) : null;
    if (card !== present) {
      present = card;
      emit({ type: 'card', present });
      for (const listener of [...cardListeners]) listener(present);
    }
    markReady();
  }

  function failed(call: string, code: number): void {
    emit({ type: 'pcsc-error', call, code: scardCodeName(code) });
  }

  /** Watches one context until the service goes away (returns false) or the source is disposed (true). */
  async function watch(pcsc: PcscBinding, ctx: PcscContext): Promise<boolean> {
    // The last state seen per reader (the high word counts events, so it must go back as it came).
    const known = new Map<string, number>();
    while (!stop.signal.aborted) {
      const listed = await pcsc.listReaders(ctx);
      // A reader arrived between asking for the size and reading the list: list again.
      if (listed.code === scard.E_INSUFFICIENT_BUFFER) continue;
      const listing = scardOutcome(listed.code);
      if (listing === 'service-gone' || listing === 'fault') return (failed('SCardListReaders', listed.code), false);
      const readers = listing === 'ok' ? listed.readers.filter((r) => r !== pnpNotification) : [];
      for (const name of [...known.keys()]) if (name !== pnpNotification && !readers.includes(name)) known.delete(name);
      if (readers.length === 0) see({ kind: 'no-reader' });
      const states = [...readers, pnpNotification].map((reader) => ({
        reader,
        currentState: known.get(reader) ?? scardState.UNAWARE,
      }));
      // Wait for a change; the first wait after a listing returns at once for any reader new to us.
      for (;;) {
        if (stop.signal.aborted) return true;
        const waiting = pcsc.getStatusChange(ctx, waitMs, states);
        // Disposed while the call was being queued: end it rather than wait out waitMs.
        if (stop.signal.aborted) pcsc.cancel(ctx);
        const changed = await waiting;
        const outcome = scardOutcome(changed.code);
        if (outcome === 'cancelled') {
          if (stop.signal.aborted) return true;
          continue;
        }
        if (outcome === 'service-gone' || outcome === 'fault')
          return (failed('SCardGetStatusChange', changed.code), false);
        if (outcome !== 'ok') break;
        const listChanged = takeReadings(changed.readings, states, known);
        // A reader that says its state is unknown or unavailable is one the shell cannot see:
        // left out, so a card that was in it counts as lost from sight, not as taken out.
        const seen = readers.filter(
          (reader) => ((known.get(reader) ?? 0) & (scardState.UNKNOWN | scardState.UNAVAILABLE)) === 0,
        );
        if (readers.length > 0)
          see(viewOf(seen.map((reader): ReaderReading => ({ reader, eventState: known.get(reader) ?? 0 }))));
        if (listChanged) break;
      }
    }
    return true;
  }

  /** Records each reading as the next wait's current state; true when the reader list changed. */
  function takeReadings(
    readings: readonly ReaderReading[],
    states: { reader: string; currentState: number }[],
    known: Map<string, number>,
  ): boolean {
    let listChanged = false;
    readings.forEach((reading, i) => {
      const state = reading.eventState & ~scardState.CHANGED;
      const entry = states[i];
      if (entry !== undefined) entry.currentState = state;
      const before = known.get(reading.reader);
      known.set(reading.reader, state);
      if (reading.reader === pnpNotification)
        listChanged ||= before !== undefined && (reading.eventState & scardState.CHANGED) !== 0;
      // A reader that says it is gone (unplugged between listings): list again.
      else
        listChanged ||= (reading.eventState & (scardState.UNKNOWN | scardState.UNAVAILABLE | scardState.IGNORE)) !== 0;
    });
    return listChanged;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        binding ??= (deps.load ?? (() => loadPcsc()))();
        const established = await binding.establish();
        if (established.context === null) {
          failed('SCardEstablishContext', established.code);
          see({ kind: 'service-gone' });
        } else {
          context = established.context;
          const disposed = await watch(binding, context).finally(() => void releaseContext());
          if (disposed) return;
          see({ kind: 'service-gone' });
          failures = 0;
        }
      } catch {
        // No PC/SC library, or the call itself failed: the shell cannot see the card (fail closed).
        emit({ type: 'pcsc-error', call: binding === null ? 'load' : 'call', code: 'exception' });
        see({ kind: 'service-gone' });
        if (binding === null) setStatus({ source: 'smartcard', state: 'unavailable', sees, reason: 'no-library' });
      }
      await sleep(retryDelayMs(failures), stop.signal);
      failures += 1;
    }
  }

  async function releaseContext(): Promise<void> {
    const ctx = context;
    context = null;
    if (ctx !== null && binding !== null) await binding.release(ctx).catch(() => undefined);
  }

  const running = run();

  return {
    name: 'smartcard',
    status: () => status,
    onStatusChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    cardPresent: () => present,
    onCardChange(listener) {
      cardListeners.add(listener);
      return () => cardListeners.delete(listener);
    },
    ready: () => readyOnce,
    async dispose() {
      stop.abort();
      statusListeners.clear();
      cardListeners.clear();
      if (context !== null && binding !== null) binding.cancel(context);
      await running;
    },
  };
}
