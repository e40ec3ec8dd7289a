// Hand-over time (issue 24): at one clinician's lock screen another signs in; from the sign-in
// completing at the provider (the authorization response reaching the shell's loopback callback)
// to the next clinician's workspace painted, with their own draft and none of the previous one's.
// Real services in Node, the real renderer in Chromium, the CIS2 sandbox and the logout relay
// (test/harness). Run alone: `npx tsx bench/handover.bench.ts` (or `npm run bench -- --only handover`).
//
// The provider's own time: each request the sandbox's provider handles is timed from its first
// middleware in to out (sandbox/provider.ts, onProviderRequest), and the union of those spans
// inside the window is reported apart and taken off the shell's figure. Only the time inside the
// provider is taken off; the HTTP hops to and from it, on loopback, stay in the shell's figure, so
// the shell's figure is an upper bound. The sandbox runs in the same process as the services, so
// its work also delays theirs; CIS2 is elsewhere. The clinicians alternate (every sandbox
// clinician with a role), so each hand-over seals the previous clinician's note and opens the
// next one's. What this machine cannot show: the Electron partition work (main/adapters, per
// sign-in) is not in the harness. Method and caveats: docs/benchmarks.md, "Hand-over time".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProviderSpan } from '../sandbox/provider';
import { launchChromium } from './lib/browser';
import { measureHandover } from './lib/handover';
import type { HandoverClinician, HandoverResult, HandoverWay } from './lib/handover';
import { ms, table } from './lib/print';
import { buildRenderer } from './lib/renderer-bundle';
import type { Summary } from './lib/stats';
import { atMost, info } from './lib/summary';
import type { Measure } from './lib/summary';

export const handoverTargets = { shellP95Ms: 300 } as const;

export interface HandoverBenchOptions {
  /** Timed hand-overs for each way (default 60), after `warmup` (default 5) untimed ones. */
  readonly handovers?: number;
  readonly warmup?: number;
  readonly progress?: (line: string) => void;
}

export interface HandoverBenchResult {
  readonly node: string;
  readonly chromium: string;
  readonly clinicians: readonly string[];
  readonly runs: readonly HandoverResult[];
}

interface ClinicianList {
  clinicians: { id: string; name: string; roles: string[] }[];
}

export async function runHandoverBench(options: HandoverBenchOptions = {}): Promise<HandoverBenchResult> {
  const say = options.progress ?? (() => undefined);
  const rendererDir = await mkdtemp(join(tmpdir(), 'cws-bench-handover-'));
  try {
    say('handover: building the renderer…');
    await buildRenderer(rendererDir);
    const browser = await launchChromium();
    try {
      const { startHarness } = await import('../test/harness/harness');
      const runs: HandoverResult[] = [];
      let ids: string[] = [];
      for (const way of ['someone-else', 'unlock'] as const satisfies readonly HandoverWay[]) {
        const spans: ProviderSpan[] = [];
        const harness = await startHarness({ rendererDir, onProviderRequest: (s) => spans.push(s) });
        try {
          const { clinicians } = (await harness.control('GET', '/control/clinicians')) as ClinicianList;
          // A clinician with no role gets no workspace (CIS2's RBAC): every other one takes turns.
          const turns: HandoverClinician[] = clinicians
            .filter((c) => c.roles.length > 0)
            .map((c) => ({ id: c.id, shown: c.name.split(' ').at(-1) ?? c.name }));
          ids = turns.map((c) => c.id);
          const handovers = options.handovers ?? 60;
          say(`handover: ${handovers} hand-overs (${way}) between ${turns.length} clinicians…`);
          runs.push(
            await measureHandover({
              harness,
              browser,
              spans,
              clinicians: turns,
              handovers,
              warmup: options.warmup ?? 5,
              way,
            }),
          );
        } finally {
          await harness.close();
        }
      }
      return { node: process.version, chromium: browser.version(), clinicians: ids, runs };
    } finally {
      await browser.close();
    }
  } finally {
    await rm(rendererDir, { recursive: true, force: true });
  }
}

const cells = (s: Summary): string[] => [String(s.n), ms(s.median), ms(s.p95), ms(s.p99), ms(s.max)];

const wayText: Record<HandoverWay, string> = {
  'someone-else': '"Sign in as someone else"',
  unlock: '"Unlock" as someone else (seal inside the window)',
};

export function formatHandoverBench(r: HandoverBenchResult): string {
  const rows = r.runs.flatMap((run) => [
    [`${wayText[run.way]}: callback → workspace painted`, ...cells(run.totalMs)],
    ['  of which inside the provider', ...cells(run.providerMs)],
    ['  the shell (less the provider)', ...cells(run.shellMs)],
  ]);
  const requests = r.runs.map(
    (run) =>
      `${run.way}: provider requests in the timed windows: ${
        Object.entries(run.providerRequests)
          .map(([route, n]) => `${route} ${n}`)
          .join(', ') || 'none'
      }`,
  );
  return [
    `Hand-over (harness): Node ${r.node}, Chromium ${r.chromium} headless; clinicians in turn: ${r.clinicians.join(', ')}`,
    '',
    table(['hand-over', 'n', 'median', 'p95', 'p99', 'max'], rows),
    ...requests,
  ].join('\n');
}

export function handoverMeasures(r: HandoverBenchResult): Measure[] {
  return r.runs.flatMap((run) => [
    atMost(
      'handover',
      `hand-over p95, provider excluded (${run.way}, n=${run.shellMs.n})`,
      run.shellMs.p95,
      handoverTargets.shellP95Ms,
      (v) => ms(v, 0),
    ),
    info('handover', `hand-over p95 with the provider (${run.way})`, ms(run.totalMs.p95, 0)),
    info(
      'handover',
      `provider's own time, median / p95 (${run.way})`,
      `${ms(run.providerMs.median, 0)} / ${ms(run.providerMs.p95, 0)}`,
    ),
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.env['HANDOVERS'] ?? 60);
  const warmup = Number(process.env['HANDOVER_WARMUP'] ?? 5);
  const result = await runHandoverBench({
    handovers: n,
    warmup,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatHandoverBench(result)}\n`);
}
