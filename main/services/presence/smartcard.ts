/**
 * The smartcard presence source: watches the PC/SC readers and raises 'smartcard-removed' when a
 * card leaves its reader, and 'smartcard-unavailable' when the shell loses sight of a card that
 * was in (its reader unplugged, pcscd or the Smart Card service stopped or restarted): fail
 * closed. It keeps trying the service again (core/smartcard.ts, retryDelayMs) and reports itself
 * live again when the service is back. A card arriving raises nothing: the lock screen only
 * says the card is in (cardPresent), and the clinician still unlocks with NHS Care Identity.
 *
 * One loop, never two: establish a context, watch it (smartcard-watch.ts) until the service goes
 * away, release it, wait, and establish again. On Windows 8 and later a PC without a reader has no
 * Smart Card service running: that is reported as its own reason (no-reader-service-stopped) and
 * looked at again every readerArrivalMs, not backed off like a fault.
 */
import { createEmitter } from '../../core/emitter';
import { createPresenceStatus, presenceStatus } from '../../core/presence';
import type { PresenceSource, PresenceStatus } from '../../core/presence';
import { anyCard, readerArrivalMs, retryDelayMs, scard, scardCodeName, signalFor } from '../../core/smartcard';
import type { SmartcardView } from '../../core/smartcard';
import type { PresenceReason } from '../../core/presence';
import type { OsEvents } from '../../core/os-signals';
import type { PcscBinding, PcscContext } from '../../platform/pcsc';
import { loadPcsc } from '../../platform/pcsc';
import { pause, watchReaders } from './smartcard-watch';
import type { Logger } from '../logger';

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

/**
 * The log lines for what the source tells (the composition root passes this as `onEvent`): a
 * PC/SC call that failed, by its name and return code (each failure once until the watch works
 * again), and each removal seen. Status changes are audited by the presence registry
 * (presence.source-changed). The return code goes in `scard`, not `code`: the logger keeps a
 * `code` only when it looks like an error code of the shell's own.
 */
export function logSmartcardEvent(logger: Pick<Logger, 'warn' | 'info' | 'debug'>, event: SmartcardEvent): void {
  switch (event.type) {
    case 'pcsc-error':
      return logger.warn(
        { event: 'smartcard.pcsc-error', call: event.call, scard: event.code },
        'A PC/SC call failed; the smartcard watcher tries again by itself, and a card that was in counts as gone.',
      );
    case 'signal':
      return logger.info(
        { event: 'smartcard.signal', signal: event.signal, raised: event.raised },
        event.raised
          ? 'The smartcard watcher saw the card leave or lost sight of it, and locked.'
          : 'The smartcard watcher saw the card leave or lost sight of it; LockOnCardRemoval is off, so nothing locked.',
      );
    case 'card':
      return logger.debug(
        { event: 'smartcard.card', present: event.present },
        'Whether a card is in a reader changed.',
      );
    case 'status':
      return;
  }
}

/** How the smartcard is watched on this workstation: the machine policy's setting and, for tests, PC/SC itself. */
export interface SmartcardSettings {
  /** LockOnCardRemoval: off, the card is still watched (for the lock screen and RequireSmartcard) but never locks. */
  readonly lockOnRemoval: boolean;
  /** Loads PC/SC; throws where the library is missing. Default: koffi and the platform's library. */
  readonly load?: () => PcscBinding;
  /**
   * How long one SCardGetStatusChange waits before the readers are listed again (default 5 s),
   * where the PnP pseudo-reader reports readers arriving; without it, at most readerArrivalMs.
   */
  readonly waitMs?: number;
  /** Waits before trying the service again; resolves early when `signal` aborts (dispose). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onEvent?: (event: SmartcardEvent) => void;
  /** process.platform (tests: another platform's behaviour). */
  readonly platform?: string;
}

export interface SmartcardSourceDeps extends SmartcardSettings {
  /** The session service's OS port. */
  readonly events: Pick<OsEvents, 'signal'>;
}

export interface SmartcardSource extends PresenceSource {
  /** Whether a card is in a reader now; null while the shell cannot see the readers. */
  cardPresent(): boolean | null;
  /** Called when cardPresent() changes. Returns an unsubscribe. */
  onCardChange(listener: (present: boolean | null) => void): () => void;
  /** Resolves once the first picture of the readers (or of the service's absence) is in. */
  ready(): Promise<void>;
  /**
   * Stops watching now, synchronously: SCardCancel goes out at once and again every 50 ms until
   * the wait in progress returns. For the app's exits that cannot await dispose (the deadline, a
   * crash relaunch): a koffi call still in PC/SC keeps the process from exiting.
   */
  cancelNow(): void;
}

const sees = ['smartcard-removed', 'smartcard-unavailable'] as const;

/**
 * What the source knows and tells: its status, whether a card is in, and each new picture of the
 * readers turned into the signal it means (smartcard.ts's loop feeds it).
 */
function smartcardSight(deps: SmartcardSourceDeps) {
  const status = createPresenceStatus(presenceStatus('smartcard', 'unavailable', sees, 'starting'));
  const cards = createEmitter<[boolean | null]>();
  let view: SmartcardView = { kind: 'service-gone' };
  let present: boolean | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const emit = (event: SmartcardEvent): void => {
    try {
      deps.onEvent?.(event);
    } catch {
      // The audit log failing must not stop the watch.
    }
  };
  const setStatus = (next: PresenceStatus): void => {
    if (status.set(next)) emit({ type: 'status', status: next });
  };
  // The last failure told: the same one again (the service still stopped) is not told again.
  let lastFailure: string | null = null;
  const failed = (call: string, code: number): void => {
    const name = scardCodeName(code);
    if (lastFailure === `${call} ${name}`) return;
    lastFailure = `${call} ${name}`;
    emit({ type: 'pcsc-error', call, code: name });
  };

  /** The new picture of the readers: the signal it means (if any) first, then status and card. */
  function see(next: SmartcardView, reason?: PresenceReason): void {
    const signal = signalFor(view, next);
    view = next;
    if (next.kind !== 'service-gone') lastFailure = null;
    if (signal !== null) {
      emit({ type: 'signal', signal, raised: deps.lockOnRemoval });
      if (deps.lockOnRemoval) deps.events.signal(signal);
    }
    const live = deps.lockOnRemoval
      ? presenceStatus('smartcard', 'live', sees)
      : presenceStatus('smartcard', 'off-by-policy', sees, 'LockOnCardRemoval');
    setStatus(next.kind === 'readers' ? live : presenceStatus('smartcard', 'unavailable', sees, reason ?? next.kind));
    // Only a reader can say whether a card is in: with none (most PCs without smartcards) or no
    // service, the lock screen says nothing about a card rather than asking for one.
    const card = next.kind === 'readers' ? anyCard(next) : null;
    if (card !== present) {
      present = card;
      emit({ type: 'card', present });
      cards.emit(present);
    }
    markReady();
  }

  return { status, cards, ready, emit, setStatus, see, failed, present: () => present };
}

/**
 * Windows 8 and later stop the Smart Card service when no reader is attached, and start it when
 * one is plugged in (Microsoft, "What's New in Smart Cards": Smart Card Service start and stop
 * behavior): there a stopped service is what a PC without a reader looks like.
 */
function serviceStoppedForWantOfReader(platform: string, code: number): boolean {
  return platform === 'win32' && (code >>> 0 === scard.E_NO_SERVICE || code >>> 0 === scard.E_SERVICE_STOPPED);
}

export function createSmartcardSource(deps: SmartcardSourceDeps): SmartcardSource {
  const waitMs = deps.waitMs ?? 5_000;
  const sleep = deps.sleep ?? pause;
  const platform = deps.platform ?? process.platform;
  const stop = new AbortController();
  const sight = smartcardSight(deps);
  // Apple's PC/SC never had the pseudo-reader; elsewhere it is named until PC/SC refuses it.
  const pnp = { supported: platform !== 'darwin' };
  let context: PcscContext | null = null;
  let binding: PcscBinding | null = null;

  /**
   * One context: established, then watched until the service goes or the source is disposed.
   * 'no-context': the service would not give one; 'service-gone': it went while watched.
   */
  async function watchOnce(
    pcsc: PcscBinding,
  ): Promise<'no-context' | 'stopped-no-reader' | 'service-gone' | 'disposed'> {
    const established = await pcsc.establish();
    if (established.context === null) {
      sight.failed('SCardEstablishContext', established.code);
      if (!serviceStoppedForWantOfReader(platform, established.code))
        return (sight.see({ kind: 'service-gone' }), 'no-context');
      sight.see({ kind: 'service-gone' }, 'no-reader-service-stopped');
      return 'stopped-no-reader';
    }
    context = established.context;
    const watch = { pcsc, context, stop: stop.signal, waitMs, pnp, see: sight.see, failed: sight.failed };
    const disposed = await watchReaders(watch).finally(() => void releaseContext());
    if (disposed) return 'disposed';
    sight.see({ kind: 'service-gone' });
    return 'service-gone';
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stop.signal.aborted) {
      let ended: Awaited<ReturnType<typeof watchOnce>> | 'threw' = 'threw';
      try {
        binding ??= (deps.load ?? (() => loadPcsc()))();
        ended = await watchOnce(binding);
        if (ended === 'disposed') return;
        // It was watching: a service that comes back at once is watched again at once.
        if (ended === 'service-gone') failures = 0;
      } catch {
        // No PC/SC library, or the call itself failed: the shell cannot see the card (fail closed).
        sight.emit({ type: 'pcsc-error', call: binding === null ? 'load' : 'call', code: 'exception' });
        sight.see({ kind: 'service-gone' });
        if (binding === null) sight.setStatus(presenceStatus('smartcard', 'unavailable', sees, 'no-library'));
      }
      // Windows with no reader: the service starts when one is plugged in; look again soon.
      await sleep(ended === 'stopped-no-reader' ? readerArrivalMs : retryDelayMs(failures++), stop.signal);
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
    status: sight.status.get,
    onStatusChange: sight.status.onChange,
    cardPresent: sight.present,
    onCardChange: (listener) => sight.cards.on(listener),
    ready: () => sight.ready,
    // Aborting cancels the wait in progress (smartcard-watch.ts, until it returns) and ends the loop.
    cancelNow: () => stop.abort(),
    async dispose() {
      stop.abort();
      sight.status.clear();
      sight.cards.clear();
      await running;
    },
  };
}
