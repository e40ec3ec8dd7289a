// electron-builder copies every package in `dependencies` (and what they need) into the app,
// beside the bundle in dist/. Everything the main process needs is bundled except the modules
// the bundle leaves external, so `dependencies` must be exactly those: a bundled library listed
// there would ship twice (React in the main process's node_modules, for one), and an external one
// missing from it would be absent on a ward PC and fail only there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainExternals } from '../../scripts/main-bundle.mjs';
import { repoRoot } from './builder-config';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const shipped = Object.keys(pkg.dependencies ?? {}).sort();

/** Externals that are not loaded from the app's node_modules: Electron provides itself; the sandbox IdP never ships. */
const notFromNodeModules = new Set(['electron', 'oidc-provider']);
const loadedAtRunTime = mainExternals.filter((name) => !notFromNodeModules.has(name) && !name.includes('*')).sort();

describe('dependencies shipped with the app', () => {
  it('are exactly the modules the main bundle loads from node_modules at run time', () => {
    expect(loadedAtRunTime.length).toBeGreaterThan(0);
    expect(shipped).toEqual(loadedAtRunTime);
  });

  it('keep Electron and the sandbox identity provider out of the shipped list', () => {
    for (const name of notFromNodeModules) expect(pkg.dependencies?.[name]).toBeUndefined();
    expect(pkg.devDependencies?.['oidc-provider']).toBeDefined();
  });
});
