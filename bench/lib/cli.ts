/** `npm run bench` arguments: which benchmarks to run. Pure, so it is tested without running any. */
export const benchNames = [
  'engine',
  'signin',
  'drafts',
  'wake',
  'relay',
  'shell',
  'smartcard',
  'dbus',
  'handover',
  'ward-month',
] as const;
export type BenchName = (typeof benchNames)[number];

export type BenchArgs =
  { kind: 'run'; only: readonly BenchName[] } | { kind: 'help' } | { kind: 'error'; message: string };

export const usage = `Usage: npm run bench [-- --only <name>[,<name>…]]
Benchmarks: ${benchNames.join(', ')} (all, in that order, when --only is not given).
Each prints its own table, then a summary with targets; a MISS is reported, not failed.`;

const isBenchName = (name: string): name is BenchName => (benchNames as readonly string[]).includes(name);

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const chosen: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    let value: string | undefined;
    if (arg === '--only') value = argv[++i];
    else if (arg.startsWith('--only=')) value = arg.slice('--only='.length);
    else return { kind: 'error', message: `"${arg}" is not an option this runner knows.` };
    if (value === undefined || value.trim() === '') return { kind: 'error', message: '--only needs a benchmark name.' };
    chosen.push(
      ...value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
  }
  const unknown = chosen.filter((name) => !isBenchName(name));
  if (unknown.length > 0)
    return {
      kind: 'error',
      message: `There is no benchmark called ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${benchNames.join(', ')}.`,
    };
  const only = chosen.length === 0 ? benchNames : benchNames.filter((name) => chosen.includes(name));
  return { kind: 'run', only };
}
