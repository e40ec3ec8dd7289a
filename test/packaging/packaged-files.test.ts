// What goes into the asar, decided by electron-builder's own file matcher over the `files`
// patterns of electron-builder.yml, for every file in this repository plus every file the
// build scripts write. The sandbox IdP, tests, benchmarks, sources and source maps stay out.
// (electron-builder adds its own exclusions on top of these patterns, never inclusions, so a
// path excluded here is excluded from a real package too.)
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import type { FilterStats } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRawConfig, repoRoot } from './builder-config';

/** Never part of the app and too large to walk: installed packages and build or test output. */
const notWalked = new Set(['node_modules', '.git', 'release', 'test-results', 'playwright-report', '.sandbox-data']);

function repoFiles(dir = repoRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (notWalked.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return repoFiles(full);
    return entry.isFile() ? [path.relative(repoRoot, full).split(path.sep).join('/')] : [];
  });
}

// What scripts/build-main.mjs, the renderer's Vite build, the benchmarks and the bundle test
// write under dist/, so the check holds on a clean checkout where dist/ does not exist yet.
const buildOutputs = {
  packaged: ['dist/main/index.js', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'dist/renderer/assets/index-3f2a.js', 'dist/renderer/assets/index-3f2a.css'],
  notPackaged: [
    'dist/main/index.js.map',
    'dist/renderer/assets/index-3f2a.js.map',
    'dist/bench/shift-memory-child.mjs',
    'dist/test-main-bundle/out.mjs',
    'dist/test-main-bundle/stdin.mjs',
  ],
};

let isPackaged: (relative: string) => boolean;
beforeAll(async () => {
  const { files } = await readRawConfig();
  if (!Array.isArray(files) || !files.every((p) => typeof p === 'string')) throw new Error('electron-builder.yml `files` must be a list of patterns.');
  const filter = new FileMatcher(repoRoot, '/app', (pattern) => pattern, files).createFilter();
  const fileStats = { isDirectory: () => false, isFile: () => true } as FilterStats;
  isPackaged = (relative) => filter(path.join(repoRoot, relative), fileStats);
});

describe('files packaged into the app', () => {
  it('of everything in the repository, packages only package.json (the rest is built into dist/)', () => {
    const outsideDist = repoFiles().filter((f) => !f.startsWith('dist/'));
    expect(outsideDist).toEqual(expect.arrayContaining(['package.json', 'sandbox/provider.ts', 'test/harness/harness.ts', 'main/index.ts']));
    expect(outsideDist.filter(isPackaged)).toEqual(['package.json']);
  });

  it.each(['sandbox', 'test', 'bench', 'docs', 'scripts', 'main', 'preload', 'renderer'])('leaves out everything under %s/', (folder) => {
    const inFolder = repoFiles(path.join(repoRoot, folder)).map((f) => `${folder}/${f}`);
    expect(inFolder.length).toBeGreaterThan(0);
    expect(inFolder.filter(isPackaged)).toEqual([]);
  });

  it('packages the built main process, preload and renderer', () => {
    expect(buildOutputs.packaged.filter((f) => !isPackaged(f))).toEqual([]);
  });

  it('leaves out source maps, benchmark bundles and test bundles under dist/', () => {
    const built = existsSync(path.join(repoRoot, 'dist')) ? repoFiles(path.join(repoRoot, 'dist')).map((f) => `dist/${f}`) : [];
    const strays = [...buildOutputs.notPackaged, ...built.filter((f) => !/^dist\/(main|preload|renderer)\//.test(f) || f.endsWith('.map'))];
    expect(strays.filter(isPackaged)).toEqual([]);
  });
});
