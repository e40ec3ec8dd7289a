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
  packaged: [
    'dist/main/index.js',
    'dist/preload/index.cjs',
    'dist/renderer/index.html',
    'dist/renderer/assets/index-3f2a.js',
    'dist/renderer/assets/index-3f2a.css',
  ],
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
  if (!Array.isArray(files) || !files.every((p) => typeof p === 'string'))
    throw new Error('electron-builder.yml `files` must be a list of patterns.');
  const filter = new FileMatcher(repoRoot, '/app', (pattern) => pattern, files).createFilter();
  const fileStats = { isDirectory: () => false, isFile: () => true } as FilterStats;
  isPackaged = (relative) => filter(path.join(repoRoot, relative), fileStats);
});

describe('files packaged into the app', () => {
  it('of everything in the repository, packages only package.json (the rest is built into dist/)', () => {
    const outsideDist = repoFiles().filter((f) => !f.startsWith('dist/'));
    expect(outsideDist).toEqual(
      expect.arrayContaining(['package.json', 'sandbox/provider.ts', 'test/harness/harness.ts', 'main/index.ts']),
    );
    expect(outsideDist.filter(isPackaged)).toEqual(['package.json']);
  });

  it.each(['sandbox', 'test', 'bench', 'docs', 'scripts', 'main', 'preload', 'renderer'])(
    'leaves out everything under %s/',
    (folder) => {
      const inFolder = repoFiles(path.join(repoRoot, folder)).map((f) => `${folder}/${f}`);
      expect(inFolder.length).toBeGreaterThan(0);
      expect(inFolder.filter(isPackaged)).toEqual([]);
    },
  );

  it('packages the built main process, preload and renderer', () => {
    expect(buildOutputs.packaged.filter((f) => !isPackaged(f))).toEqual([]);
  });

  it('leaves out source maps, benchmark bundles and test bundles under dist/', () => {
    const built = existsSync(path.join(repoRoot, 'dist'))
      ? repoFiles(path.join(repoRoot, 'dist')).map((f) => `dist/${f}`)
      : [];
    const strays = [
      ...buildOutputs.notPackaged,
      ...built.filter((f) => !/^dist\/(main|preload|renderer)\//.test(f) || f.endsWith('.map')),
    ];
    expect(strays.filter(isPackaged)).toEqual([]);
  });
});

// koffi ships a prebuilt binary for every platform. electron-builder copies node_modules through a
// matcher built from the exclusions of `files`, top-level and the platform's own (app-builder-lib
// fileMatcher.js getNodeModuleFileMatcher): evaluated here with that same function.
describe('native binaries packaged per platform', () => {
  const koffiBuilds = readdirSync(path.join(repoRoot, 'node_modules', 'koffi', 'build', 'koffi'));
  const cases = [
    { platform: 'win', keeps: 'win32_x64' },
    { platform: 'linux', keeps: 'linux_x64' },
    { platform: 'mac', keeps: ['darwin_arm64', 'darwin_x64'] },
  ] as const;
  it.each(cases)("$platform: only koffi's own build for the target is copied", async ({ platform, keeps }) => {
    // Not in the package's type declarations, but what platformPackager.js calls.
    const { getNodeModuleFileMatcher } = (await import('app-builder-lib/out/fileMatcher.js')) as unknown as {
      getNodeModuleFileMatcher(
        appDir: string,
        destination: string,
        expand: (p: string) => string,
        platformOptions: unknown,
        packager: unknown,
      ): { createFilter(): (file: string, stat: FilterStats) => boolean };
    };
    const config = (await readRawConfig()) as Record<string, unknown> & { files: unknown };
    const packager = { config, debugLogger: { isEnabled: false } };
    const matcher = getNodeModuleFileMatcher(repoRoot, '/app', (p) => p, config[platform], packager);
    const filter = matcher.createFilter();
    const fileStats = { isDirectory: () => false, isFile: () => true } as FilterStats;
    const copied = koffiBuilds.filter((build) =>
      filter(path.join(repoRoot, 'node_modules', 'koffi', 'build', 'koffi', build, 'koffi.node'), fileStats),
    );
    expect(koffiBuilds.length).toBeGreaterThan(10);
    expect(copied.sort()).toEqual([keeps].flat().sort());
    // The rest of the package (its JavaScript loader) is still copied.
    expect(filter(path.join(repoRoot, 'node_modules', 'koffi', 'index.js'), fileStats)).toBe(true);
  });
});
