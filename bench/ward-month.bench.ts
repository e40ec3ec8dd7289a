// A ward's month (issue 24): 1,000 hand-overs between the sandbox's clinicians in one services
// process, with the logout relay; after a full GC every 100, the heap, active handles by type,
// process listeners, relay connections and the requests made to the issuer. Targets: heap used
// flat within 2 MB from the 100th hand-over to the last, and no growth in timers, listeners or
// relay connections. Relay clients and logout-token validators are made once per process in the
// composition (compose.ts, logout-receiver.ts), not per sign-in; what would show one made per
// sign-in is a count that grows: live relay connections, and the validator's key-set (JWKS) and
// discovery fetches, which a new validator or discovery cache makes afresh.
// Run alone: `npx tsx bench/ward-month.bench.ts` (or `npm run bench -- --only ward-month`).
import { pathToFileURL } from 'node:url';
import { mb, table } from './lib/print';
import { atMost, info } from './lib/summary';
import type { Measure } from './lib/summary';
import { measureWardMonth } from './lib/ward-month';
import type { WardMonthChildResult, WardSample } from './lib/ward-month-types';

export const wardMonthTargets = { heapGrowthBytes: 2_000_000 } as const;

/** What may not grow between the first sample and the last: each count at both. */
export function wardCounts(s: WardSample): Record<string, number> {
  return {
    timers: s.activeResources['Timeout'] ?? 0,
    'active handles (all kinds)': Object.values(s.activeResources).reduce((a, b) => a + b, 0),
    'process listeners': s.processListeners,
    'relay connections open': s.relaySocketsLive,
    'relay socket objects retained': s.relaySocketsRetained,
  };
}

/** Requests that a validator or discovery cache made per sign-in would multiply. */
const perProcess = ['discovery', 'jwks'] as const;

export function wardMonthMeasures(r: WardMonthChildResult): Measure[] {
  const first = r.samples[0];
  const last = r.samples.at(-1);
  if (!first || !last || first === last) throw new RangeError("The ward's month needs two samples to compare.");
  const span = `hand-over ${first.handover} → ${last.handover}`;
  const measures: Measure[] = [
    atMost(
      'ward-month',
      `heap used growth, ${span}`,
      last.heapUsedBytes - first.heapUsedBytes,
      wardMonthTargets.heapGrowthBytes,
      mb,
    ),
  ];
  const before = wardCounts(first);
  const after = wardCounts(last);
  for (const [name, value] of Object.entries(after)) {
    const at = before[name] ?? 0;
    measures.push(atMost('ward-month', `${name}: ${at} → ${value}`, value - at, 0, (n) => `+${n}`));
  }
  for (const kind of perProcess) {
    const at = first.issuerRequests[kind] ?? 0;
    const end = last.issuerRequests[kind] ?? 0;
    measures.push(
      atMost('ward-month', `${kind} fetches (validator, discovery): ${at} → ${end}`, end - at, 0, (n) => `+${n}`),
    );
  }
  measures.push(info('ward-month', 'RSS at the last sample', mb(last.rssBytes)));
  return measures;
}

export function formatWardMonth(r: WardMonthChildResult): string {
  const kinds = [...new Set(r.samples.flatMap((s) => Object.keys(s.activeResources)))].sort();
  const requestKinds = [...new Set(r.samples.flatMap((s) => Object.keys(s.issuerRequests)))].sort();
  const rows = r.samples.map((s) => [
    String(s.handover),
    mb(s.heapUsedBytes),
    mb(s.heapTotalBytes),
    mb(s.rssBytes),
    mb(s.externalBytes),
    kinds.map((k) => `${k} ${s.activeResources[k] ?? 0}`).join(', '),
    String(s.processListeners),
    `${s.relaySocketsLive} / ${s.relaySocketsClosing} / ${s.relaySocketsRetained} (${s.relaySocketsOpened})`,
    requestKinds.map((k) => `${k} ${s.issuerRequests[k] ?? 0}`).join(', '),
  ]);
  return [
    `A ward's month: ${r.samples.at(-1)?.handover ?? 0} hand-overs, ${r.logouts} of them after CIS2 ended the session through the relay, in ${(r.realMs / 1000).toFixed(0)} s`,
    '',
    table(
      [
        'hand-over',
        'heap used',
        'heap total',
        'RSS',
        'external',
        'active handles',
        'process listeners',
        'relay open / closing / retained (opened)',
        'issuer requests so far',
      ],
      rows,
    ),
  ].join('\n');
}

export async function runWardMonthBench(
  options: { handovers?: number; every?: number } = {},
): Promise<WardMonthChildResult> {
  return measureWardMonth(options.handovers ?? 1000, options.every ?? 100);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runWardMonthBench({
    handovers: Number(process.env['HANDOVERS'] ?? 1000),
    every: Number(process.env['EVERY'] ?? 100),
  });
  process.stdout.write(`${formatWardMonth(result)}\n`);
}
