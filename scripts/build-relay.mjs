#!/usr/bin/env node
// `npm run build:relay`: the back-channel logout relay as one self-contained file for a server.
//
// dist/relay/main.mjs is relay/main.ts and everything it uses (zod, jose, pino, ioredis, ws and
// the shell's own token checks) bundled by esbuild into ESM for Node 22; it imports nothing but
// Node's built-in modules, so `node dist/relay/main.mjs` starts it with no node_modules at all.
// Beside it, a package.json without dependencies (name, version, Node version) for the platform
// team's inventory. The build fails if the bundle imports any package: a library that cannot be
// bundled must be noticed here, not on the trust's server.
//
// pino is used without transports (relay/log.ts writes JSON lines to standard output), so none of
// its worker-thread files are needed at run time.
import { build } from 'esbuild';
import console from 'node:console';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir <folder>`: somewhere else than dist/relay (the test that runs the build from outside the repository).
const outdirAt = process.argv.indexOf('--outdir');
const out = outdirAt === -1 ? path.join(root, 'dist/relay') : path.resolve(process.argv[outdirAt + 1] ?? '');
const project = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  // main.mjs: the relay; healthcheck.mjs: the container's HEALTHCHECK (asks the readiness endpoint).
  entryPoints: { main: path.join(root, 'relay/main.ts'), healthcheck: path.join(root, 'relay/healthcheck.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // CommonJS libraries (ioredis, ws, pino) call require() for Node's built-ins; ESM has none.
  banner: {
    js: "import { createRequire as __relayCreateRequire } from 'node:module'; const require = __relayCreateRequire(import.meta.url);",
  },
  metafile: true,
  legalComments: 'eof',
  minifySyntax: true,
  logLevel: 'warning',
});

// What is left to load at run time: only Node's built-ins, and ws's optional native helpers,
// which it requires inside try/catch and does without.
const optional = new Set(['bufferutil', 'utf-8-validate']);
const builtin = new Set(builtinModules);
const leftOver = Object.values(result.metafile.outputs)
  .flatMap((o) => o.imports.map((i) => i.path))
  .filter((p) => !p.startsWith('node:') && !builtin.has(p) && !optional.has(p));
if (leftOver.length > 0)
  throw new Error(`The relay bundle must not import packages, but it imports: ${leftOver.join(', ')}`);

writeFileSync(
  path.join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: 'cws-relay',
      version: project.version,
      description: 'Clinical Workstation Shell back-channel logout relay (bundled: no dependencies to install).',
      private: true,
      type: 'module',
      main: 'main.mjs',
      engines: project.engines,
      scripts: { start: 'node main.mjs' },
    },
    null,
    2,
  )}\n`,
);
const size = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `relay → ${path.relative(process.cwd(), path.join(out, 'main.mjs'))} (${(size / 1024).toFixed(0)} KiB, no dependencies)`,
);
