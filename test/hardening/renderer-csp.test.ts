import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { withHarnessCsp } from '../harness/static-files';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const metaCsp = (html: string): string =>
  /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1] ?? '';

let outDir = '';
afterAll(async () => {
  if (outDir !== '') await rm(outDir, { recursive: true, force: true });
});

describe('the renderer CSP that production ships', () => {
  it('the built dist/renderer/index.html allows no WebSocket (the harness adds its own when it serves the page)', async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'cws-renderer-'));
    await build({
      configFile: path.join(repoRoot, 'renderer/vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
    const csp = metaCsp(html);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/\bwss?:/);
    expect(html).not.toMatch(/\bws:\/\//);
    // The harness's rewrite of the same page keeps everything else and adds only its loopback WebSocket.
    const harnessCsp = metaCsp(withHarnessCsp(html));
    expect(harnessCsp).toBe(csp.replace("connect-src 'self';", "connect-src 'self' ws://127.0.0.1:*;"));
  }, 120_000);
});
