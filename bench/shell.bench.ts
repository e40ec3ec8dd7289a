// The shell as a clinician meets it, through the harness (test/harness): lock latency in the
// real renderer, cold start to the sign-in screen, the renderer bundle's gzipped size, and the
// services' memory after a simulated 12-hour shift. Run alone: `npx tsx bench/shell.bench.ts`
// (or `npm run bench -- --only shell`). Method and caveats: docs/benchmarks.md, "Shell (harness)".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './lib/browser';
import { measureColdStart } from './lib/cold-start';
import type { ColdStartResult } from './lib/cold-start';
import { measureLockLatency } from './lib/lock-latency';
import type { LockInjection, LockLatencyResult } from './lib/lock-latency';
import { kb, mb, ms, table } from './lib/print';
import { buildRenderer, measureBundle } from './lib/renderer-bundle';
import type { BundleSize } from './lib/renderer-bundle';
import { measureShiftMemory } from './lib/shift-memory';
import type { ShiftChildResult, ShiftMemoryResult } from './lib/shift-memory';
import type { Summary } from './lib/stats';
import { atMost, info } from './lib/summary';
import type { Measure } from './lib/summary';

export const shellTargets = {
  lockP99Ms: 50,
  coldStartMedianMs: 1000,
  bundleGzipBytes: 150_000,
  // The services' own memory: what they add to the runtime they run in (Electron's main process
  // has its own base, unlike a bare Node's), and a heap that stays flat over the shift. The
  // absolute 80 MB RSS figure this replaced measured Node's own base as much as the services.
  shiftAboveBareNodeBytes: 50_000_000,
  shiftHeapGrowthBytes: 2_000_000,
} as const;

export interface ShellBenchOptions {
  /** Locks timed with the event injected in-process (default 200). */
  readonly locks?: number;
  /** Locks timed through the control endpoint over HTTP (default 50). */
  readonly httpLocks?: number;
  readonly coldStarts?: number;
  /** Where to print progress (the runner passes process.stderr's write). */
  readonly progress?: (line: string) => void;
}

export interface ShellBenchResult {
  readonly chromium: string;
  readonly node: string;
  readonly bundle: BundleSize;
  readonly coldStart: ColdStartResult;
  readonly lock: readonly LockLatencyResult[];
  readonly shift: ShiftMemoryResult;
}

export async function runShellBench(options: ShellBenchOptions = {}): Promise<ShellBenchResult> {
  const say = options.progress ?? (() => undefined);
  const rendererDir = await mkdtemp(join(tmpdir(), 'cws-bench-renderer-'));
  try {
    // A fresh build of our own: dist/renderer may be stale, or rebuilt under us by another build.
    say('shell: building the renderer…');
    await buildRenderer(rendererDir);
    const bundle = await measureBundle(rendererDir);

    const browser = await launchChromium();
    try {
      say(`shell: cold start (${options.coldStarts ?? 10} runs each way)…`);
      const coldStart = await measureColdStart({ runs: options.coldStarts ?? 10, rendererDir, browser });
      const { startHarness } = await import('../test/harness/harness');
      const lock: LockLatencyResult[] = [];
      const variants: Array<[LockInjection, number]> = [
        ['in-process', options.locks ?? 200],
        ['control-http', options.httpLocks ?? 50],
      ];
      for (const [injection, locks] of variants) {
        if (locks <= 0) continue;
        say(`shell: lock latency, ${locks} locks, event injected ${injection}…`);
        const harness = await startHarness({ rendererDir });
        try {
          lock.push(await measureLockLatency({ harness, browser, locks, warmup: 10, injection }));
        } finally {
          await harness.close();
        }
      }
      say('shell: 12-hour shift memory (separate processes)…');
      const shift = await measureShiftMemory();
      return { chromium: browser.version(), node: process.version, bundle, coldStart, lock, shift };
    } finally {
      await browser.close();
    }
  } finally {
    await rm(rendererDir, { recursive: true, force: true });
  }
}

const summaryCells = (s: Summary): string[] => [ms(s.median), ms(s.p95), ms(s.p99), ms(s.min), ms(s.max)];

export function formatShellBench(r: ShellBenchResult): string {
  const lockRows = r.lock.map((l) => [
    `OS lock → lock screen painted, note gone (${l.injection})`,
    String(l.latencyMs.n),
    ...summaryCells(l.latencyMs),
  ]);
  const c = r.coldStart;
  const startRows = [
    [
      'startHarness() → sign-in button enabled, Chromium running',
      String(c.warmBrowserMs.n),
      ...summaryCells(c.warmBrowserMs),
    ],
    ['  of which startHarness()', String(c.startHarnessMs.n), ...summaryCells(c.startHarnessMs)],
    ['the same, Chromium launch included', String(c.withLaunchMs.n), ...summaryCells(c.withLaunchMs)],
  ];
  const s = r.shift.withDrafts;
  const bare = r.shift.withoutDrafts;
  const memRow = (name: string, m: ShiftChildResult['atEnd']): string[] => [
    name,
    mb(m.rssBytes),
    mb(m.heapTotalBytes),
    mb(m.heapUsedBytes),
    mb(m.externalBytes),
  ];
  return [
    `Shell (harness): Node ${r.node}, Chromium ${r.chromium} headless`,
    '',
    table(['latency', 'n', 'median', 'p95', 'p99', 'min', 'max'], [...lockRows, ...startRows]),
    `first cold start in this process (imports the harness and services): ${ms(c.firstRunMs)}; secret store: ${c.secretStore}`,
    '',
    table(
      ['renderer file', 'bytes', 'gzip -9'],
      [
        ...r.bundle.files.map((f) => [f.path, kb(f.bytes), kb(f.gzipBytes)]),
        ['total', kb(r.bundle.bytes), kb(r.bundle.gzipBytes)],
      ],
    ),
    '',
    table(
      ['services process, after GC', 'RSS', 'heap total', 'heap used', 'external'],
      [
        [`bare Node ${r.node}, nothing loaded`, mb(r.shift.bareNodeRssBytes), '', '', ''],
        memRow('after imports', s.afterImports),
        memRow('after sign-in', s.afterSignIn),
        ...s.hourly.map((m, i) => memRow(`after hour ${i + 1}`, m)),
        memRow('at the 12-hour lock', s.atEnd),
        memRow('the same shift without draft saves, at the lock', bare.atEnd),
      ],
    ),
    `shift: ${s.activityEvents} activity events, ${s.draftSaves} draft saves (note grew to ${s.finalTextChars} characters), ` +
      `${(s.simulatedMs / 3_600_000).toFixed(2)} simulated hours in ${(s.realMs / 1000).toFixed(1)} s; ended ${s.endStatus} (${s.endReason ?? '—'}); secret store: ${s.secretStore}`,
  ].join('\n');
}

export function shellMeasures(r: ShellBenchResult): Measure[] {
  const measures: Measure[] = [];
  for (const l of r.lock) {
    measures.push(
      atMost(
        'shell',
        `lock latency p99 (${l.injection}, n=${l.latencyMs.n})`,
        l.latencyMs.p99,
        shellTargets.lockP99Ms,
        ms,
      ),
    );
    measures.push(info('shell', `lock latency median (${l.injection})`, ms(l.latencyMs.median)));
  }
  measures.push(
    atMost(
      'shell',
      'cold start median, Chromium running',
      r.coldStart.warmBrowserMs.median,
      shellTargets.coldStartMedianMs,
      (n) => ms(n, 0),
    ),
  );
  measures.push(info('shell', 'cold start median, Chromium launch included', ms(r.coldStart.withLaunchMs.median, 0)));
  measures.push(
    atMost('shell', 'renderer bundle, gzip -9 (JS + CSS + HTML)', r.bundle.gzipBytes, shellTargets.bundleGzipBytes, kb),
  );
  measures.push(...shiftMeasures(r.shift));
  return measures;
}

/** The 12-hour shift's verdicts: the services' own RSS and a flat heap; the absolute RSS for reference. */
export function shiftMeasures(r: ShiftMemoryResult): Measure[] {
  const measures: Measure[] = [];
  const shift = r.withDrafts;
  measures.push(
    atMost(
      'shell',
      'services RSS above a bare Node process, after a 12-hour shift',
      shift.atEnd.rssBytes - r.bareNodeRssBytes,
      shellTargets.shiftAboveBareNodeBytes,
      mb,
    ),
  );
  // Flat: heap used at the lock against the first hour's (after a full GC each), so sign-in's own
  // allocations are not counted as growth.
  const firstHour = shift.hourly[0] ?? shift.afterSignIn;
  measures.push(
    atMost(
      'shell',
      'services heap used, growth from hour 1 to the 12-hour lock',
      shift.atEnd.heapUsedBytes - firstHour.heapUsedBytes,
      shellTargets.shiftHeapGrowthBytes,
      mb,
    ),
  );
  measures.push(info('shell', 'services RSS after a 12-hour shift (absolute)', mb(shift.atEnd.rssBytes)));
  measures.push(info('shell', 'services RSS, same shift without draft saves', mb(r.withoutDrafts.atEnd.rssBytes)));
  return measures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runShellBench({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatShellBench(result)}\n`);
}
