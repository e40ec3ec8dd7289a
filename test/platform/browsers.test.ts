// The real ProgramLauncher (main/platform/browsers.ts), on this machine: what is a file, and a
// launch that hands the program exactly its arguments (no shell reads them), does not wait for it
// to finish, and fails with Node's own error when there is nothing to start.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { privateBrowserPaths, privateBrowsers, privateWindowArgs, programLauncher } from '../../main/platform/browsers';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-browsers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function eventually(file: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe('programLauncher.isFile', () => {
  it('is true for a file, false for a folder, a missing path or an empty one', async () => {
    const file = join(dir, 'browser');
    await writeFile(file, '');
    expect(await programLauncher.isFile(file)).toBe(true);
    expect(await programLauncher.isFile(dir)).toBe(false);
    expect(await programLauncher.isFile(join(dir, 'missing'))).toBe(false);
    expect(await programLauncher.isFile('')).toBe(false);
  });
});

describe('programLauncher.launch', () => {
  it('hands the program exactly its arguments, with no shell between, and does not wait for it to end', async () => {
    const out = join(dir, 'argv.json');
    const done = join(dir, 'done');
    // The "browser": records its arguments, then lingers, so a launch that waited would time out.
    const script = [
      "const fs = require('node:fs');",
      `fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(1)));`,
      `setTimeout(() => fs.writeFileSync(${JSON.stringify(done)}, ''), 1500);`,
    ].join('\n');
    const address = `https://cis2.example/authorize?state=a&nonce=$(touch ${join(dir, 'pwned')})|x;y "z" %PATH% \`w\``;
    const started = Date.now();
    // Node ends its own options at the first '--'; the browser's switches and address follow it.
    await programLauncher.launch(process.execPath, ['-e', script, '--', '--inprivate', '--', address]);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(JSON.parse(await eventually(out))).toEqual(['--inprivate', '--', address]);
    await eventually(done);
    expect(await programLauncher.isFile(join(dir, 'pwned'))).toBe(false);
  });

  it('rejects with ENOENT when there is no program at the path', async () => {
    await expect(programLauncher.launch(join(dir, 'no-such-browser'), ['--incognito'])).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('the private browsers', () => {
  it('each has fixed install paths on at least one platform, and Chromium none on Windows', () => {
    for (const browser of privateBrowsers)
      expect(Object.values(privateBrowserPaths[browser]).flat().length).toBeGreaterThan(0);
    expect(privateBrowserPaths['chromium-incognito'].win32).toBeUndefined();
  });

  it('the address is always the last argument, and after the end of the switches where the browser has one', () => {
    const url = 'https://cis2.example/authorize?state=s1';
    for (const browser of privateBrowsers) {
      const args = privateWindowArgs(browser, url);
      expect(args.at(-1)).toBe(url);
      expect(args.filter((a) => a === url)).toHaveLength(1);
      if (browser !== 'firefox-private') expect(args.at(-2)).toBe('--');
    }
  });
});
