/**
 * Runs Electronegativity (@doyensec/electronegativity) programmatically: its CLI prints a table
 * and exits 0 whatever it finds, so only its `run` function can fail a test.
 *
 * Two of its habits do not suit a test run, and both are switched off here without touching
 * its checks: it downloads fresh translations at every start (replaced by its bundled English
 * ones, loaded exactly as its own loader does when the download fails), and the
 * AVAILABLE_SECURITY_FIXES check downloads Electron's release list (excluded by the caller).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface EngIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  severity: { name: string };
  confidence: { name: string };
  manualReview: boolean;
}

export interface EngResult {
  globalChecks: number;
  atomicChecks: number;
  /** Files it could not parse: their checks did not run, so a test must treat these as failures. */
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  issues: EngIssue[];
}

interface EngOptions {
  input: string;
  isRelative: boolean;
  excludeFromScan: string[];
  electronVersionOverride: string;
  parserPlugins: string[];
}

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity');
const fromElectronegativity = createRequire(runnerPath);

interface I18n {
  configure(options: Record<string, unknown>): void;
  setLocale(locale: string): void;
}

/** Its translations, from the files it ships, with no network request. */
function useBundledTranslations(): void {
  const i18nModule = path.join(path.dirname(runnerPath), 'locales', 'i18n.js');
  if (require.cache[i18nModule] !== undefined) return;
  const i18n = fromElectronegativity('i18n') as I18n;
  const offline = new Module(i18nModule);
  offline.filename = i18nModule;
  offline.loaded = true;
  offline.exports = async (): Promise<void> => {
    i18n.configure({
      locales: ['en-US'],
      defaultLocale: 'en-US',
      directory: path.dirname(i18nModule),
      updateFiles: false,
      objectNotation: true,
      retryInDefaultLocale: true,
      register: globalThis,
    });
    i18n.setLocale('en-US');
  };
  require.cache[i18nModule] = offline;
}

/** The Electron version the app is built with, so checks apply that version's defaults. */
export function installedElectronVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Scans `entries` (paths relative to `root`, files or folders) copied into a fresh temporary
 * folder, so the scan sees exactly those, and `extra` files (target path → source file) with them.
 */
export async function scanWithElectronegativity(
  root: string,
  entries: readonly string[],
  excludeFromScan: readonly string[],
  extra: Record<string, string> = {},
): Promise<EngResult> {
  useBundledTranslations();
  const run = require(runnerPath) as (options: EngOptions) => Promise<EngResult>;
  const work = mkdtempSync(path.join(tmpdir(), 'cws-electronegativity-'));
  try {
    const input = path.join(work, 'app');
    for (const entry of entries) cpSync(path.join(root, entry), path.join(input, entry), { recursive: true });
    for (const [target, source] of Object.entries(extra)) cpSync(source, path.join(input, target));
    // No `output`: its report file is written with fire-and-forget writes that throw from their
    // callbacks after run() resolves; the returned result carries every finding anyway.
    return await run({
      input,
      isRelative: true,
      excludeFromScan: [...excludeFromScan],
      electronVersionOverride: installedElectronVersion(),
      parserPlugins: [],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line per finding, readable in a failed assertion. */
export const describeIssue = (issue: EngIssue): string =>
  `${issue.id} ${issue.file}:${issue.location.line} (${issue.severity.name}, ${issue.confidence.name}${issue.manualReview ? ', review' : ''}): ${issue.description}`;
