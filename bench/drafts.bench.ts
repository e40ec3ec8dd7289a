// Draft vault benchmark: what one autosave costs, now that every save reaches disk sealed.
// Baseline: the same draft set written the same atomic way (temp, fsync, rename, fsync folder)
// as plain JSON, which the vault must never do; the difference is the price of sealing.
// Run alone: npx tsx bench/drafts.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Draft } from '../main/core/drafts';
import { createDraftVault } from '../main/services/drafts';
import { writeAtomically } from '../main/services/drafts/files';
import { createMemorySecretStore } from '../main/services/secret-store';
import { summarise } from './lib/stats';

/** The vault's own atomic write names its temp file after a subject hash; any valid one will do here. */
const baselineHash = 'A'.repeat(43);

export interface Stats {
  readonly medianMs: number;
  readonly p95Ms: number;
}
export interface DraftsBenchCase {
  readonly name: string;
  readonly drafts: number;
  readonly textChars: number;
  readonly baseline: Stats;
  readonly vault: Stats;
}

function stats(samples: number[]): Stats {
  const { median, p95 } = summarise(samples);
  return { medianMs: median, p95Ms: p95 };
}

async function runCase(name: string, draftCount: number, textChars: number, runs: number): Promise<DraftsBenchCase> {
  const root = mkdtempSync(join(tmpdir(), 'cws-drafts-bench-'));
  try {
    const vault = await createDraftVault({
      dataDir: join(root, 'vault'),
      secretStore: createMemorySecretStore(),
      now: Date.now,
      service: 'bench',
    });
    const plainDir = join(root, 'vault');
    const set: Draft[] = [];
    const text = 'Obs stable, plan unchanged. '.repeat(Math.ceil(textChars / 28)).slice(0, textChars);
    for (let i = 0; i < draftCount; i += 1) {
      const d = { id: `d${i}`, patient: `Patient ${i}`, text, updatedAt: i };
      set.push(d);
      await vault.save('555000000001', d);
    }
    const base: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < runs + 5; i += 1) {
      // One edited draft per autosave, as the renderer sends it; the whole set is sealed again.
      const edited = {
        ...set[0],
        id: 'd0',
        patient: 'Patient 0',
        text: `${text.slice(0, -4)}${String(i).padStart(4, '0')}`,
        updatedAt: i,
      };
      const t0 = performance.now();
      await writeAtomically(
        plainDir,
        'plain.json',
        baselineHash,
        JSON.stringify({ v: 1, drafts: [edited, ...set.slice(1)] }),
      );
      const t1 = performance.now();
      await vault.save('555000000001', edited);
      const t2 = performance.now();
      if (i >= 5) {
        base.push(t1 - t0);
        ours.push(t2 - t1);
      }
    }
    return { name, drafts: draftCount, textChars, baseline: stats(base), vault: stats(ours) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function runDraftsBench(runs = 100): Promise<DraftsBenchCase[]> {
  return [
    await runCase('typical: 3 drafts of 2 000 characters', 3, 2_000, runs),
    await runCase('large: 10 drafts of 100 000 characters', 10, 100_000, Math.max(20, runs / 4)),
    await runCase('worst case: 100 drafts of 100 000 characters', 100, 100_000, Math.max(10, runs / 10)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const f = (n: number): string => n.toFixed(2);
  for (const c of await runDraftsBench()) {
    process.stdout.write(
      `Draft autosave, ${c.name}\n` +
        `  plain atomic write (baseline): median ${f(c.baseline.medianMs)} ms, p95 ${f(c.baseline.p95Ms)} ms\n` +
        `  vault.save (sealed):           median ${f(c.vault.medianMs)} ms, p95 ${f(c.vault.p95Ms)} ms\n`,
    );
  }
}
