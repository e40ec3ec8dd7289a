import { describe, expect, it, vi } from 'vitest';
import { createSystemBrowser, isAuthorizationRequest } from '../../main/adapters/system-browser';
import type { PrivateBrowser, ProgramLauncher } from '../../main/platform/browsers';
import { FakeShell } from './fake-electron';
import { endpoint, refusedAddresses, signInPage } from './open-external-cases';

describe('createSystemBrowser', () => {
  it('opens the authorization endpoint, with its query, in the system browser', async () => {
    const shell = new FakeShell();
    await createSystemBrowser(shell).open(signInPage, endpoint);
    expect(shell.opened).toEqual([signInPage.href]);
  });

  it('opens the development sandbox IdP on the loopback address over plain http', async () => {
    const shell = new FakeShell();
    const sandbox = new URL('http://127.0.0.1:5123/auth');
    await createSystemBrowser(shell).open(new URL('http://127.0.0.1:5123/auth?state=s1'), sandbox);
    expect(shell.opened).toEqual(['http://127.0.0.1:5123/auth?state=s1']);
  });

  it.each(refusedAddresses)('refuses %s, without opening anything', async (_name, address) => {
    const shell = new FakeShell();
    await expect(createSystemBrowser(shell).open(new URL(address), endpoint)).rejects.toMatchObject({
      code: 'SIGNIN_BROWSER_FAILED',
    });
    expect(shell.opened).toEqual([]);
  });

  it('refuses even a matching address when the endpoint it was given is not a secure web address', () => {
    const insecure = new URL('http://cis2.example/authorize');
    expect(isAuthorizationRequest(new URL('http://cis2.example/authorize?state=s1'), insecure)).toBe(false);
    const local = new URL('file:///C:/authorize');
    expect(isAuthorizationRequest(local, local)).toBe(false);
  });

  it('steps the shell aside just before opening an accepted address, and never for a refused one', async () => {
    const shell = new FakeShell();
    const order: string[] = [];
    const open = shell.openExternal.bind(shell);
    shell.openExternal = (url: string) => (order.push('open'), open(url));
    const browser = createSystemBrowser(shell, { beforeOpen: () => order.push('aside') });
    for (const [, address] of refusedAddresses)
      await expect(browser.open(new URL(address), endpoint)).rejects.toMatchObject({ code: 'SIGNIN_BROWSER_FAILED' });
    expect(order).toEqual([]);
    await browser.open(signInPage, endpoint);
    expect(order).toEqual(['aside', 'open']);
  });

  it('opens the page even if stepping aside fails', async () => {
    const shell = new FakeShell();
    const browser = createSystemBrowser(shell, {
      beforeOpen: () => {
        throw new Error('window gone');
      },
    });
    await browser.open(signInPage, endpoint);
    expect(shell.opened).toEqual([signInPage.href]);
  });

  it('reports a browser that cannot be opened in words an IT admin can act on', async () => {
    const shell = new FakeShell();
    shell.fail = true;
    await expect(createSystemBrowser(shell).open(signInPage, endpoint)).rejects.toThrow(/default browser/);
  });
});

/**
 * The platform's ProgramLauncher (main/platform/browsers.ts) as the adapter sees it: which paths
 * hold a program, and every launch it was asked for, file and arguments exactly.
 */
class FakePrograms implements ProgramLauncher {
  readonly looked: string[] = [];
  readonly launched: [string, readonly string[]][] = [];
  failLaunch: Error | null = null;
  constructor(readonly installed: ReadonlySet<string>) {}
  isFile(file: string): Promise<boolean> {
    this.looked.push(file);
    return Promise.resolve(this.installed.has(file));
  }
  launch(file: string, args: readonly string[]): Promise<void> {
    if (this.failLaunch) return Promise.reject(this.failLaunch);
    this.launched.push([file, [...args]]);
    return Promise.resolve();
  }
}

const edgeX86 = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
const edge64 = 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe';
const url = signInPage.href;

/**
 * Every platform and choice: the program at its first standard install path, and the exact
 * argument list (Chromium: the switch, '--', the address; Firefox: -private-window and the address).
 */
const commands: [NodeJS.Platform, PrivateBrowser, string, string[]][] = [
  ['win32', 'edge-inprivate', edgeX86, ['--inprivate', '--', url]],
  [
    'win32',
    'chrome-incognito',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    ['--incognito', '--', url],
  ],
  ['win32', 'firefox-private', 'C:\\Program Files\\Mozilla Firefox\\firefox.exe', ['-private-window', url]],
  [
    'darwin',
    'edge-inprivate',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ['--inprivate', '--', url],
  ],
  [
    'darwin',
    'chrome-incognito',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    ['--incognito', '--', url],
  ],
  ['darwin', 'firefox-private', '/Applications/Firefox.app/Contents/MacOS/firefox', ['-private-window', url]],
  ['darwin', 'chromium-incognito', '/Applications/Chromium.app/Contents/MacOS/Chromium', ['--incognito', '--', url]],
  ['linux', 'edge-inprivate', '/usr/bin/microsoft-edge', ['--inprivate', '--', url]],
  ['linux', 'chrome-incognito', '/usr/bin/google-chrome', ['--incognito', '--', url]],
  ['linux', 'firefox-private', '/usr/bin/firefox', ['-private-window', url]],
  ['linux', 'chromium-incognito', '/usr/bin/chromium', ['--incognito', '--', url]],
];

/** The later standard paths, used when the first is not there. */
const fallbacks: [NodeJS.Platform, PrivateBrowser, string][] = [
  ['win32', 'edge-inprivate', edge64],
  ['win32', 'chrome-incognito', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
  ['win32', 'firefox-private', 'C:\\Program Files (x86)\\Mozilla Firefox\\firefox.exe'],
  ['linux', 'edge-inprivate', '/usr/bin/microsoft-edge-stable'],
  ['linux', 'chrome-incognito', '/usr/bin/google-chrome-stable'],
  ['linux', 'chromium-incognito', '/usr/bin/chromium-browser'],
];

const privateChoices: PrivateBrowser[] = [
  'edge-inprivate',
  'chrome-incognito',
  'firefox-private',
  'chromium-incognito',
];

describe('SignInBrowser: a private window of a named browser', () => {
  it.each(commands)('%s, %s: runs %s with exactly these arguments', async (platform, choice, file, args) => {
    const shell = new FakeShell();
    const programs = new FakePrograms(new Set([file]));
    await createSystemBrowser(shell, { signInBrowser: choice, platform, programs }).open(signInPage, endpoint);
    expect(programs.launched).toEqual([[file, args]]);
    expect(shell.opened).toEqual([]);
  });

  it.each(fallbacks)('%s, %s: uses %s when the first install path holds nothing', async (platform, choice, file) => {
    const programs = new FakePrograms(new Set([file]));
    await createSystemBrowser(new FakeShell(), { signInBrowser: choice, platform, programs }).open(
      signInPage,
      endpoint,
    );
    expect(programs.launched.map(([launched]) => launched)).toEqual([file]);
  });

  it('looks only at the fixed install paths: never a bare name for PATH, never an environment variable', async () => {
    for (const [platform, choice] of commands) {
      const programs = new FakePrograms(new Set());
      await createSystemBrowser(new FakeShell(), { signInBrowser: choice, platform, programs })
        .open(signInPage, endpoint)
        .catch(() => undefined);
      for (const looked of programs.looked) {
        expect(looked).toMatch(
          platform === 'win32' ? /^C:\\Program Files( \(x86\))?\\/ : /^\/(Applications|usr\/bin)\//,
        );
        expect(looked).not.toMatch(/[%$~]/);
      }
    }
  });

  it('the address reaches the browser as one argument, as checked, whatever characters its query holds', async () => {
    const page = new URL(`${endpoint.href}?state=a%20b&nonce=$(calc)&x="y"`);
    const programs = new FakePrograms(new Set([edgeX86]));
    await createSystemBrowser(new FakeShell(), { signInBrowser: 'edge-inprivate', platform: 'win32', programs }).open(
      page,
      endpoint,
    );
    expect(programs.launched[0]?.[1].at(-1)).toBe(page.href);
    expect(programs.launched[0]?.[1]).toHaveLength(3);
  });

  it.each(privateChoices)('%s: refuses a bad address before looking for or starting anything', async (choice) => {
    const programs = new FakePrograms(new Set(commands.map(([, , file]) => file)));
    const aside = vi.fn();
    const browser = createSystemBrowser(new FakeShell(), {
      signInBrowser: choice,
      platform: 'linux',
      programs,
      beforeOpen: aside,
    });
    for (const [, address] of refusedAddresses)
      await expect(browser.open(new URL(address), endpoint)).rejects.toMatchObject({ code: 'SIGNIN_BROWSER_FAILED' });
    expect(programs.looked).toEqual([]);
    expect(programs.launched).toEqual([]);
    expect(aside).not.toHaveBeenCalled();
  });

  it('a browser that is not installed fails the sign-in, names the setting, and opens no other browser', async () => {
    const shell = new FakeShell();
    const programs = new FakePrograms(new Set(['/usr/bin/firefox']));
    const aside = vi.fn();
    const browser = createSystemBrowser(shell, {
      signInBrowser: 'edge-inprivate',
      platform: 'win32',
      programs,
      beforeOpen: aside,
    });
    const failure = await browser.open(signInPage, endpoint).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SIGNIN_BROWSER_FAILED', cause: { code: 'ENOENT' } });
    expect((failure as Error).message).toBe(
      'This workstation is set to open sign-in in Microsoft Edge (SignInBrowser: edge-inprivate), which is not installed here, so the sign-in page was not opened. Ask IT to install Microsoft Edge or change the SignInBrowser setting.',
    );
    expect(programs.looked).toEqual([edgeX86, edge64]);
    expect(programs.launched).toEqual([]);
    expect(shell.opened).toEqual([]);
    expect(aside).not.toHaveBeenCalled();
  });

  it('a browser the shell has no install path for on this platform fails the same way, saying so', async () => {
    const shell = new FakeShell();
    const programs = new FakePrograms(new Set());
    const browser = createSystemBrowser(shell, { signInBrowser: 'chromium-incognito', platform: 'win32', programs });
    await expect(browser.open(signInPage, endpoint)).rejects.toMatchObject({
      code: 'SIGNIN_BROWSER_FAILED',
      message: expect.stringMatching(
        /Chromium \(SignInBrowser: chromium-incognito\), which the shell cannot use on this operating system/,
      ),
    });
    expect(programs.launched).toEqual([]);
    expect(shell.opened).toEqual([]);
  });

  it('a browser that is installed but cannot be started fails the sign-in with the cause, and opens no other', async () => {
    const shell = new FakeShell();
    const programs = new FakePrograms(new Set(['/usr/bin/google-chrome']));
    programs.failLaunch = Object.assign(new Error('spawn EACCES'), { code: 'EACCES' });
    const browser = createSystemBrowser(shell, { signInBrowser: 'chrome-incognito', platform: 'linux', programs });
    await expect(browser.open(signInPage, endpoint)).rejects.toMatchObject({
      code: 'SIGNIN_BROWSER_FAILED',
      message: expect.stringContaining(
        'Google Chrome could not be started for sign-in (SignInBrowser: chrome-incognito)',
      ),
      cause: { code: 'EACCES' },
    });
    expect(shell.opened).toEqual([]);
  });

  it('steps the shell aside once the browser is found, just before starting it', async () => {
    const order: string[] = [];
    const programs = new FakePrograms(new Set(['/usr/bin/firefox']));
    const launch = programs.launch.bind(programs);
    programs.launch = (file, args) => (order.push('launch'), launch(file, args));
    const browser = createSystemBrowser(new FakeShell(), {
      signInBrowser: 'firefox-private',
      platform: 'linux',
      programs,
      beforeOpen: () => order.push('aside'),
    });
    await browser.open(signInPage, endpoint);
    expect(order).toEqual(['aside', 'launch']);
  });
});

describe('SignInBrowser: default', () => {
  it.each([['default' as const], [undefined]])(
    '%s: opens the page with shell.openExternal and starts no program',
    async (choice) => {
      const shell = new FakeShell();
      const programs = new FakePrograms(new Set(commands.map(([, , file]) => file)));
      await createSystemBrowser(shell, { signInBrowser: choice, platform: 'win32', programs }).open(
        signInPage,
        endpoint,
      );
      expect(shell.opened).toEqual([signInPage.href]);
      expect(programs.looked).toEqual([]);
      expect(programs.launched).toEqual([]);
    },
  );
});
