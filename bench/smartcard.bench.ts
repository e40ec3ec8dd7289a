// Card removed → lock screen painted (issue 12, target p99 ≤ 500 ms). The virtual card (vicc) is
// killed against a real pcscd with the vsmartcard reader (test/harness/virtual-card.ts, in its own
// mount and network namespaces); the harness's smartcard source reads PC/SC over libpcsclite
// through koffi, as the shell does; the session locks and the real renderer paints the lock
// screen in Chromium (bench/lib/lock-latency.ts says how the paint is timed). Between locks the
// card goes back in (untimed), after a random pause so the pull falls anywhere in pcscd's polling
// of the reader, and the clinician unlocks through the sandbox.
//
// Where pcscd, vsmartcard or vicc are missing, it says so and times the same path over the
// harness's simulated PC/SC service instead, labelled as such. Bounded: at most `locks` locks
// and `maxMs` of timing. Run alone: `npx tsx bench/smartcard.bench.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Harness } from '../test/harness/harness';
import type { CardControl } from '../test/harness/memory-pcsc';
import type { VirtualCard } from '../test/harness/virtual-card';
import { launchChromium } from './lib/browser';
import { measureLockLatency, split } from './lib/lock-latency';
import type { LockTrigger } from './lib/lock-latency';
import { ms, table } from './lib/print';
import { buildRenderer } from './lib/renderer-bundle';
import type { Summary } from './lib/stats';
import { atMost, info } from './lib/summary';
import type { Measure } from './lib/summary';

export const smartcardTargetP99Ms = 500;

export interface SmartcardBenchOptions {
  readonly locks?: number;
  readonly warmup?: number;
  /** Stop timing after this long, with the locks timed so far (default 5 minutes). */
  readonly maxMs?: number;
  readonly progress?: (line: string) => void;
}

export interface SmartcardBenchResult {
  /** 'pcscd': the real stack; 'simulated': the in-memory PC/SC service, with why. */
  readonly pcsc: 'pcscd' | 'simulated';
  readonly simulatedBecause: string | null;
  readonly chromium: string;
  readonly latencyMs: Summary;
  /** The first part of it: the card pulled → the source saw it gone (pcscd's polling of the reader, PC/SC). */
  readonly detectMs: Summary;
  /** The rest: the source saw it → the lock screen painted (session, WebSocket, renderer). */
  readonly shellMs: Summary;
  readonly roundMs: Summary;
}

/**
 * The card pulled, timed from just before; the card back in and seen before the next one.
 * `detected` gets, for every pull, how long the source took to see the card gone.
 */
function cardTrigger(harness: Harness, card: CardControl, detected: number[]): LockTrigger {
  const source = harness.smartcard?.source;
  if (!source) throw new Error('the harness was started without its smartcard source');
  let pulledAt = 0;
  // The source tells its card listeners just after it raised the signal into the session.
  source.onCardChange((present) => {
    if (present === false && pulledAt > 0) detected.push(performance.now() - pulledAt);
    pulledAt = 0;
  });
  const seen = async (present: boolean, what: string): Promise<void> => {
    const end = Date.now() + 15_000;
    while (source.cardPresent() !== present) {
      if (Date.now() > end) throw new Error(`The smartcard source did not see ${what} within 15 s.`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    label: 'the smartcard pulled from the reader',
    reason: 'smartcard-removed',
    async prepare() {
      await card.insertCard();
      await seen(true, 'the card go in');
      // Anywhere within pcscd's 400 ms polling of the reader (pcsc-lite's PCSCLITE_STATUS_POLL_RATE).
      await new Promise((r) => setTimeout(r, Math.random() * 500));
    },
    fire: () => {
      pulledAt = performance.now();
      return card.removeCard();
    },
  };
}

export async function runSmartcardBench(options: SmartcardBenchOptions = {}): Promise<SmartcardBenchResult> {
  const say = options.progress ?? (() => undefined);
  const { startHarness } = await import('../test/harness/harness');
  const { startVirtualCard, virtualCardMissing } = await import('../test/harness/virtual-card');
  // libpcsclite reads the socket's name once, at this process's first PC/SC call: one set
  // before (by someone else) points it at another pcscd than ours.
  let missing =
    process.env['PCSCLITE_CSOCK_NAME'] === undefined
      ? virtualCardMissing()
      : 'PCSCLITE_CSOCK_NAME is already set in this process';
  let real: VirtualCard | null = null;
  if (missing === null) {
    try {
      real = await startVirtualCard();
      process.env['PCSCLITE_CSOCK_NAME'] = real.socket;
    } catch (error) {
      missing = `pcscd could not be started: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
  }
  if (missing !== null)
    say(`smartcard: no real PC/SC stack here (${missing}); timing the simulated PC/SC service instead.`);
  const rendererDir = await mkdtemp(join(tmpdir(), 'cws-bench-renderer-'));
  try {
    say('smartcard: building the renderer…');
    await buildRenderer(rendererDir);
    const browser = await launchChromium();
    try {
      const harness = await startHarness({ rendererDir, smartcard: { pcsc: real ?? 'simulated' } });
      try {
        const card = harness.smartcard?.card;
        if (!card) throw new Error('the harness has no smartcard');
        const locks = options.locks ?? 200;
        say(`smartcard: ${locks} locks, card pulled (${real ? 'vicc killed against pcscd' : 'simulated PC/SC'})…`);
        const detected: number[] = [];
        const warmup = options.warmup ?? 5;
        const result = await measureLockLatency({
          harness,
          browser,
          locks,
          warmup,
          injection: 'in-process',
          trigger: cardTrigger(harness, card, detected),
          maxMs: options.maxMs ?? 300_000,
        });
        const { detectMs, shellMs } = split(result.samplesMs, detected.slice(warmup));
        return {
          pcsc: real ? 'pcscd' : 'simulated',
          simulatedBecause: missing,
          chromium: browser.version(),
          latencyMs: result.latencyMs,
          detectMs,
          shellMs,
          roundMs: result.roundMs,
        };
      } finally {
        await harness.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await real?.close();
    await rm(rendererDir, { recursive: true, force: true });
  }
}

export function formatSmartcardBench(r: SmartcardBenchResult): string {
  const how =
    r.pcsc === 'pcscd'
      ? 'vicc killed against pcscd + vpcd, read over libpcsclite'
      : `SIMULATED PC/SC (in-memory service; ${r.simulatedBecause ?? ''})`;
  const q = (s: Summary): string[] => (['median', 'p95', 'p99', 'max'] as const).map((k) => ms(s[k], 1));
  return [
    `Card removed → lock screen painted: ${how}; Chromium ${r.chromium}`,
    '',
    table(
      ['figure', 'n', 'median', 'p95', 'p99', 'max'],
      [
        ['card pulled → lock screen painted, note gone', String(r.latencyMs.n), ...q(r.latencyMs)],
        ['  of which: card pulled → source saw it gone', String(r.detectMs.n), ...q(r.detectMs)],
        ['  of which: source saw it → lock screen painted', String(r.shellMs.n), ...q(r.shellMs)],
        ['one round (card in, pull, unlock, note back)', String(r.roundMs.n), ...q(r.roundMs)],
      ],
    ),
  ].join('\n');
}

export function smartcardMeasures(r: SmartcardBenchResult): Measure[] {
  const name = `card removed → lock painted p99 (n = ${r.latencyMs.n})`;
  return [
    r.pcsc === 'pcscd'
      ? atMost('smartcard', name, r.latencyMs.p99, smartcardTargetP99Ms, (v) => ms(v, 1))
      : info('smartcard', `${name}, SIMULATED PC/SC (no pcscd here)`, ms(r.latencyMs.p99, 1)),
    info('smartcard', 'card removed → lock painted median', ms(r.latencyMs.median, 1)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runSmartcardBench({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatSmartcardBench(result)}\n`);
}
