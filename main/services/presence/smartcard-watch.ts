/**
 * The smartcard source's watch over one PC/SC context (smartcard.ts runs it, and starts it again
 * whenever the service goes away): list the readers, then wait in SCardGetStatusChange (on a
 * worker thread, platform/pcsc.ts) for any reader's state to change, or for the reader list to
 * change through the "\\?PnP?\Notification" pseudo-reader. Each wait is bounded (waitMs), and the
 * readers are listed again after it, so a platform without the pseudo-reader still sees a reader
 * come and go within one wait. What it sees goes to `see` as a SmartcardView (core/smartcard.ts).
 *
 * Never a tight loop: listings are at least `listingGapMs` apart and waits `waitGapMs`, whatever
 * PC/SC answers. Where the pseudo-reader is refused (SCARD_E_UNKNOWN_READER: pcsc-lite's
 * SCardGetStatusChange answers that for any name it does not know, and a library without the
 * pseudo-reader does not know it) the same wait is tried once without it; if that one is
 * accepted, the pseudo-reader is dropped for the rest of the source's life and each wait lasts at
 * most `readerArrivalMs`. With no reader and no pseudo-reader there is nothing to wait on
 * (pcsc-lite returns at once for an empty list): the watch pauses `readerArrivalMs` and lists again.
 */
import {
  cancelRepeatMs,
  cancelRepeats,
  listingGapMs,
  pnpNotification,
  readerArrivalMs,
  scard,
  scardOutcome,
  scardState,
  viewOf,
  waitGapMs,
} from '../../core/smartcard';
import type { ReaderReading, SmartcardView } from '../../core/smartcard';
import type { PcscBinding, PcscContext } from '../../platform/pcsc';

export interface ReaderWatch {
  readonly pcsc: PcscBinding;
  readonly context: PcscContext;
  /** Aborted at dispose: the watch ends (a wait in progress is cancelled, again and again until it returns). */
  readonly stop: AbortSignal;
  /** How long one SCardGetStatusChange waits before the readers are listed again. */
  readonly waitMs: number;
  /** Whether to name the pseudo-reader; set false here, for good, when PC/SC refuses it. */
  readonly pnp: { supported: boolean };
  /** The new picture of the readers. */
  readonly see: (view: SmartcardView) => void;
  /** A call failed with this return code (for the audit log: the call's name and the code only). */
  readonly failed: (call: string, code: number) => void;
}

/** Resolves after `ms`, or at once when `stop` aborts. */
export function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

/** Keeps calls of one kind at least `gapMs` apart (measured from each call's start). */
function pacer(gapMs: number, stop: AbortSignal): () => Promise<void> {
  let last = -Infinity;
  return async () => {
    await pause(last + gapMs - Date.now(), stop);
    last = Date.now();
  };
}

/** Watches one context until the service goes away (returns false) or the watch is stopped (true). */
export async function watchReaders(watch: ReaderWatch): Promise<boolean> {
  const { pcsc, context: ctx, stop } = watch;
  // The last state seen per reader (the high word counts events, so it must go back as it came).
  const known = new Map<string, number>();
  const listing = pacer(listingGapMs, stop);
  const waiting = pacer(waitGapMs, stop);
  while (!stop.aborted) {
    await listing();
    if (stop.aborted) break;
    const listed = await pcsc.listReaders(ctx);
    // A reader arrived between asking for the size and reading the list: list again.
    if (listed.code === scard.E_INSUFFICIENT_BUFFER) continue;
    const outcome = scardOutcome(listed.code);
    if (outcome === 'service-gone' || outcome === 'fault')
      return (watch.failed('SCardListReaders', listed.code), false);
    const readers = outcome === 'ok' ? listed.readers.filter((r) => r !== pnpNotification) : [];
    for (const name of [...known.keys()]) if (name !== pnpNotification && !readers.includes(name)) known.delete(name);
    if (readers.length === 0) watch.see({ kind: 'no-reader' });
    // Nothing to wait on: no reader, and no pseudo-reader to say one arrived.
    if (readers.length === 0 && !watch.pnp.supported) {
      await pause(readerArrivalMs, stop);
      continue;
    }
    const ended = await waitForChanges(watch, readers, known, waiting);
    if (ended !== null) return ended;
  }
  return true;
}

/** One SCardGetStatusChange, cancelled again every cancelRepeatMs from `stop` until it has returned (bounded). */
function cancellableWait(
  watch: ReaderWatch,
  timeoutMs: number,
  states: readonly { reader: string; currentState: number }[],
): ReturnType<PcscBinding['getStatusChange']> {
  const { pcsc, context: ctx, stop } = watch;
  const call = pcsc.getStatusChange(ctx, timeoutMs, states);
  let settled = false;
  let tries = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A cancel that reaches PC/SC before the wait is queued is lost (pcsc-lite's SCardCancel does
  // nothing unless the context is inside its wait, winscard_clnt.c `cancellable`): repeat it.
  const cancel = (): void => {
    if (settled) return;
    pcsc.cancel(ctx);
    tries += 1;
    if (tries < cancelRepeats) timer = setTimeout(cancel, cancelRepeatMs);
  };
  if (stop.aborted) cancel();
  else stop.addEventListener('abort', cancel, { once: true });
  return call.finally(() => {
    settled = true;
    clearTimeout(timer);
    stop.removeEventListener('abort', cancel);
  });
}

/**
 * Waits on the listed readers until the list itself changes (null: list again), the service goes
 * (false) or the watch is stopped (true). The first wait after a listing returns at once for any
 * reader new to us.
 */
async function waitForChanges(
  watch: ReaderWatch,
  readers: readonly string[],
  known: Map<string, number>,
  paced: () => Promise<void>,
): Promise<boolean | null> {
  const { stop } = watch;
  const statesFor = (pnp: boolean) =>
    [...readers, ...(pnp ? [pnpNotification] : [])].map((reader) => ({
      reader,
      currentState: known.get(reader) ?? scardState.UNAWARE,
    }));
  let states = statesFor(watch.pnp.supported);
  for (;;) {
    await paced();
    if (stop.aborted) return true;
    const withPnp = watch.pnp.supported;
    const changed = await cancellableWait(
      watch,
      withPnp ? watch.waitMs : Math.min(watch.waitMs, readerArrivalMs),
      states,
    );
    const outcome = scardOutcome(changed.code);
    if (stop.aborted) return true;
    if (outcome === 'cancelled') continue;
    if (outcome === 'service-gone' || outcome === 'fault')
      return (watch.failed('SCardGetStatusChange', changed.code), false);
    const nameRefused = withPnp && refusesAName(changed.code);
    if (nameRefused && readers.length > 0) {
      // Refused: the pseudo-reader, or a reader gone since the listing. Try once without the former.
      watch.pnp.supported = false;
      states = statesFor(false);
      if (await acceptedWithout(watch, states, paced)) continue;
      watch.pnp.supported = true;
      return null;
    }
    if (nameRefused) watch.pnp.supported = false;
    if (outcome !== 'ok') return null;
    const listChanged = takeReadings(changed.readings, states, known);
    // A library that ignores the name reports it as an unknown reader: stop naming it.
    if (withPnp && ((known.get(pnpNotification) ?? 0) & scardState.UNKNOWN) !== 0) watch.pnp.supported = false;
    // A reader that says its state is unknown or unavailable is one the shell cannot see:
    // left out, so a card that was in it counts as lost from sight, not as taken out.
    const seen = readers.filter(
      (reader) => ((known.get(reader) ?? 0) & (scardState.UNKNOWN | scardState.UNAVAILABLE)) === 0,
    );
    if (readers.length > 0)
      watch.see(viewOf(seen.map((reader): ReaderReading => ({ reader, eventState: known.get(reader) ?? 0 }))));
    if (listChanged) return null;
    if (withPnp !== watch.pnp.supported) states = statesFor(watch.pnp.supported);
  }
}

/** Whether PC/SC accepts the readers alone (a wait of 0 ms: an answer, not a wait). */
async function acceptedWithout(
  watch: ReaderWatch,
  states: readonly { reader: string; currentState: number }[],
  paced: () => Promise<void>,
): Promise<boolean> {
  await paced();
  if (watch.stop.aborted) return true;
  const probe = await cancellableWait(watch, 0, states);
  return !refusesAName(probe.code);
}

/** The codes a PC/SC gives for a reader name it does not know (or no longer has). */
function refusesAName(code: number): boolean {
  return code >>> 0 === scard.E_UNKNOWN_READER || code >>> 0 === scard.E_READER_UNAVAILABLE;
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
    else listChanged ||= (reading.eventState & (scardState.UNKNOWN | scardState.UNAVAILABLE | scardState.IGNORE)) !== 0;
  });
  return listChanged;
}
