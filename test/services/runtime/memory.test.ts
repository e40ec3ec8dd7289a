/**
 * keepYoungGenerationSmall() must really stop V8 from growing its young generation in a
 * running process: each case runs in a Node process of its own (V8 flags are process-wide),
 * makes the kind of surviving burst a growing note's saves make, and reports new space's size.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const memoryModule = join(import.meta.dirname, '..', '..', '..', 'main', 'services', 'runtime', 'memory.ts');

const burst = `
const v8 = await import('node:v8');
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const before = newSpace();
if (process.argv[1] === 'small') (await import(${JSON.stringify(memoryModule)})).keepYoungGenerationSmall();
const kept = [];
for (let save = 0; save < 300; save += 1) {
  let note = '';
  for (let line = 0; line < 400; line += 1) note += 'Obs: HR 72, BP 124/78, SpO2 97% on air. ' + line;
  kept.push(note);
  if (kept.length > 20) kept.shift();
}
process.stdout.write(JSON.stringify({ before, after: newSpace() }));
`;

async function newSpaceAfterBurst(mode: 'small' | 'default'): Promise<{ before: number; after: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', burst, mode], {
    timeout: 30_000,
  });
  return JSON.parse(stdout) as { before: number; after: number };
}

describe('keepYoungGenerationSmall', () => {
  it('without it, a burst of surviving note-sized strings grows new space (the case it exists for)', async () => {
    const { before, after } = await newSpaceAfterBurst('default');
    expect(after).toBeGreaterThan(before);
  });

  it('with it, new space stays at the size it started with', async () => {
    const { before, after } = await newSpaceAfterBurst('small');
    expect(after).toBeLessThanOrEqual(before);
  });
});
