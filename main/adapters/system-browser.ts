/**
 * Opens the CIS2 sign-in page in the system browser (RFC 8252: never an embedded view).
 * shell.openExternal hands a URL to the OS, which would also launch a local program for a
 * custom scheme or file:// — so this is the last gate, and it opens one thing only: the
 * authorization endpoint the OIDC service discovered, over https (plain http only on the
 * loopback address, where the development sandbox IdP runs), with no credentials in the URL.
 *
 * Where it opens is machine policy (SignInBrowser): the PC's default browser in its normal profile
 * (shell.openExternal, the default), or a private window of a named browser, started by its fixed
 * install path through the platform's ProgramLauncher (main/platform/browsers.ts), so that the CIS2
 * session does not outlive the window in a profile a shared OS account keeps. The address is
 * checked the same way before either. A private browser that is not installed fails the sign-in
 * and names the setting: it never falls back to the default browser's persistent profile.
 */
import type { Shell } from 'electron';
import { ShellError } from '../core/errors';
import { isHttpsOrLoopback } from '../core/http-scheme';
import { privateBrowserPaths, privateWindowArgs, programLauncher } from '../platform/browsers';
import type { PrivateBrowser, ProgramLauncher, SignInBrowser } from '../platform/browsers';

export interface SystemBrowser {
  open(url: URL, authorizationEndpoint: URL): Promise<void>;
}

function isWebAddress(url: URL): boolean {
  return isHttpsOrLoopback(url) && url.username === '' && url.password === '';
}

/** Pure: `url` is a request to exactly this authorization endpoint (same origin and path; any query). */
export function isAuthorizationRequest(url: URL, authorizationEndpoint: URL): boolean {
  return (
    isWebAddress(url) &&
    isWebAddress(authorizationEndpoint) &&
    url.origin === authorizationEndpoint.origin &&
    url.pathname === authorizationEndpoint.pathname &&
    url.hash === ''
  );
}

export interface SystemBrowserOptions {
  /**
   * Runs just before the browser opens, for an address that passed the checks: in kiosk the
   * shell steps out of the way (window-focus.ts), since the browser can open behind it.
   */
  beforeOpen?: () => void;
  /** The SignInBrowser machine policy; 'default' (or unset): shell.openExternal. */
  signInBrowser?: SignInBrowser;
  /** The platform whose install paths are looked at; process.platform unless a test says otherwise. */
  platform?: NodeJS.Platform;
  /** Starts the private browser; the real one unless a test says otherwise. */
  programs?: ProgramLauncher;
}

/** A browser's product name, for the sentence IT reads. */
const browserName: Record<PrivateBrowser, string> = {
  'edge-inprivate': 'Microsoft Edge',
  'chrome-incognito': 'Google Chrome',
  'firefox-private': 'Firefox',
  'chromium-incognito': 'Chromium',
};

/** Node's code for "no such file": what the audit line's cause says when no install path holds the browser. */
function notInstalled(): Error {
  return Object.assign(new Error("none of the browser's install paths holds a program"), { code: 'ENOENT' });
}

/** The first of the browser's fixed install paths on this platform that is a file; refuses when there is none. */
async function installedAt(
  browser: PrivateBrowser,
  platform: NodeJS.Platform,
  programs: ProgramLauncher,
): Promise<string> {
  const name = browserName[browser];
  const paths = privateBrowserPaths[browser][platform] ?? [];
  for (const path of paths) if (await programs.isFile(path)) return path;
  throw new ShellError(
    'SIGNIN_BROWSER_FAILED',
    paths.length === 0
      ? `This workstation is set to open sign-in in ${name} (SignInBrowser: ${browser}), which the shell cannot use on this operating system, so the sign-in page was not opened. Ask IT to change the SignInBrowser setting.`
      : `This workstation is set to open sign-in in ${name} (SignInBrowser: ${browser}), which is not installed here, so the sign-in page was not opened. Ask IT to install ${name} or change the SignInBrowser setting.`,
    { cause: notInstalled() },
  );
}

export function createSystemBrowser(
  shell: Pick<Shell, 'openExternal'>,
  options: SystemBrowserOptions = {},
): SystemBrowser {
  const stepAside = (): void => {
    try {
      options.beforeOpen?.();
    } catch {
      // Stepping aside helps the clinician find the page; the sign-in goes on without it.
    }
  };
  const choice = options.signInBrowser ?? 'default';
  return {
    async open(url, authorizationEndpoint) {
      if (!isAuthorizationRequest(url, authorizationEndpoint)) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The sign-in page address is not the CIS2 sign-in page, so the shell will not open it. Ask IT to check the CIS2 issuer setting.',
        );
      }
      if (choice !== 'default') {
        await openPrivateWindow(url, choice, options, stepAside);
        return;
      }
      stepAside();
      try {
        // Checked just above: only the discovered authorization endpoint, over https, reaches the OS.
        await shell.openExternal(url.href, { activate: true }); // eng-disable OPEN_EXTERNAL_JS_CHECK
      } catch (cause) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The web browser could not be opened for sign-in. Check that a default browser is set on this workstation, or ask IT.',
          { cause },
        );
      }
    },
  };
}

/** Opens the checked address in a new private window of `browser`, found at its fixed install path. */
async function openPrivateWindow(
  url: URL,
  browser: PrivateBrowser,
  options: SystemBrowserOptions,
  stepAside: () => void,
): Promise<void> {
  const programs = options.programs ?? programLauncher;
  const file = await installedAt(browser, options.platform ?? process.platform, programs);
  stepAside();
  try {
    await programs.launch(file, privateWindowArgs(browser, url.href));
  } catch (cause) {
    throw new ShellError(
      'SIGNIN_BROWSER_FAILED',
      `${browserName[browser]} could not be started for sign-in (SignInBrowser: ${browser}). Try again; if it keeps happening, tell IT.`,
      { cause },
    );
  }
}
