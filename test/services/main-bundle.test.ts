/**
 * What the main-process bundle loads at start, bundled as scripts/build-main.mjs bundles it
 * (esbuild, ESM, the same externals). Two things keep the services' resident memory down and
 * are easy to undo by accident: zod imported as a namespace (`import * as z from 'zod'`), so
 * the bundle leaves out zod's 40 locales and JSON Schema code (about 0.55 MB of source), and
 * node:http loaded only when a sign-in opens its loopback port (an ESM import of it at start
 * also loads Node's bundled fetch/WebSocket client). See docs/benchmarks.md, "Shell (harness)".
 * And the credential store's native binding is loaded on first use, never while the bundle
 * loads: a build without its platform package must still start (docs/deploy.md, "The installer").
 */
import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainBundleOptions, mainBundleOptionsFor } from '../../scripts/main-bundle.mjs';

const repoRoot = join(import.meta.dirname, '..', '..');

const asMainBuild: BuildOptions = {
  ...mainBundleOptions,
  write: false,
  metafile: true,
  absWorkingDir: repoRoot,
  logLevel: 'silent',
};

interface Bundled {
  readonly inputs: readonly string[];
  readonly code: string;
}

function bundled(metafile: Metafile | undefined, code: string | undefined): Bundled {
  if (!metafile || code === undefined) throw new Error('esbuild returned no metafile or no output.');
  const output = Object.values(metafile.outputs)[0];
  return { inputs: Object.keys(output?.inputs ?? {}), code };
}

async function bundleEntry(entry: string): Promise<Bundled> {
  const result = await build({
    ...asMainBuild,
    entryPoints: [join(repoRoot, entry)],
    outfile: join(repoRoot, 'dist/test-main-bundle/out.mjs'),
  });
  return bundled(result.metafile, result.outputFiles?.[0]?.text);
}

async function bundleSource(source: string): Promise<Bundled> {
  const result = await build({
    ...asMainBuild,
    stdin: { contents: source, resolveDir: repoRoot, loader: 'ts' },
    outfile: join(repoRoot, 'dist/test-main-bundle/stdin.mjs'),
  });
  return bundled(result.metafile, result.outputFiles?.[0]?.text);
}

const foreignZodLocales = (b: Bundled): string[] =>
  b.inputs.filter((i) => i.includes('zod/v4/locales/') && !i.endsWith('/en.js'));
const importsHttpAtStart = (b: Bundled): boolean => /^import\s[^;]*\sfrom\s*"node:http";/m.test(b.code);
/** A static import of the keyring binding (or any of its platform packages), which runs as the bundle loads. */
const importsKeyringAtStart = (b: Bundled): boolean =>
  /^import\s[^;]*\sfrom\s*"@napi-rs\/keyring[^"]*";|^import\s*"@napi-rs\/keyring[^"]*";/m.test(b.code);

describe('the main-process bundle', () => {
  it('leaves out the zod locales it never uses, keeping English messages', async () => {
    const services = await bundleEntry('main/services/compose.ts');
    expect(services.inputs.some((i) => i.includes('node_modules/zod/'))).toBe(true);
    expect(foreignZodLocales(services)).toEqual([]);
    expect(services.inputs.some((i) => i.endsWith('zod/v4/locales/en.js'))).toBe(true);
  });

  it('would notice zod imported by name: that form pulls in every locale', async () => {
    const named = await bundleSource("import { z } from 'zod';\nexport const schema = z.string();\n");
    expect(foreignZodLocales(named).length).toBeGreaterThan(10);
  });

  it('loads node:http when a sign-in needs it, not when the services load', async () => {
    const services = await bundleEntry('main/services/compose.ts');
    expect(importsHttpAtStart(services)).toBe(false);
    expect(services.code).toMatch(/import\("node:http"\)/);
  });

  it('would notice a static node:http import', async () => {
    const eager = await bundleSource(
      "import { createServer } from 'node:http';\nexport const make = () => createServer();\n",
    );
    expect(importsHttpAtStart(eager)).toBe(true);
  });

  it('leaves the macOS plist parsers out of the bundle, loading them from node_modules on a Mac only', async () => {
    const policy = await bundleEntry('main/services/policy/machine-policy.ts');
    expect(policy.inputs.filter((i) => /node_modules\/(plist|bplist-parser|@xmldom|xmlbuilder)\//.test(i))).toEqual([]);
    expect(policy.code).toMatch(/import\("plist"\)/);
  });

  it('would notice the plist parser bundled in: it brings xmldom with it', async () => {
    const result = await build({
      ...asMainBuild,
      external: [],
      stdin: { contents: "export const load = () => import('plist');\n", resolveDir: repoRoot, loader: 'ts' },
      outfile: join(repoRoot, 'dist/test-main-bundle/plist.mjs'),
    });
    expect(
      bundled(result.metafile, result.outputFiles?.[0]?.text).inputs.some((i) => i.includes('node_modules/@xmldom/')),
    ).toBe(true);
  });

  it('loads the native keyring binding at its first use, not when the main process starts', async () => {
    const main = await bundleEntry('main/index.ts');
    expect(main.inputs.some((i) => i.includes('node_modules/@napi-rs/'))).toBe(false);
    expect(importsKeyringAtStart(main)).toBe(false);
    expect(main.code).toMatch(/import\("@napi-rs\/keyring"\)/);
  });

  it('would notice a static import of the keyring binding', async () => {
    const eager = await bundleSource(
      "import { AsyncEntry } from '@napi-rs/keyring';\nexport const make = () => new AsyncEntry('s', 'a');\n",
    );
    expect(importsKeyringAtStart(eager)).toBe(true);
    const typeOnly = await bundleSource(
      "import type { AsyncEntry } from '@napi-rs/keyring';\nexport const make = (e: AsyncEntry) => e;\n",
    );
    expect(importsKeyringAtStart(typeOnly)).toBe(false);
  });
});

describe('development overrides exist only in the development bundle (issue 13, item 4)', () => {
  const devOnly = ['CWS_POLICY_FILE', 'CWS_SANDBOX_ISSUER', 'CWS_SANDBOX_RELAY', 'CWS_SANDBOX_CLIENT_ID'];
  const buildMain = async (development: boolean): Promise<string> => {
    const result = await build({
      ...mainBundleOptionsFor({ development }),
      write: false,
      absWorkingDir: repoRoot,
      logLevel: 'silent',
      entryPoints: [join(repoRoot, 'main/index.ts')],
      outfile: join(repoRoot, `dist/test-main-bundle/index-${development ? 'dev' : 'prod'}.mjs`),
    });
    const code = result.outputFiles?.[0]?.text;
    if (code === undefined) throw new Error('esbuild returned no output.');
    return code;
  };

  it('the production bundle (what npm run build and package:* ship) contains none of the CWS_* overrides', async () => {
    const production = await buildMain(false);
    for (const name of devOnly) expect(production, name).not.toContain(name);
    expect(production).not.toContain('__CWS_DEV__');
    // What the tests measure is what ships.
    expect(mainBundleOptions.define).toEqual({ __CWS_DEV__: 'false' });
  });

  it('the development bundle (npm start) has them, so the test above can fail', async () => {
    const development = await buildMain(true);
    for (const name of ['CWS_POLICY_FILE', 'CWS_SANDBOX_ISSUER', 'CWS_SANDBOX_RELAY'])
      expect(development, name).toContain(name);
  });
});
