// The credential store's native code in the Windows MSI. @napi-rs/keyring is JavaScript that
// loads a platform package (on Windows x64 @napi-rs/keyring-win32-x64-msvc, one .node file); npm
// installs only the build machine's own, and electron-builder packages what node_modules holds.
// So: the lockfile must pin the Windows package, electron-builder's own matchers must package it
// and unpack nothing but its .node file, and scripts/check-native.mjs must refuse a build whose
// node_modules lacks it. Installers cannot be built here, so this is where that is checked.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Configuration, PlatformSpecificBuildOptions } from 'app-builder-lib';
import * as unpackDetector from 'app-builder-lib/out/asar/unpackDetector.js';
import * as fileMatcher from 'app-builder-lib/out/fileMatcher.js';
import { resolveFunction } from 'app-builder-lib/out/util/resolve.js';
import type { Filter, FilterStats } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNative, keyringPackage, keyringPlatformPackages } from '../../scripts/check-native.mjs';
import { readRawConfig, repoRoot } from './builder-config';

const winPackage = '@napi-rs/keyring-win32-x64-msvc';
const winBinary = 'keyring.win32-x64-msvc.node';

/** electron-builder internals the packaged-files test has no need of (not in their declarations). */
const { getNodeModuleFileMatcher } = fileMatcher as unknown as {
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    expand: (p: string) => string,
    options: PlatformSpecificBuildOptions,
    packager: { config: Configuration; debugLogger: { isEnabled: boolean } },
  ): fileMatcher.FileMatcher;
};
type ModuleStats = FilterStats & { moduleName: string; moduleRootPath: string; moduleFullFilePath: string };
const { detectUnpackedDirs } = unpackDetector as unknown as {
  detectUnpackedDirs(fileSet: { files: string[]; metadata: Map<string, ModuleStats> }, unpacked: Set<string>): void;
};

interface LockPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
};

/** A file of an installed package as electron-builder's node-module copier describes it. */
function moduleFile(name: string, file: string): { path: string; stat: ModuleStats } {
  const root = `node_modules/${name}`;
  return {
    path: path.join(repoRoot, root, file),
    stat: {
      isFile: () => true,
      isDirectory: () => false,
      moduleName: name,
      moduleRootPath: root,
      moduleFullFilePath: `${root}/${file}`,
    } as ModuleStats,
  };
}

// What the shipped dependencies put into the app, and the app's own entry point.
const shipped = [
  moduleFile(keyringPackage, 'package.json'),
  moduleFile(keyringPackage, 'index.js'),
  moduleFile(winPackage, 'package.json'),
  moduleFile(winPackage, winBinary),
  moduleFile('plist', 'index.js'),
];
const appEntry = {
  path: path.join(repoRoot, 'dist/main/index.js'),
  stat: { isFile: () => true, isDirectory: () => false } as FilterStats,
};

let raw: Configuration;
let unpackFilter: (config: Configuration) => Filter;
beforeAll(async () => {
  raw = await readRawConfig();
  unpackFilter = (config) => {
    const matchers = fileMatcher.getFileMatchers(config, 'asarUnpack', '/app', {
      macroExpander: (p) => p,
      customBuildOptions: config.win ?? {},
      globalOutDir: path.join(repoRoot, 'release'),
      defaultSrc: repoRoot,
    });
    const matcher = matchers?.[0];
    if (matcher === undefined) throw new Error('electron-builder.yml has no asarUnpack patterns.');
    return matcher.createFilter();
  };
});

/** What electron-builder's asar packer leaves outside the archive (asarUtil.processFileSets). */
function unpacked(config: Configuration): string[] {
  const filter = unpackFilter(config);
  const smartDirs = new Set<string>();
  const asar = config.asar;
  if (!(typeof asar === 'object' && asar !== null && asar.smartUnpack === false)) {
    detectUnpackedDirs(
      { files: shipped.map((f) => f.path), metadata: new Map(shipped.map((f) => [f.path, f.stat])) },
      smartDirs,
    );
  }
  return [...shipped, appEntry]
    .filter(
      (f) =>
        filter(f.path, f.stat) ||
        [...smartDirs].some((dir) => 'moduleRootPath' in f.stat && f.stat.moduleRootPath === dir),
    )
    .map((f) => path.relative(repoRoot, f.path).split(path.sep).join('/'));
}

describe('the Windows x64 credential-store package', () => {
  it('is the one @napi-rs/keyring loads on Windows x64, and the one the build check looks for', () => {
    const loader = readFileSync(path.join(repoRoot, 'node_modules', keyringPackage, 'index.js'), 'utf8');
    expect(loader).toContain(`require('${winPackage}')`);
    expect(loader).toContain(`require('./${winBinary}')`);
    expect(keyringPlatformPackages['win32-x64']).toBe(winPackage);
  });

  it('is locked as an optional dependency of the shipped @napi-rs/keyring, for win32 x64, at its version', () => {
    expect(pkg.dependencies?.[keyringPackage]).toBeDefined();
    const keyring = lock.packages[`node_modules/${keyringPackage}`];
    expect(keyring?.dev).toBeUndefined();
    expect(keyring?.optionalDependencies?.[winPackage]).toBe(keyring?.version);
    expect(lock.packages[`node_modules/${winPackage}`]).toMatchObject({
      version: keyring?.version,
      optional: true,
      os: ['win32'],
      cpu: ['x64'],
    });
  });

  it('names a package @napi-rs/keyring lists, for every platform the build check knows', () => {
    const optional = lock.packages[`node_modules/${keyringPackage}`]?.optionalDependencies ?? {};
    for (const name of Object.values(keyringPlatformPackages)) expect(Object.keys(optional), name).toContain(name);
  });

  it('is packaged with its .node file by electron-builder’s node-module matcher for the Windows build', () => {
    const matcher = getNodeModuleFileMatcher(repoRoot, '/app', (p) => p, raw.win ?? {}, {
      config: raw,
      debugLogger: { isEnabled: false },
    });
    const shippedBy = (name: string): Filter =>
      new fileMatcher.FileMatcher(
        path.join(repoRoot, 'node_modules', name),
        `/app/node_modules/${name}`,
        (p) => p,
        matcher.patterns,
      ).createFilter();
    const left = shipped
      .filter((f) => !shippedBy(f.stat.moduleName)(f.path, f.stat))
      .map((f) => f.stat.moduleFullFilePath);
    expect(left).toEqual([]);
    // electron-builder drops node_modules files with these extensions; a .node file is not one of them.
    expect(fileMatcher.excludedExts.split(',')).not.toContain('node');
  });

  it('has only its .node file unpacked: every JavaScript file stays in the integrity-checked archive', () => {
    expect(unpacked(raw)).toEqual([`node_modules/${winPackage}/${winBinary}`]);
  });

  it('would have JavaScript unpacked by the old pattern, and a whole package folder by smartUnpack', () => {
    expect(unpacked({ ...raw, asarUnpack: ['**/node_modules/@napi-rs/keyring*/**'] })).toEqual(
      expect.arrayContaining([`node_modules/${keyringPackage}/index.js`]),
    );
    expect(unpacked({ ...raw, asar: true })).toEqual(
      expect.arrayContaining([`node_modules/${winPackage}/package.json`]),
    );
  });
});

describe('scripts/check-native.mjs, before the MSI is built', () => {
  const roots = mkdtempSync(path.join(tmpdir(), 'cws-native-'));
  afterAll(() => rmSync(roots, { recursive: true, force: true }));
  const keyringJson = readFileSync(path.join(repoRoot, 'node_modules', keyringPackage, 'package.json'), 'utf8');
  const version = (JSON.parse(keyringJson) as { version: string }).version;

  /** A node_modules with @napi-rs/keyring and, when asked, a Windows x64 package. */
  function fixture(name: string, win?: { version?: string; binary?: boolean }): string {
    const root = path.join(roots, name);
    mkdirSync(path.join(root, 'node_modules', keyringPackage), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', keyringPackage, 'package.json'), keyringJson);
    if (win !== undefined) {
      const dir = path.join(root, 'node_modules', winPackage);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({
          name: winPackage,
          version: win.version ?? version,
          os: ['win32'],
          cpu: ['x64'],
          main: winBinary,
        }),
      );
      if (win.binary !== false) writeFileSync(path.join(dir, winBinary), 'MZ');
    }
    return root;
  }
  const without = fixture('without');
  const withWin = fixture('with', {});

  it('refuses node_modules without the Windows package, saying why and what to do', () => {
    const problems = checkNative({ root: without, platform: 'win32', arch: 'x64', host: 'linux-x64' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(winPackage);
    expect(problems[0]).toContain('memory only');
    expect(problems[0]).toContain('this is linux-x64');
    expect(problems[0]).toContain('npm install --os=win32 --cpu=x64');
    expect(problems[0]).toContain('docs/deploy.md');
  });

  it('accepts node_modules with it, and refuses a wrong version or a package without its .node file', () => {
    expect(checkNative({ root: withWin, platform: 'win32', arch: 'x64' })).toEqual([]);
    expect(checkNative({ root: fixture('old', { version: '0.0.1' }), platform: 'win32', arch: 'x64' })).toEqual([
      expect.stringContaining('version 0.0.1'),
    ]);
    expect(checkNative({ root: fixture('empty', { binary: false }), platform: 'win32', arch: 'x64' })).toEqual([
      expect.stringContaining('no native module'),
    ]);
  });

  it('fails the command (exit 1, the sentence on stderr) that package:win runs first', () => {
    expect(pkg.scripts?.['package:win']).toMatch(
      /^node scripts\/check-signing\.mjs && node scripts\/check-native\.mjs --platform win32 --arch x64 && .*electron-builder --win msi/,
    );
    const run = (root: string): { status: number; stderr: string } => {
      try {
        execFileSync(
          process.execPath,
          ['scripts/check-native.mjs', '--platform', 'win32', '--arch', 'x64', '--root', root],
          { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' },
        );
        return { status: 0, stderr: '' };
      } catch (error) {
        const failed = error as { status: number; stderr: string };
        return { status: failed.status, stderr: failed.stderr };
      }
    };
    expect(run(without)).toEqual({
      status: 1,
      stderr: expect.stringContaining(`check-native: A win32-x64 package of the shell would ship without`),
    });
    expect(run(withWin)).toEqual({ status: 0, stderr: '' });
  });

  it('is the beforePack hook electron-builder loads, refusing to pack Windows x64 without the package', async () => {
    type Hook = (context: {
      electronPlatformName: string;
      arch: number;
      packager: { projectDir: string };
    }) => Promise<void>;
    const hook = await resolveFunction<Hook | null>(undefined, raw.beforePack as string, 'beforePack', repoRoot);
    expect(typeof hook).toBe('function');
    // electron-builder's Arch enum: 1 is x64.
    await expect(hook?.({ electronPlatformName: 'win32', arch: 1, packager: { projectDir: without } })).rejects.toThrow(
      winPackage,
    );
    await expect(
      hook?.({ electronPlatformName: 'win32', arch: 1, packager: { projectDir: withWin } }),
    ).resolves.toBeUndefined();
  });
});
