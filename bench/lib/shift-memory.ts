/**
 * Memory after a simulated 12-hour shift, in processes of their own: the CIS2 sandbox runs
 * in one (`sandbox/cli.ts`), the main-process services in another (shift-memory-child.ts,
 * with --expose-gc), so the figures hold the services and nothing of the sandbox or the
 * benchmark runner. The services' process runs a bundle built the way `npm run build:main`
 * builds the app (esbuild, ESM, native and runtime-only modules external), not TypeScript
 * through tsx: tsx's loader thread alone adds tens of MB that the packaged app never loads.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { mainBundleOptions } from '../../scripts/main-bundle.mjs';
import { repoRoot } from './renderer-bundle';
import { SHIFT_RESULT_PREFIX } from './shift-memory-types';
import type { ShiftChildResult } from './shift-memory-types';

export type { MemorySample, ShiftChildResult } from './shift-memory-types';

function nodeWithTsx(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a child's stderr, so a crash is reported with what the child said. */
function stderrOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4000);
  });
  return () => text.trim();
}

export interface SandboxProcess {
  readonly issuer: string;
  readonly clientId: string;
  /** The logout relay beside it, and its card reader page (POST /pull/<clinician> ends their session). */
  readonly relay: string;
  readonly cardReader: string;
  stop(): Promise<void>;
}

/** `npm run sandbox` in a process of its own (sandbox/cli.ts: the provider, the relay, the card reader). */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const child = nodeWithTsx([join(repoRoot, 'sandbox/cli.ts')]);
  const stderr = stderrOf(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const found: Partial<Record<'issuer' | 'clientId' | 'relay' | 'cardReader', string>> = {};
    const labels = {
      'issuer: ': 'issuer',
      'client_id: ': 'clientId',
      'relay: ': 'relay',
      'card reader: ': 'cardReader',
    } as const;
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const ready = new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        for (const [label, key] of Object.entries(labels))
          if (line.startsWith(label)) found[key] = line.slice(label.length).trim();
        if (found.issuer && found.clientId && found.relay && found.cardReader) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`The sandbox process exited (code ${code}) before it printed its issuer: ${stderr()}`)),
      );
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('The sandbox process did not print its issuer within 30 s.')), 30_000).unref(),
    );
    await Promise.race([ready, timeout]);
    lines.close();
    child.stdout?.resume();
    const { issuer, clientId, relay, cardReader } = found as Required<typeof found>;
    return { issuer, clientId, relay, cardReader: cardReader.replace(/\/$/, ''), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** dist/ is not committed; node_modules beside it resolves the external packages. */
const childBundle = join(repoRoot, 'dist/bench/shift-memory-child.mjs');

/** Bundles the child as scripts/build-main.mjs bundles main/index.ts (the same options). */
async function bundleChild(): Promise<void> {
  await build({
    ...mainBundleOptions,
    entryPoints: [join(repoRoot, 'bench/lib/shift-memory-child.ts')],
    outfile: childBundle,
    logLevel: 'warning',
  });
}

async function runShiftChild(issuer: string, clientId: string, saveDrafts: boolean): Promise<ShiftChildResult> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', childBundle, issuer, clientId, saveDrafts ? 'drafts' : 'no-drafts'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr = stderrOf(child);
  let result: ShiftChildResult | null = null;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    if (line.startsWith(SHIFT_RESULT_PREFIX))
      result = JSON.parse(line.slice(SHIFT_RESULT_PREFIX.length)) as ShiftChildResult;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  if (code !== 0 || result === null)
    throw new Error(`The 12-hour shift process failed (exit code ${code}): ${stderr() || 'it printed no result'}`);
  return result;
}

export interface ShiftMemoryResult {
  /** The shift as specified: activity every second and a draft save every minute. */
  readonly withDrafts: ShiftChildResult;
  /** The same shift, each in a fresh process, without draft saves: what the drafts add. */
  readonly withoutDrafts: ShiftChildResult;
  /** RSS of a Node process that loads nothing, measured the same way: what Node itself costs. */
  readonly bareNodeRssBytes: number;
}

async function bareNodeRss(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '-e', 'gc(); gc(); process.stdout.write(String(process.memoryUsage().rss))'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  const rss = Number(out);
  if (code !== 0 || !Number.isFinite(rss) || rss <= 0)
    throw new Error(`A bare Node process could not report its memory (exit code ${code}).`);
  return rss;
}

function fullShift(result: ShiftChildResult): ShiftChildResult {
  if (result.endStatus !== 'locked' || result.endReason !== 'absolute-limit') {
    throw new Error(
      `The simulated shift ended "${result.endStatus}" (${result.endReason ?? 'no reason'}), not locked at the 12-hour limit; the memory figure would not describe a full shift.`,
    );
  }
  return result;
}

export async function measureShiftMemory(): Promise<ShiftMemoryResult> {
  await bundleChild();
  const sandbox = await startSandboxProcess();
  try {
    const withDrafts = fullShift(await runShiftChild(sandbox.issuer, sandbox.clientId, true));
    const withoutDrafts = fullShift(await runShiftChild(sandbox.issuer, sandbox.clientId, false));
    if (withDrafts.draftSaves < 700 || withoutDrafts.draftSaves !== 0)
      throw new Error('The shift processes did not save the drafts they were asked to (or saved some they were not).');
    return { withDrafts, withoutDrafts, bareNodeRssBytes: await bareNodeRss() };
  } finally {
    await sandbox.stop();
  }
}
