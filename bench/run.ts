// `npm run bench`: runs every benchmark (or those named with --only), prints each one's table,
// then a summary of the headline figures against their targets. Benchmarks report; they do not
// gate: a MISS still exits 0. A benchmark that crashes makes the run exit 1 (after the others
// have run), and a benchmark file that does not exist yet is skipped with a message.
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseBenchArgs, usage } from './lib/cli';
import { formatSummary } from './lib/summary';
import { runSuites } from './lib/runner';
import { otherSuites } from './lib/suites';
import type { Suite } from './lib/suites';

const shellSuite: Suite = {
  name: 'shell',
  file: 'shell.bench.ts',
  async run() {
    const { runShellBench, formatShellBench, shellMeasures } = await import('./shell.bench');
    const result = await runShellBench({ progress: (line) => process.stderr.write(`${line}\n`) });
    return { report: formatShellBench(result), measures: shellMeasures(result) };
  },
};

// Issue 12: the clinician leaving, seen by the shell's own presence sources and painted.
const smartcardSuite: Suite = {
  name: 'smartcard',
  file: 'smartcard.bench.ts',
  async run() {
    const { runSmartcardBench, formatSmartcardBench, smartcardMeasures } = await import('./smartcard.bench');
    const result = await runSmartcardBench({ progress: (line) => process.stderr.write(`${line}\n`) });
    return { report: formatSmartcardBench(result), measures: smartcardMeasures(result) };
  },
};

const dbusSuite: Suite = {
  name: 'dbus',
  file: 'dbus.bench.ts',
  async run() {
    const { runDbusBench, formatDbusBench, dbusMeasures } = await import('./dbus.bench');
    const result = await runDbusBench({ progress: (line) => process.stderr.write(`${line}\n`) });
    return { report: formatDbusBench(result), measures: dbusMeasures(result) };
  },
};

// Issue 24: a hand-over at the lock screen, timed to the next clinician's workspace painted.
const handoverSuite: Suite = {
  name: 'handover',
  file: 'handover.bench.ts',
  async run() {
    const { runHandoverBench, formatHandoverBench, handoverMeasures } = await import('./handover.bench');
    const result = await runHandoverBench({ progress: (line) => process.stderr.write(`${line}\n`) });
    return { report: formatHandoverBench(result), measures: handoverMeasures(result) };
  },
};

// Issue 24: 1,000 hand-overs in one services process; what grows.
const wardMonthSuite: Suite = {
  name: 'ward-month',
  file: 'ward-month.bench.ts',
  async run() {
    const { runWardMonthBench, formatWardMonth, wardMonthMeasures } = await import('./ward-month.bench');
    const result = await runWardMonthBench();
    return { report: formatWardMonth(result), measures: wardMonthMeasures(result) };
  },
};

const args = parseBenchArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`${args.message}\n${usage}\n`);
  process.exit(2);
}

// `npm run bench` runs under tsx without --expose-gc; the engine benchmark measures retained heap
// after a GC when one is available, so make one available (a fresh context sees the new flag).
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
}

const suites = [...otherSuites, shellSuite, smartcardSuite, dbusSuite, handoverSuite, wardMonthSuite].filter((s) =>
  args.only.includes(s.name),
);
const cpu = cpus();
process.stdout.write(
  `Benchmarks: ${suites.map((s) => s.name).join(', ')}\nNode ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'})\n`,
);

const { measures, notes, crashed } = await runSuites(suites, (text) => process.stdout.write(text));

process.stdout.write(
  `\n== summary ==\n${measures.length > 0 ? formatSummary(measures) : 'No figures.'}\n${notes.join('\n')}\n`,
);
process.exit(crashed ? 1 : 0);
