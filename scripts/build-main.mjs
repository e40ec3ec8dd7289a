#!/usr/bin/env node
// Bundles the Electron main process and the preload with esbuild.
//
// - main/index.ts   → dist/main/index.js     ESM for Node 22 (Electron 45). Electron itself and native
//   modules stay external; CommonJS dependencies get a `require` through createRequire.
// - preload/index.ts → dist/preload/index.cjs  one CommonJS file: a sandboxed preload may only
//   `require('electron')` (and a few polyfilled built-ins), so everything else must be inside it.
//   It imports only channel names, never zod, and the build fails if anything else sneaks in.
//
// The main bundle is a production build (`__CWS_DEV__` false: no CWS_* development overrides, no
// DevTools) unless `--development` is passed, which only `npm start` does.
import { build } from 'esbuild';
import console from 'node:console';
import process from 'node:process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mainBundleOptionsFor } from './main-bundle.mjs';

const development = process.argv.includes('--development');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (p) => path.join(root, p);

async function buildPreload() {
  const result = await build({
    entryPoints: [at('preload/index.ts')],
    outfile: at('dist/preload/index.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const foreign = inputs.filter((input) => !input.startsWith('preload/'));
  if (foreign.length > 0)
    throw new Error(`The preload must bundle only preload/ files, but it pulled in: ${foreign.join(', ')}`);
  const out = readFileSync(at('dist/preload/index.cjs'), 'utf8');
  const requires = [...out.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  const disallowed = requires.filter((r) => r !== 'electron');
  if (disallowed.length > 0)
    throw new Error(`A sandboxed preload can only require 'electron', but it requires: ${disallowed.join(', ')}`);
  console.log(`preload → dist/preload/index.cjs (${out.length} bytes)`);
}

async function buildMain() {
  if (!existsSync(at('main/index.ts'))) {
    throw new Error('main/index.ts (the composition root) does not exist yet, so the main process cannot be built.');
  }
  await build({
    ...mainBundleOptionsFor({ development }),
    entryPoints: [at('main/index.ts')],
    outfile: at('dist/main/index.js'),
    logLevel: 'warning',
  });
  console.log(
    `main → dist/main/index.js (${development ? 'DEVELOPMENT build: CWS_* overrides and DevTools enabled; never ship it' : 'production build'})`,
  );
}

try {
  await buildPreload();
  await buildMain();
} catch (error) {
  console.error(`build:main failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
