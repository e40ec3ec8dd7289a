/**
 * The smartcard presence source: watches the PC/SC readers and raises 'smartcard-removed' when a
 * card leaves its reader, and 'smartcard-unavailable' when the shell loses sight of a card that
 * was in (its reader unplugged, pcscd or the Smart Card service stopped or restarted): fail
 * closed. It keeps trying the service again (core/smartcard.ts, retryDelayMs) and reports itself
 * live again when the service is back. A card arriving raises nothing: the lock screen only
 * says the card is in (cardPresent), and the clinician still unlocks with NHS Care Identity.
 *
 * One loop, never two: establish a context, watch it (smartcard-watch.ts) until the service goes
 * away, release it, wait, and establish again.
 */
import { createEmitter } from '../../core/emitter';
import { createPresenceStatus, presenceStatus } from '../../core/presence';
import type { PresenceSource, PresenceStatus } from '../../core/presence';
import { anyCard, retryDelayMs, scardCodeName, signalFor } from '../../core/smartcard';
import type { SmartcardView } from '../../core/smartcard';
import type { OsEvents } from '../../core/os-signals';
import type { PcscBinding, PcscContext } from '../../platform/pcsc';
import { loadPcsc } from '../../platform/pcsc';
import { watchReaders } from './smartcard-watch';

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

/** How the smartcard is watched on this workstation: the machine policy's setting and, for tests, PC/SC itself. */
export interface SmartcardSettings {
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

  /** The new picture of the readers: the signal it means (if any) first, then status and card. */
  function see(next: SmartcardView): void {
    const signal = signalFor(view, next);
    view = next;
    if (signal !== null) {
      emit({ type: 'signal', signal, raised: deps.lockOnRemoval });
      if (deps.lockOnRemoval) deps.events.signal(signal);
    }
    const live = deps.lockOnRemoval
      ? presenceStatus('smartcard', 'live', sees)
      : presenceStatus('smartcard', 'off-by-policy', sees, 'LockOnCardRemoval');
    setStatus(next.kind === 'readers' ? live : presenceStatus('smartcard', 'unavailable', sees, next.kind));
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

  return { status, cards, ready, emit, setStatus, see, present: () => present };
}

export function createSmartcardSource(deps: SmartcardSourceDeps): SmartcardSource {
  const waitMs = deps.waitMs ?? 5_000;
  const sleep = deps.sleep ?? defaultSleep;
  const stop = new AbortController();
  const sight = smartcardSight(deps);
  let context: PcscContext | null = null;
  let binding: PcscBinding | null = null;

  const failed = (call: string, code: number): void =>
    sight.emit({ type: 'pcsc-error', call, code: scardCodeName(code) });

  /**
   * One context: established, then watched until the service goes or the source is disposed.
   * 'no-context': the service would not give one; 'service-gone': it went while watched.
   */
  async function watchOnce(pcsc: PcscBinding): Promise<'no-context' | 'service-gone' | 'disposed'> {
    const established = await pcsc.establish();
    if (established.context === null) {
      failed('SCardEstablishContext', established.code);
      sight.see({ kind: 'service-gone' });
      return 'no-context';
    }
    context = established.context;
    const watch = { pcsc, context, stop: stop.signal, waitMs, see: sight.see, failed };
    const disposed = await watchReaders(watch).finally(() => void releaseContext());
    if (disposed) return 'disposed';
    sight.see({ kind: 'service-gone' });
    return 'service-gone';
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        binding ??= (deps.load ?? (() => loadPcsc()))();
        const ended = await watchOnce(binding);
        if (ended === 'disposed') return;
        // It was watching: a service that comes back at once is watched again at once.
        if (ended === 'service-gone') failures = 0;
      } catch {
        // No PC/SC library, or the call itself failed: the shell cannot see the card (fail closed).
        sight.emit({ type: 'pcsc-error', call: binding === null ? 'load' : 'call', code: 'exception' });
        sight.see({ kind: 'service-gone' });
        if (binding === null) sight.setStatus(presenceStatus('smartcard', 'unavailable', sees, 'no-library'));
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
    status: sight.status.get,
    onStatusChange: sight.status.onChange,
    cardPresent: sight.present,
    onCardChange: (listener) => sight.cards.on(listener),
    ready: () => sight.ready,
    async dispose() {
      stop.abort();
      sight.status.clear();
      sight.cards.clear();
      if (context !== null && binding !== null) binding.cancel(context);
      await running;
    },
  };
}
