/**
 * The main bundle gives pino-roll only the date-fns functions it uses (scripts/date-fns-subset.mjs),
 * not the whole package (about 2.5 MB resident). This checks the subset still covers what the
 * installed pino-roll asks for, keeps date-fns small, and that the bundled log folder still rotates
 * and writes with it.
 */
import { build } from 'esbuild';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dateFnsFunctions, dateFnsSubset } from '../../scripts/date-fns-subset.mjs';
import type { LogFolderOptions, FolderLogger } from '../../main/services/log-folder';

const repoRoot = join(import.meta.dirname, '..', '..');
const outfile = join(repoRoot, 'dist', 'test-log-bundle', 'logger.mjs');
let logs: string | null = null;
afterAll(async () => {
  if (logs) await rm(logs, { recursive: true, force: true });
});

describe('the log folder in the main bundle', () => {
  it('gives pino-roll every date-fns function it takes from the package index', async () => {
    const utils = await readFile(join(repoRoot, 'node_modules', 'pino-roll', 'lib', 'utils.js'), 'utf8');
    const imports = [...utils.matchAll(/const\s*\{([^}]*)\}\s*=\s*require\(\s*['"]date-fns['"]\s*\)/g)].flatMap((m) =>
      (m[1] ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    );
    expect(imports.length).toBeGreaterThan(0);
    for (const name of imports) expect(dateFnsFunctions).toContain(name);
    // No other way in: date-fns reached only through that one destructuring require.
    expect(utils.match(/require\(\s*['"]date-fns/g)).toHaveLength(1);
  });

  it('bundles a small part of date-fns, and the bundled logger still writes its rotated file', async () => {
    const result = await build({
      entryPoints: [join(repoRoot, 'main/services/log-folder.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      metafile: true,
      plugins: [dateFnsSubset],
      banner: {
        js: "import { createRequire as __shellCreateRequire } from 'node:module'; const require = __shellCreateRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    const dateFns = Object.keys(result.metafile.inputs).filter((i) => i.includes('node_modules/date-fns/'));
    expect(dateFns.length).toBeGreaterThan(0);
    expect(dateFns.length).toBeLessThan(120); // the whole package is about 300 modules
    expect(dateFns.some((i) => /date-fns\/index\.c?js$/.test(i))).toBe(false);

    const bundled = (await import(pathToFileURL(outfile).href)) as {
      createFolderLogger(o: LogFolderOptions): Promise<FolderLogger>;
    };
    logs = await mkdtemp(join(tmpdir(), 'cws-log-bundle-'));
    const { logger, folder, close } = await bundled.createFolderLogger({ folder: logs });
    logger.info({ event: 'bundle.check' }, 'Written through the bundled logger.');
    await close();
    expect(folder).toBe(logs);
    const files = await readdir(logs);
    expect(files).toEqual([expect.stringMatching(/^audit\.\d{4}-\d{2}-\d{2}\.1\.log$/)]);
    expect(await readFile(join(logs, files[0] ?? ''), 'utf8')).toContain('bundle.check');
  });
});
