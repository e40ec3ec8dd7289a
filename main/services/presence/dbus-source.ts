/**
 * A presence source that lives on a D-Bus bus (logind.ts on the system bus, screensaver.ts on the
 * session bus): it connects, lets the source set up its watch, reports `live`, and when the bus
 * goes away (or the watch cannot be set up) reports `unavailable` with a fixed reason and tries
 * again after a bounded, growing delay (core/backoff.ts: 1 s, 2 s, 4 s … at most 30 s), for as
 * long as the shell runs. Each source re-reads the state it watches on every connection, so a lock
 * that happened while the bus was away still locks once it is back.
 */
import { backoffDelay } from '../../core/backoff';
import type { Backoff } from '../../core/backoff';
import { createPresenceStatus, presenceStatus } from '../../core/presence';
import type { PresenceReason, PresenceSource, PresenceSourceName, PresenceState } from '../../core/presence';
import type { OsSignal } from '../../core/os-signals';
import type { DbusLink, OpenDbus } from '../../platform/dbus';
import type { OnFault } from '../../core/faults';

/** Thrown by a watch that cannot be set up; its code is the status's reason (a fixed word, never a value from the bus). */
export class PresenceUnavailable extends Error {
  constructor(readonly reason: PresenceReason) {
    super(reason);
  }
}

export const defaultBackoff: Backoff = { firstMs: 1_000, maxMs: 30_000 };

/** What a watch may do while its link is open. */
export interface WatchControl {
  /** The source saw something about the person at the workstation. */
  raise(signal: OsSignal): void;
  /** Live, or connected but without what it watches (e.g. no screen saver on the bus yet). */
  report(state: Extract<PresenceState, 'live' | 'unavailable'>, reason?: PresenceReason): void;
  /** What the source watches went away on a live bus (e.g. logind restarted): drop the link, set up again. */
  restart(reason: PresenceReason): void;
}

/** The sources that watch a D-Bus service. */
export type DbusSourceName = Extract<PresenceSourceName, 'logind' | 'screensaver'>;

export interface DbusSourceOptions {
  readonly name: DbusSourceName;
  readonly sees: readonly OsSignal[];
  /** The bus's address; null when the platform has none to offer (the source stays unavailable). */
  readonly address: string | null;
  readonly open: OpenDbus;
  /** Sets up the watch on a fresh link, reporting `live` when it is. Throw PresenceUnavailable to retry later. */
  readonly watch: (link: DbusLink, control: WatchControl) => Promise<void>;
  readonly raise: (signal: OsSignal) => void;
  readonly backoff?: Backoff;
  readonly onError?: OnFault;
}

/** One pending retry at a time, each after a longer wait than the last; a live report starts the count again. */
function retrySchedule(backoff: Backoff, run: () => void) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  return {
    later(): void {
      if (timer !== null) return;
      failures += 1;
      timer = setTimeout(
        () => {
          timer = null;
          run();
        },
        backoffDelay(backoff, failures),
      );
    },
    succeeded(): void {
      failures = 0;
    },
    stop(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

export function startDbusSource(options: DbusSourceOptions): PresenceSource {
  const initial = options.address === null ? 'no-bus-address' : 'connecting';
  const status = createPresenceStatus(presenceStatus(options.name, 'unavailable', options.sees, initial), () =>
    options.onError?.('presence-listener-failed'),
  );
  const retry = retrySchedule(options.backoff ?? defaultBackoff, () => void connect());
  let link: DbusLink | null = null;
  let disposed = false;

  const report = (state: Extract<PresenceState, 'live' | 'unavailable'>, reason?: PresenceReason): void => {
    if (!disposed) status.set(presenceStatus(options.name, state, options.sees, reason));
  };
  /** The link (if any) is gone: say why, and try again later. */
  const lost = (reason: PresenceReason, close?: DbusLink): void => {
    link = null;
    close?.close();
    report('unavailable', reason);
    if (!disposed) retry.later();
  };

  const controlFor = (opened: DbusLink): WatchControl => ({
    raise: (signal) => {
      if (link === opened) options.raise(signal);
    },
    report: (state, reason) => {
      if (link !== opened) return;
      if (state === 'live') retry.succeeded();
      report(state, reason);
    },
    restart: (reason) => {
      if (link === opened) lost(reason, opened);
    },
  });

  async function connect(): Promise<void> {
    if (disposed || options.address === null) return;
    let opened: DbusLink;
    try {
      opened = await options.open(options.address);
    } catch {
      return lost('bus-unreachable');
    }
    if (disposed) return opened.close();
    link = opened;
    opened.onClosed(() => {
      if (link === opened) lost('bus-lost');
    });
    try {
      await options.watch(opened, controlFor(opened));
    } catch (error) {
      if (link !== opened) return;
      if (!(error instanceof PresenceUnavailable)) options.onError?.(`${options.name}-watch-failed`);
      lost(error instanceof PresenceUnavailable ? error.reason : 'watch-failed', opened);
    }
  }

  void connect();

  return {
    name: options.name,
    status: status.get,
    onStatusChange: status.onChange,
    dispose() {
      disposed = true;
      retry.stop();
      const open = link;
      link = null;
      open?.close();
      status.clear();
    },
  };
}
