/**
 * A ward's month in processes of their own, as the 12-hour shift (shift-memory.ts): the sandbox
 * with its relay and card reader in one, the services in another (ward-month-child.ts, bundled as
 * the app is, with --expose-gc), so the figures hold the services alone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { mainBundleOptions } from '../../scripts/main-bundle.mjs';
import { repoRoot } from './renderer-bundle';
import { startSandboxProcess } from './shift-memory';
import { WARD_MONTH_PREFIX } from './ward-month-types';
import type { WardMonthChildResult } from './ward-month-types';

const childBundle = join(repoRoot, 'dist/bench/ward-month-child.mjs');

export async function measureWardMonth(handovers: number, every: number): Promise<WardMonthChildResult> {
  await build({
    ...mainBundleOptions,
    entryPoints: [join(repoRoot, 'bench/lib/ward-month-child.ts')],
    outfile: childBundle,
    logLevel: 'warning',
  });
  const sandbox = await startSandboxProcess();
  try {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        childBundle,
        sandbox.issuer,
        sandbox.clientId,
        sandbox.relay,
        sandbox.cardReader,
        String(handovers),
        String(every),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    let result: WardMonthChildResult | null = null;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith(WARD_MONTH_PREFIX))
        result = JSON.parse(line.slice(WARD_MONTH_PREFIX.length)) as WardMonthChildResult;
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    if (code !== 0 || result === null)
      throw new Error(
        `The ward's month process failed (exit code ${code}): ${stderr.trim() || 'it printed no result'}`,
      );
    return result;
  } finally {
    await sandbox.stop();
  }
}
