// D-Bus lock signal → lock screen painted (issue 12, target p99 ≤ 50 ms). python-dbusmock's
// logind template runs on a private bus of our own (a dbus-daemon on a socket in a temporary
// folder, never the machine's buses); the shell's logind source (main/services/presence/logind.ts)
// connects to it as to the system bus and raises its signals into the harness's session service;
// the real renderer paints the lock screen in Chromium (bench/lib/lock-latency.ts says how the
// paint is timed). Two ways logind says the session locked, each timed from just before the call
// that makes the mock emit it: the session object's Lock signal (loginctl lock-session), and
// LockedHint turning true in PropertiesChanged (what a screen locker sets). The clinician unlocks
// through the sandbox between locks.
//
// Where dbus-daemon or python-dbusmock is missing, it says so and times nothing. Bounded: at most
// `locks` locks per variant and `maxMs` of timing each. Run alone: `npx tsx bench/dbus.bench.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OsSignal } from '../main/core/os-signals';
import { startLogindSource } from '../main/services/presence/logind';
import { launchChromium } from './lib/browser';
import { measureLockLatency, split } from './lib/lock-latency';
import type { LockTrigger } from './lib/lock-latency';
import { ms, table } from './lib/print';
import { buildRenderer } from './lib/renderer-bundle';
import type { Summary } from './lib/stats';
import { atMost, info } from './lib/summary';
import type { Measure } from './lib/summary';

export const dbusTargetP99Ms = 50;

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const sessionPath = '/org/freedesktop/login1/session/c7';
const sessionIface = 'org.freedesktop.login1.Session';
const mockIface = 'org.freedesktop.DBus.Mock';

/** Why the benchmark cannot run here (null: it can). */
export function dbusBenchMissing(): string | null {
  const ok = (command: string, args: string[]): boolean => {
    try {
      return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
    } catch {
      return false;
    }
  };
  if (!ok('sh', ['-c', 'command -v dbus-daemon'])) return 'dbus-daemon is not installed (Debian: dbus)';
  if (!ok(python, ['-c', 'import dbusmock'])) return 'python-dbusmock is not installed (Debian: python3-dbusmock)';
  return null;
}

export interface DbusBenchOptions {
  readonly locks?: number;
  readonly warmup?: number;
  readonly maxMs?: number;
  readonly progress?: (line: string) => void;
}

export interface DbusVariant {
  readonly label: string;
  readonly latencyMs: Summary;
  /** The first part of it: the call to the mock → the logind source raised the signal (D-Bus, python-dbusmock). */
  readonly detectMs: Summary;
  /** The rest: the source raised it → the lock screen painted (session, WebSocket, renderer). */
  readonly shellMs: Summary;
}

export type DbusBenchResult =
  | { readonly ran: false; readonly because: string }
  | { readonly ran: true; readonly chromium: string; readonly variants: readonly DbusVariant[] };

async function until(what: () => boolean, ms: number, message: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function runDbusBench(options: DbusBenchOptions = {}): Promise<DbusBenchResult> {
  const say = options.progress ?? (() => undefined);
  const missing = dbusBenchMissing();
  if (missing !== null) return { ran: false, because: missing };
  const { startMock, startPrivateBus } = await import('../test/services/presence/dbus-fixture');
  const { startHarness } = await import('../test/harness/harness');
  const rendererDir = await mkdtemp(join(tmpdir(), 'cws-bench-renderer-'));
  // The bus and the mock, or a plain reason why not (a sandbox without dbus-daemon's rights, a broken dbusmock).
  let bus: Awaited<ReturnType<typeof startPrivateBus>>;
  try {
    bus = await startPrivateBus();
  } catch (error) {
    await rm(rendererDir, { recursive: true, force: true });
    return {
      ran: false,
      because: `a private D-Bus bus could not be started: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    let logind: Awaited<ReturnType<typeof startMock>>;
    try {
      logind = await startMock(bus, 'org.freedesktop.login1', ['--template', 'logind']);
    } catch (error) {
      return {
        ran: false,
        because: `python-dbusmock's logind did not start: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    try {
      await logind.call({
        path: '/org/freedesktop/login1',
        interface: mockIface,
        member: 'AddSession',
        signature: 'ssusb',
        body: ['c7', 'seat0', 1000, 'ward', true],
      });
      say('dbus: building the renderer…');
      await buildRenderer(rendererDir);
      const browser = await launchChromium();
      try {
        // What the source raised, so a LockedHint false is known to have arrived before the next true.
        const raised: OsSignal[] = [];
        // For every lock fired: how long until the source raised it.
        let firedAt = 0;
        let detected: number[] = [];
        const fired = (): void => {
          firedAt = performance.now();
        };
        let hinted = false;
        const setLockedHint = (locked: boolean) =>
          logind.call({
            path: sessionPath,
            interface: sessionIface,
            member: 'SetLockedHint',
            signature: 'b',
            body: [locked],
          });
        const triggers: LockTrigger[] = [
          {
            label: "logind's session Lock signal",
            reason: 'os-lock',
            fire: () => (fired(), logind.call({ path: sessionPath, interface: sessionIface, member: 'Lock' })),
          },
          {
            label: 'logind LockedHint → true (PropertiesChanged)',
            reason: 'os-lock',
            async prepare() {
              if (!hinted) return;
              const before = raised.length;
              // The screen locker clears the hint as the clinician unlocks the desktop.
              await setLockedHint(false);
              hinted = false;
              await until(
                () => raised.slice(before).includes('unlock-screen'),
                5_000,
                'LockedHint false never reached the logind source',
              );
            },
            fire: async () => {
              hinted = true;
              fired();
              await setLockedHint(true);
            },
          },
        ];
        const variants: DbusVariant[] = [];
        for (const trigger of triggers) {
          // A fresh shell per variant (each starts signed out), its logind source on the mock's bus.
          const harness = await startHarness({ rendererDir });
          const source = startLogindSource(
            { env: { XDG_SESSION_ID: 'c7' }, pid: process.pid, address: bus.address },
            {
              signal: (signal) => {
                if (signal === 'lock-screen' && firedAt > 0) detected.push(performance.now() - firedAt);
                firedAt = 0;
                raised.push(signal);
                harness.services.session.os.signal(signal);
              },
            },
          );
          try {
            await until(
              () => source.status().state === 'live',
              15_000,
              `the logind source did not connect to the mock (${JSON.stringify(source.status())})`,
            );
            const locks = options.locks ?? 200;
            say(`dbus: ${locks} locks, ${trigger.label}…`);
            detected = [];
            const warmup = options.warmup ?? 10;
            const result = await measureLockLatency({
              harness,
              browser,
              locks,
              warmup,
              injection: 'in-process',
              trigger,
              maxMs: options.maxMs ?? 180_000,
            });
            variants.push({
              label: trigger.label,
              latencyMs: result.latencyMs,
              ...split(result.samplesMs, detected.slice(warmup)),
            });
          } finally {
            await source.dispose();
            await harness.close();
          }
        }
        return { ran: true, chromium: browser.version(), variants };
      } finally {
        await browser.close();
      }
    } finally {
      await logind.stop();
    }
  } finally {
    await bus.dispose();
    await rm(rendererDir, { recursive: true, force: true });
  }
}

export function formatDbusBench(r: DbusBenchResult): string {
  if (!r.ran) return `The D-Bus benchmark did not run: ${r.because}. Nothing was timed.`;
  const q = (s: Summary): string[] => (['median', 'p95', 'p99', 'max'] as const).map((k) => ms(s[k], 1));
  return [
    `D-Bus lock signal → lock screen painted: python-dbusmock logind on a private bus, the logind source, Chromium ${r.chromium}`,
    '',
    table(
      ['signal → lock screen painted, note gone', 'n', 'median', 'p95', 'p99', 'max'],
      r.variants.flatMap((v) => [
        [v.label, String(v.latencyMs.n), ...q(v.latencyMs)],
        ['  of which: call to the mock → source raised it', String(v.detectMs.n), ...q(v.detectMs)],
        ['  of which: source raised it → lock screen painted', String(v.shellMs.n), ...q(v.shellMs)],
      ]),
    ),
  ].join('\n');
}

export function dbusMeasures(r: DbusBenchResult): Measure[] {
  if (!r.ran) return [info('dbus', 'D-Bus lock signal → lock painted', `not run: ${r.because}`)];
  return r.variants.flatMap((v) => [
    atMost('dbus', `${v.label} → lock painted p99 (n = ${v.latencyMs.n})`, v.latencyMs.p99, dbusTargetP99Ms, (n) =>
      ms(n, 1),
    ),
    info('dbus', `${v.label} → lock painted median`, ms(v.latencyMs.median, 1)),
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runDbusBench({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatDbusBench(result)}\n`);
}
