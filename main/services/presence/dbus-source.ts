/**
 * A presence source that lives on a D-Bus bus (logind.ts on the system bus, screensaver.ts on the
 * session bus): it connects, lets the source set up its watch, reports `live`, and when the bus
 * goes away (or the watch cannot be set up) reports `unavailable` with a fixed reason and tries
 * again after a bounded, growing delay (1 s, 2 s, 4 s … at most 30 s), for as long as the shell
 * runs. Each source re-reads the state it watches on every connection, so a lock that happened
 * while the bus was away still locks once it is back.
 */
import type { PresenceSource, PresenceSourceName, PresenceState, PresenceStatus } from '../../core/presence';
import type { OsSignal } from '../../core/os-signals';
import type { DbusLink, OpenDbus } from '../../platform/dbus';

/** Thrown by a watch that cannot be set up; its code is the status's reason (a fixed word, never a value from the bus). */
export class PresenceUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface Backoff {
  readonly firstMs: number;
  readonly maxMs: number;
}
export const defaultBackoff: Backoff = { firstMs: 1_000, maxMs: 30_000 };

/** What a watch may do while its link is open. */
export interface WatchControl {
  /** The source saw something about the person at the workstation. */
  raise(signal: OsSignal): void;
  /** Live, or connected but without what it watches (e.g. no screen saver on the bus yet). */
  report(state: Extract<PresenceState, 'live' | 'unavailable'>, reason?: string): void;
  /** What the source watches went away on a live bus (e.g. logind restarted): drop the link, set up again. */
  restart(reason: string): void;
}

export interface DbusSourceOptions {
  readonly name: PresenceSourceName;
  readonly sees: readonly OsSignal[];
  /** The bus's address; null when the platform has none to offer (the source stays unavailable). */
  readonly address: string | null;
  readonly open: OpenDbus;
  /** Sets up the watch on a fresh link, reporting `live` when it is. Throw PresenceUnavailable to retry later. */
  readonly watch: (link: DbusLink, control: WatchControl) => Promise<void>;
  readonly raise: (signal: OsSignal) => void;
  readonly backoff?: Backoff;
  readonly onError?: (code: string) => void;
}

export function startDbusSource(options: DbusSourceOptions): PresenceSource {
  const backoff = options.backoff ?? defaultBackoff;
  const listeners = new Set<(status: PresenceStatus) => void>();
  let status: PresenceStatus = {
    source: options.name,
    state: 'unavailable',
    sees: options.sees,
    reason: options.address === null ? 'no-bus-address' : 'connecting',
  };
  let link: DbusLink | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let disposed = false;

  const setStatus = (state: Extract<PresenceState, 'live' | 'unavailable'>, reason?: string): void => {
    if (disposed) return;
    const next: PresenceStatus = {
      source: options.name,
      state,
      sees: options.sees,
      ...(reason === undefined ? {} : { reason }),
    };
    if (next.state === status.state && next.reason === status.reason) return;
    status = next;
    for (const listener of [...listeners]) listener(status);
  };

  const retryLater = (): void => {
    if (disposed || timer !== null) return;
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(failures, 16));
    failures += 1;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
  };

  async function connect(): Promise<void> {
    if (disposed || options.address === null) return;
    let opened: DbusLink;
    try {
      opened = await options.open(options.address);
    } catch {
      setStatus('unavailable', 'bus-unreachable');
      retryLater();
      return;
    }
    if (disposed) return opened.close();
    link = opened;
    opened.onClosed(() => {
      if (link !== opened) return;
      link = null;
      setStatus('unavailable', 'bus-lost');
      retryLater();
    });
    const control: WatchControl = {
      raise: (signal) => {
        if (link === opened) options.raise(signal);
      },
      report: (state, reason) => {
        if (link !== opened) return;
        if (state === 'live') failures = 0;
        setStatus(state, reason);
      },
      restart: (reason) => {
        if (link !== opened) return;
        link = null;
        opened.close();
        setStatus('unavailable', reason);
        retryLater();
      },
    };
    try {
      await options.watch(opened, control);
    } catch (error) {
      if (link !== opened) return;
      link = null;
      const reason = error instanceof PresenceUnavailable ? error.reason : 'watch-failed';
      if (!(error instanceof PresenceUnavailable)) options.onError?.(`${options.name}-watch-failed`);
      opened.close();
      setStatus('unavailable', reason);
      retryLater();
    }
  }

  void connect();

  return {
    name: options.name,
    status: () => status,
    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const open = link;
      link = null;
      open?.close();
      listeners.clear();
    },
  };
}
