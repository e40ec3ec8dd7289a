/**
 * Wires each benchmark file into the runner. The engine, sign-in and drafts benchmarks are
 * owned elsewhere, so they are loaded at run time by path: a file that does not exist yet is
 * skipped with a message saying so, and a file whose export has changed shape fails loudly
 * (a crash, not a silent skip). Their results are read from `unknown` and checked here.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BenchName } from './cli';
import { ms, table } from './print';
import { atMost, info } from './summary';
import type { Measure } from './summary';

export interface BenchOutcome {
  readonly report: string;
  readonly measures: readonly Measure[];
}

export type Suite = { readonly name: BenchName; readonly file: string; run(): Promise<BenchOutcome> };

type Fields = Record<string, unknown>;

function record(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${what} is not an object; the benchmark's result has changed shape.`);
  return value as Fields;
}
function num(fields: Fields, key: string, what: string): number {
  const value = fields[key];
  if (typeof value !== 'number')
    throw new TypeError(`${what}.${key} is not a number; the benchmark's result has changed shape.`);
  return value;
}
function str(fields: Fields, key: string): string {
  const value = fields[key];
  return typeof value === 'string' ? value : String(value ?? '');
}
function list(value: unknown, what: string): Fields[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} is not a list; the benchmark's result has changed shape.`);
  return value.map((v, i) => record(v, `${what}[${i}]`));
}

/** Imports a benchmark file; null when it does not exist. */
async function load(file: string): Promise<Fields | null> {
  const url = new URL(`../${file}`, import.meta.url);
  try {
    await access(fileURLToPath(url));
  } catch {
    return null;
  }
  return record(await import(url.href), file);
}

function exported(mod: Fields, name: string, file: string): (...args: unknown[]) => unknown {
  const value = mod[name];
  if (typeof value !== 'function')
    throw new TypeError(`bench/${file} no longer exports ${name}(); the runner cannot call it.`);
  return value as (...args: unknown[]) => unknown;
}

export class MissingBench extends Error {
  readonly code = 'BENCH_MISSING';
}

/** Imports bench/<file>; throws MissingBench when the file is not in the checkout. */
export async function loadBench(file: string): Promise<Fields> {
  const mod = await load(file);
  if (!mod) throw new MissingBench(`bench/${file} does not exist in this checkout, so that benchmark was skipped.`);
  return mod;
}

const stat = (s: Fields, what: string): string =>
  `${ms(num(s, 'medianMs', what), 2)} / ${ms(num(s, 'p95Ms', what), 2)}`;

export function reportEngine(results: unknown, format?: (r: unknown) => unknown): BenchOutcome {
  const rows = list(results, 'engine results');
  const measures = rows.map((r, i) =>
    info('engine', `${str(r, 'name')}: ns/event (median)`, num(r, 'nsPerEventMedian', `engine[${i}]`).toFixed(0)),
  );
  const formatted = format?.(results);
  const report =
    typeof formatted === 'string'
      ? formatted
      : table(
          ['scenario', 'ns/event (median)'],
          rows.map((r, i) => [str(r, 'name'), num(r, 'nsPerEventMedian', `engine[${i}]`).toFixed(0)]),
        );
  return { report: `Session engine, simulated 12-hour shift\n\n${report}`, measures };
}

export function reportSignIn(result: unknown): BenchOutcome {
  const r = record(result, 'sign-in result');
  const baseline = record(r['baseline'], 'sign-in baseline');
  const shell = record(r['shell'], 'sign-in shell');
  const ratio = num(r, 'ratio', 'sign-in');
  const report = table(
    [`sign-in, callback → session (${num(r, 'runs', 'sign-in')} runs)`, 'median / p95'],
    [
      ['bare openid-client', stat(baseline, 'baseline')],
      ['shell sign-in', stat(shell, 'shell')],
      ['ratio (median)', `${ratio.toFixed(2)}×`],
    ],
  );
  return {
    report,
    measures: [
      atMost('signin', 'shell / bare openid-client (median)', ratio, 1.2, (n) => `${n.toFixed(2)}×`),
      atMost('signin', 'sign-in median', num(shell, 'medianMs', 'shell'), 50, (n) => ms(n, 2)),
    ],
  };
}

export function reportDrafts(results: unknown): BenchOutcome {
  const rows = list(results, 'drafts results');
  const report = table(
    ['draft autosave case', 'plain atomic write median / p95', 'vault.save median / p95'],
    rows.map((c, i) => [
      str(c, 'name'),
      stat(record(c['baseline'], `drafts[${i}].baseline`), 'baseline'),
      stat(record(c['vault'], `drafts[${i}].vault`), 'vault'),
    ]),
  );
  const measures = rows.map((c, i) =>
    info(
      'drafts',
      `vault.save median, ${str(c, 'name')}`,
      ms(num(record(c['vault'], `drafts[${i}].vault`), 'medianMs', 'vault'), 2),
    ),
  );
  return { report, measures };
}

/** "Sleep without signals → locked": p99 lateness after waking, target within 1 s. */
export function reportWake(result: unknown): BenchOutcome {
  const r = record(result, 'wake result');
  const lateness = record(r['latenessMs'], 'wake.latenessMs');
  const n = num(r, 'samples', 'wake');
  const p99 = num(lateness, 'p99', 'wake.latenessMs');
  const report = table(
    [`sleep without signals → locked (n = ${n})`, 'median', 'p95', 'p99', 'max'],
    [
      [
        'lateness after waking',
        ...(['median', 'p95', 'p99', 'max'] as const).map((k) => ms(num(lateness, k, 'wake.latenessMs'), 0)),
      ],
    ],
  );
  return {
    report,
    measures: [
      atMost('wake', 'sleep without signals → locked, lateness p99', p99, 1000, (v) => ms(v, 0)),
      info('wake', 'lateness median', ms(num(lateness, 'median', 'wake.latenessMs'), 0)),
    ],
  };
}

/** The logout relay at ward scale: delivery latency at 50 logouts/s, memory, the reconnect storm. */
export function reportRelay(result: unknown): BenchOutcome {
  const r = record(result, 'relay result');
  const delivery = record(r['delivery'], 'relay.delivery');
  const latency = record(delivery['latencyMs'], 'relay.delivery.latencyMs');
  const post = record(delivery['postMs'], 'relay.delivery.postMs');
  const storm = record(r['storm'], 'relay.storm');
  const stormLatency = record(storm['latencyMs'], 'relay.storm.latencyMs');
  const memory = list(r['memory'], 'relay.memory');
  const n = num(r, 'workstations', 'relay');
  const rate = num(delivery, 'rate', 'relay.delivery');
  const p99 = num(latency, 'p99', 'relay.delivery.latencyMs');
  const perThousand = memory.map((m, i) => num(m, 'perThousandBytes', `relay.memory[${i}]`));
  const allRegisteredMs = num(storm, 'allRegisteredMs', 'relay.storm');
  const lost = num(storm, 'lost', 'relay.storm');
  const quartet = (s: Fields, what: string): string =>
    (['median', 'p95', 'p99', 'max'] as const).map((k) => ms(num(s, k, what), 1)).join(' / ');
  const report = [
    `Logout relay: ${n} workstations over ${num(r, 'replicas', 'relay')} replicas + Redis (registered in ${ms(num(r, 'connectMs', 'relay'), 0)})`,
    '',
    table(
      ['figure', 'value'],
      [
        [
          `POST → workstation, ${rate}/s, n = ${num(delivery, 'received', 'relay.delivery')} of ${num(delivery, 'sent', 'relay.delivery')}: median / p95 / p99 / max`,
          quartet(latency, 'relay.delivery.latencyMs'),
        ],
        ['POST answered: median / p95 / p99 / max', quartet(post, 'relay.delivery.postMs')],
        ...memory.map((m, i): string[] => [
          `replica ${str(m, 'replica')}: RSS ${(num(m, 'rssBeforeBytes', 'relay.memory') / 1e6).toFixed(1)} → ${(num(m, 'rssAfterBytes', 'relay.memory') / 1e6).toFixed(1)} MB with ${num(m, 'connections', 'relay.memory')} connections`,
          `${((perThousand[i] as number) / 1e6).toFixed(1)} MB per 1,000`,
        ]),
        [
          `reconnect storm: ${num(storm, 'reconnecting', 'relay.storm')} workstations of the killed replica, all registered again after`,
          ms(allRegisteredMs, 0),
        ],
        [
          `logouts during the storm: received / sent (by catch-up)`,
          `${num(storm, 'received', 'relay.storm')} / ${num(storm, 'sent', 'relay.storm')} (${num(storm, 'viaCatchUp', 'relay.storm')})`,
        ],
        ['storm POST → workstation: median / p95 / p99 / max', quartet(stormLatency, 'relay.storm.latencyMs')],
      ],
    ),
  ].join('\n');
  return {
    report,
    measures: [
      atMost('relay', `logout POST → workstation p99 at ${rate}/s, ${n} workstations`, p99, 1000, (v) => ms(v, 1)),
      info('relay', 'logout POST → workstation median', ms(num(latency, 'median', 'relay.delivery.latencyMs'), 1)),
      info(
        'relay',
        'replica memory per 1,000 connections',
        perThousand.map((b) => `${(b / 1e6).toFixed(1)} MB`).join(', '),
      ),
      atMost('relay', 'reconnect storm: all registered again', allRegisteredMs, 30_000, (v) => ms(v, 0)),
      atMost('relay', 'logouts lost in the storm', lost, 0, (v) => String(v)),
    ],
  };
}

export const otherSuites: readonly Suite[] = [
  {
    name: 'engine',
    file: 'engine.bench.ts',
    async run() {
      const mod = await loadBench(this.file);
      const format =
        typeof mod['formatEngineBench'] === 'function'
          ? (mod['formatEngineBench'] as (r: unknown) => unknown)
          : undefined;
      return reportEngine(await exported(mod, 'runEngineBench', this.file)(), format);
    },
  },
  {
    name: 'signin',
    file: 'signin.bench.ts',
    async run() {
      const mod = await loadBench(this.file);
      return reportSignIn(await exported(mod, 'runSignInBench', this.file)());
    },
  },
  {
    name: 'drafts',
    file: 'drafts.bench.ts',
    async run() {
      const mod = await loadBench(this.file);
      return reportDrafts(await exported(mod, 'runDraftsBench', this.file)());
    },
  },
  {
    name: 'wake',
    file: 'wake.bench.ts',
    async run() {
      const mod = await loadBench(this.file);
      return reportWake(await exported(mod, 'runWakeBench', this.file)());
    },
  },
  {
    name: 'relay',
    file: 'relay.bench.ts',
    async run() {
      const mod = await loadBench(this.file);
      return reportRelay(
        await exported(
          mod,
          'runRelayBench',
          this.file,
        )({ progress: (line: string) => process.stderr.write(`${line}\n`) }),
      );
    },
  },
];
