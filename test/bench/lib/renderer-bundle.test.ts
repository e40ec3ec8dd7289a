import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureBundle } from '../../../bench/lib/renderer-bundle';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-bundle-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('measureBundle', () => {
  it('counts scripts, styles and the page, in subfolders too, and nothing else', async () => {
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(dir, 'assets/app.js'), 'console.log(1);'.repeat(500));
    await writeFile(join(dir, 'assets/app.css'), 'body{margin:0}'.repeat(300));
    await writeFile(join(dir, 'assets/app.js.map'), '{}'.repeat(10_000));
    await writeFile(join(dir, 'assets/logo.svg'), '<svg/>');
    const size = await measureBundle(dir);
    expect(size.files.map((f) => f.path)).toEqual(['assets/app.css', 'assets/app.js', 'index.html']);
    expect(size.bytes).toBe(size.files.reduce((a, f) => a + f.bytes, 0));
    expect(size.gzipBytes).toBe(size.files.reduce((a, f) => a + f.gzipBytes, 0));
    const js = size.files.find((f) => f.path === 'assets/app.js');
    expect(js?.bytes).toBe('console.log(1);'.length * 500);
    // Repetitive text compresses: the gzip figure is really compressed, not the raw size.
    expect(js?.gzipBytes).toBeLessThan((js?.bytes ?? 0) / 10);
  });

  it('measures the file as zlib gzip level 9 compresses it', async () => {
    const text = Array.from({ length: 4000 }, (_, i) => `const v${i} = ${(i * 7919) % 1000};`).join('\n');
    await writeFile(join(dir, 'a.js'), text);
    const [file] = (await measureBundle(dir)).files;
    expect(file?.gzipBytes).toBe(gzipSync(Buffer.from(text), { level: 9 }).length);
  });

  it('says to build the renderer when there is no script to measure', async () => {
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    await expect(measureBundle(dir)).rejects.toThrow(/build the renderer first/);
  });
});
