/**
 * The renderer bundle: build it fresh into a folder of our own (so a build running elsewhere
 * in the tree cannot empty dist/renderer under a benchmark), and measure what a ward PC loads.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** What the shell loads at start: scripts, styles and the page. Maps, icons and fonts are not counted. */
const countedExtensions = new Set(['.js', '.mjs', '.css', '.html']);

export interface BundleFile {
  readonly path: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BundleSize {
  readonly dir: string;
  readonly files: readonly BundleFile[];
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Runs the same Vite build as `npm run build:renderer`, into `outDir`. */
export async function buildRenderer(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(repoRoot, 'renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Sum of zlib gzip (level 9) sizes of every JS, CSS and HTML file under `dir`. */
export async function measureBundle(dir: string): Promise<BundleSize> {
  const paths = (await filesUnder(dir)).filter((p) => countedExtensions.has(extname(p).toLowerCase())).sort();
  if (!paths.some((p) => extname(p) === '.js')) {
    throw new Error(`No renderer script was found in ${dir}; build the renderer first (npm run build:renderer).`);
  }
  const files: BundleFile[] = [];
  for (const path of paths) {
    const content = await readFile(path);
    files.push({ path: relative(dir, path), bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length });
  }
  return {
    dir,
    files,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
  };
}
