// The packaged-app path, in real Electron. Runs only where the Electron binary is installed
// (any developer laptop with internet); the build machines cannot download it, so there it
// skips and says why in its title. Build first: `npm run build`.
//
// Never `require('electron')` to find out: on a machine without the binary that call tries to
// download it. Read the path file the electron package writes instead.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { completeLogin, followToCallback } from '../../sandbox/drive';
import { SANDBOX_CLINICIANS } from '../../sandbox/clinicians';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function installedElectron(): string | null {
  const dir = path.join(repo, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

const executablePath = installedElectron();
const skipReason = 'skipped: Electron binary not installed on this machine (cannot be downloaded here)';
const title = executablePath === null ? `packaged app (${skipReason})` : 'packaged app';

test.describe(title, () => {
  test.skip(executablePath === null, skipReason);

  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    if (!existsSync(path.join(repo, 'dist/main/index.js')) || !existsSync(path.join(repo, 'dist/renderer/index.html'))) {
      throw new Error('Run `npm run build` before the Electron test: dist/main and dist/renderer are missing.');
    }
    app = await electron.launch({ executablePath: executablePath ?? undefined, args: [repo], cwd: repo, env: { ...process.env, NODE_ENV: 'production' } });
    page = await app.firstWindow();
    // Catch the system-browser hand-off instead of opening a real browser.
    await app.evaluate(({ shell }) => {
      const urls: string[] = [];
      (globalThis as unknown as { __authUrls: string[] }).__authUrls = urls;
      shell.openExternal = async (url: string) => {
        urls.push(url);
      };
    });
  });

  test.afterAll(async () => {
    await app?.close();
  });

  // Electron 45 exposes no getter for webPreferences, so check what they must cause.
  test('the window is isolated, has no Node, offers only window.shell, and keeps devtools shut', async () => {
    expect(page.url()).toMatch(/^app:\/\/shell\//);
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      shell: Object.keys(window.shell).sort(),
    }));
    expect(seen).toEqual({
      require: 'undefined',
      process: 'undefined',
      shell: ['cancelSignIn', 'getView', 'loadDrafts', 'onView', 'reportActivity', 'saveDraft', 'signIn', 'signInAsSomeoneElse', 'signOut', 'stillHere', 'unlock'],
    });
    const devtools = await app.evaluate(async ({ BrowserWindow }) => {
      const win = BrowserWindow.getAllWindows()[0];
      if (win === undefined) throw new Error('no window');
      win.webContents.openDevTools();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return win.webContents.isDevToolsOpened();
    });
    expect(devtools).toBe(false);
  });

  test('an OS screen lock reaches the lock screen and leaves no note in the page', async () => {
    await page.getByTestId('sign-in').click();
    const authUrl = await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as { __authUrls: string[] }).__authUrls.at(-1) ?? null), { timeout: 15_000 })
      .not.toBeNull()
      .then(() => app.evaluate(() => (globalThis as unknown as { __authUrls: string[] }).__authUrls.at(-1) as string));
    const url = new URL(authUrl);
    const clinician = SANDBOX_CLINICIANS[0];
    if (clinician === undefined) throw new Error('The sandbox has no clinicians.');
    await followToCallback(await completeLogin(url, clinician.id, { issuer: url.origin }));

    await page.getByTestId('draft-text').fill('Electron lock test note');
    await expect(page.getByTestId('save-status')).toHaveText('Saved');
    await app.evaluate(({ powerMonitor }) => powerMonitor.emit('lock-screen'));
    await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'os-lock');
    expect(await page.content()).not.toContain('Electron lock test note');
  });
});
