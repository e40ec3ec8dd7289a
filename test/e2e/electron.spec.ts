// The packaged-app path, in real Electron. Runs only where the Electron binary is installed
// (any developer laptop with internet); the build machines cannot download it, so there it
// skips and says why in its title. It builds the app when dist/ is missing, and runs it
// against a sandbox started here, as `npm start` does.
//
// Never `require('electron')` to find out: on a machine without the binary that call tries to
// download it. Read the path file the electron package writes instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';

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
  let sandbox: Sandbox;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    if (
      !existsSync(path.join(repo, 'dist/main/index.js')) ||
      !existsSync(path.join(repo, 'dist/renderer/index.html'))
    ) {
      const built = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
      if (built.status !== 0) throw new Error('`npm run build` failed, so the Electron app cannot be tested.');
    }
    sandbox = await startSandbox();
    app = await electron.launch({
      executablePath: executablePath ?? undefined,
      args: [repo],
      cwd: repo,
      env: {
        ...process.env,
        CWS_SANDBOX_ISSUER: sandbox.issuer,
        CWS_SANDBOX_CLIENT_ID: sandbox.clientId,
        // No machine policy from this developer's machine: the rules' defaults apply.
        CWS_POLICY_FILE: path.join(repo, 'test-results', 'no-such-policy.json'),
      },
    });
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
    await sandbox?.close();
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
      shell: [
        'cancelSignIn',
        'getView',
        'loadDrafts',
        'lock',
        'onView',
        'reportActivity',
        'saveDraft',
        'signIn',
        'signInAsSomeoneElse',
        'signOut',
        'stillHere',
        'unlock',
      ],
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
      .poll(() => app.evaluate(() => (globalThis as unknown as { __authUrls: string[] }).__authUrls.at(-1) ?? null), {
        timeout: 15_000,
      })
      .not.toBeNull()
      .then(() => app.evaluate(() => (globalThis as unknown as { __authUrls: string[] }).__authUrls.at(-1) as string));
    await sandbox.loginAs(new URL(authUrl), 'dr-okafor');
    await expect(page.getByTestId('screen-workspace')).toBeVisible();

    await page.getByTestId('draft-text').fill('Electron lock test note');
    await expect(page.getByTestId('save-status')).toHaveText('Saved');
    await app.evaluate(({ powerMonitor }) => powerMonitor.emit('lock-screen'));
    await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'os-lock');
    expect(await page.content()).not.toContain('Electron lock test note');
  });
});
