/**
 * The smartcard in the harness, composed as main/index.ts composes it on a ward PC: startPresence
 * (main/services/presence/start.ts) builds the real smartcard source from the settings made here,
 * raising its signals into the session service's OS port, and gateOnSmartcard sits around the
 * session backend (RequireSmartcard, and the lock screen's card prompt). Only PC/SC underneath is
 * chosen here:
 * - 'simulated': the in-memory PC/SC service of memory-pcsc.ts;
 * - a real PC/SC stack (virtual-card.ts: pcscd, the vpcd reader and the vicc card): the source
 *   loads libpcsclite through koffi, as the shell does.
 * Either way `/control/smartcard/<action>` moves the card and the service (docs/harness.md).
 */
import type { ShellBackend } from '../../preload/contract';
import type { PresenceStatus } from '../../main/core/presence';
import type { SmartcardSettings, SmartcardSource } from '../../main/services/presence/smartcard';
import { gateOnSmartcard } from '../../main/services/presence/smartcard-gate';
import { createMemoryPcsc } from './memory-pcsc';
import type { CardControl, MemoryPcsc } from './memory-pcsc';

export interface HarnessSmartcardOptions {
  /** 'simulated' (default): in-memory PC/SC; otherwise a real stack's card and service, watched over libpcsclite. */
  readonly pcsc?: 'simulated' | CardControl;
  /** A card in the simulated reader from the start. */
  readonly cardIn?: boolean;
  /** Machine policy RequireSmartcard (default off); /control/policy changes it. */
  readonly requireSmartcard?: boolean;
  /** Machine policy LockOnCardRemoval (default on); /control/policy changes it. */
  readonly lockOnCardRemoval?: boolean;
}

/** The reader chosen, before the source watches it: what startPresence is given to build the smartcard source. */
export interface HarnessSmartcardRig {
  readonly kind: 'simulated' | 'pcsc';
  /** The card and the service: the simulated ones, or the real stack's. */
  readonly card: CardControl;
  /** The machine policy's smartcard settings as IT has them now. */
  readonly settings: { requireSmartcard: boolean; lockOnCardRemoval: boolean };
  /** For startPresence: LockOnCardRemoval as it is now, and the simulated PC/SC when there is one. */
  readonly watch: SmartcardSettings;
}

export interface HarnessSmartcard extends Omit<HarnessSmartcardRig, 'watch'> {
  readonly source: SmartcardSource;
  /** The backend the renderer talks to: the session's, gated on the card. */
  gate(backend: ShellBackend): ShellBackend;
  state(): {
    status: PresenceStatus;
    cardPresent: boolean | null;
    requireSmartcard: boolean;
    lockOnCardRemoval: boolean;
  };
}

export const smartcardActions = ['insert', 'remove', 'service-stop', 'service-start'] as const;
export type SmartcardAction = (typeof smartcardActions)[number];

export function prepareHarnessSmartcard(options: HarnessSmartcardOptions): HarnessSmartcardRig {
  const memory: MemoryPcsc | null =
    options.pcsc === undefined || options.pcsc === 'simulated'
      ? createMemoryPcsc({ cardIn: options.cardIn ?? false })
      : null;
  const settings = {
    requireSmartcard: options.requireSmartcard ?? false,
    lockOnCardRemoval: options.lockOnCardRemoval ?? true,
  };
  return {
    kind: memory ? 'simulated' : 'pcsc',
    card: memory ?? (options.pcsc as CardControl),
    settings,
    watch: {
      // Read at each change of the readers, so a policy change in the harness applies at once.
      get lockOnRemoval() {
        return settings.lockOnCardRemoval;
      },
      ...(memory ? { load: () => memory.binding } : {}),
      // The same wait as the shell's default, so a reader the PnP pseudo-reader misses is seen as late as on a ward PC.
      waitMs: 5_000,
    },
  };
}

/** The source startPresence built for the rig, once it has its first picture of the readers. */
export async function harnessSmartcard(rig: HarnessSmartcardRig, source: SmartcardSource): Promise<HarnessSmartcard> {
  await source.ready();
  const { kind, card, settings } = rig;
  return {
    source,
    kind,
    card,
    settings,
    gate: (backend) =>
      gateOnSmartcard(backend, source, {
        get requireCard() {
          return settings.requireSmartcard;
        },
      }),
    state: () => ({ status: source.status(), cardPresent: source.cardPresent(), ...settings }),
  };
}

async function until(what: () => boolean, ms: number, message: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Moves the card or the service, and answers once the source has seen it (a real pcscd polls its
 * readers, and the source tries a stopped service again after 1, 2, 4… seconds). Throws with a
 * plain message when the source did not see it in time.
 */
export async function actOnSmartcard(smartcard: HarnessSmartcard, action: SmartcardAction): Promise<void> {
  const { card, source } = smartcard;
  switch (action) {
    case 'insert':
      await card.insertCard();
      return until(
        () => source.cardPresent() === true,
        15_000,
        'the smartcard source did not see the card go in within 15 s',
      );
    case 'remove':
      await card.removeCard();
      return until(
        () => source.cardPresent() !== true,
        15_000,
        'the smartcard source did not see the card come out within 15 s',
      );
    case 'service-stop':
      await card.stopService();
      return until(
        () => source.status().state === 'unavailable',
        15_000,
        'the smartcard source did not see the service stop within 15 s',
      );
    case 'service-start': {
      await card.startService();
      await until(
        () => source.status().state !== 'unavailable',
        20_000,
        'the smartcard source did not see the service come back within 20 s',
      );
      // A card left in the reader is seen again once the service is back.
      if (card.cardIn)
        await until(
          () => source.cardPresent() === true,
          15_000,
          'the smartcard source did not see the card still in the reader',
        );
      return;
    }
  }
}
