/**
 * The smartcard source's watch over one PC/SC context (smartcard.ts runs it, and starts it again
 * whenever the service goes away): list the readers, then wait in SCardGetStatusChange (on a
 * worker thread, platform/pcsc.ts) for any reader's state to change, or for the reader list to
 * change through the "\\?PnP?\Notification" pseudo-reader. Each wait is bounded (waitMs), and the
 * readers are listed again after it, so a platform without the pseudo-reader still sees a reader
 * come and go within one wait. What it sees goes to `see` as a SmartcardView (core/smartcard.ts).
 */
import { pnpNotification, scard, scardOutcome, scardState, viewOf } from '../../core/smartcard';
import type { ReaderReading, SmartcardView } from '../../core/smartcard';
import type { PcscBinding, PcscContext } from '../../platform/pcsc';

export interface ReaderWatch {
  readonly pcsc: PcscBinding;
  readonly context: PcscContext;
  /** Aborted at dispose: the watch ends (a wait in progress is cancelled). */
  readonly stop: AbortSignal;
  /** How long one SCardGetStatusChange waits before the readers are listed again. */
  readonly waitMs: number;
  /** The new picture of the readers. */
  readonly see: (view: SmartcardView) => void;
  /** A call failed with this return code (for the audit log: the call's name and the code only). */
  readonly failed: (call: string, code: number) => void;
}

/** Watches one context until the service goes away (returns false) or the watch is stopped (true). */
export async function watchReaders(watch: ReaderWatch): Promise<boolean> {
  const { pcsc, context: ctx, stop } = watch;
  // The last state seen per reader (the high word counts events, so it must go back as it came).
  const known = new Map<string, number>();
  while (!stop.aborted) {
    const listed = await pcsc.listReaders(ctx);
    // A reader arrived between asking for the size and reading the list: list again.
    if (listed.code === scard.E_INSUFFICIENT_BUFFER) continue;
    const listing = scardOutcome(listed.code);
    if (listing === 'service-gone' || listing === 'fault')
      return (watch.failed('SCardListReaders', listed.code), false);
    const readers = listing === 'ok' ? listed.readers.filter((r) => r !== pnpNotification) : [];
    for (const name of [...known.keys()]) if (name !== pnpNotification && !readers.includes(name)) known.delete(name);
    if (readers.length === 0) watch.see({ kind: 'no-reader' });
    const ended = await waitForChanges(watch, readers, known);
    if (ended !== null) return ended;
  }
  return true;
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
): Promise<boolean | null> {
  const { pcsc, context: ctx, stop } = watch;
  const states = [...readers, pnpNotification].map((reader) => ({
    reader,
    currentState: known.get(reader) ?? scardState.UNAWARE,
  }));
  for (;;) {
    if (stop.aborted) return true;
    const waiting = pcsc.getStatusChange(ctx, watch.waitMs, states);
    // Stopped while the call was being queued: end it rather than wait out waitMs.
    if (stop.aborted) pcsc.cancel(ctx);
    const changed = await waiting;
    const outcome = scardOutcome(changed.code);
    if (outcome === 'cancelled') {
      if (stop.aborted) return true;
      continue;
    }
    if (outcome === 'service-gone' || outcome === 'fault')
      return (watch.failed('SCardGetStatusChange', changed.code), false);
    if (outcome !== 'ok') return null;
    const listChanged = takeReadings(changed.readings, states, known);
    // A reader that says its state is unknown or unavailable is one the shell cannot see:
    // left out, so a card that was in it counts as lost from sight, not as taken out.
    const seen = readers.filter(
      (reader) => ((known.get(reader) ?? 0) & (scardState.UNKNOWN | scardState.UNAVAILABLE)) === 0,
    );
    if (readers.length > 0)
      watch.see(viewOf(seen.map((reader): ReaderReading => ({ reader, eventState: known.get(reader) ?? 0 }))));
    if (listChanged) return null;
  }
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
