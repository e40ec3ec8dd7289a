/**
 * Platform: the browsers whose private window the CIS2 sign-in page may open in (the SignInBrowser
 * machine policy, docs/deploy.md "The CIS2 session in the browser"), and the one way the shell
 * starts one: by full path, with arguments, detached, never through a shell.
 *
 * Each browser is found only at the fixed paths its own installer writes to, in folders a standard
 * user cannot change (Program Files, /Applications, /usr/bin): never looked up on PATH, never built
 * from %ProgramFiles% or %LOCALAPPDATA% (a standard user can redefine their own environment, and a
 * per-user install, such as Chrome's in %LOCALAPPDATA%, is theirs to replace), for the reason in
 * programs.ts: a program of theirs would be handed every clinician's sign-in.
 *
 * The switches, from each browser's own documentation:
 * - Chrome and Chromium `--incognito`: Chromium's list of switches, chrome/common/chrome_switches.cc
 *   (kIncognito, "Causes the browser to launch directly in incognito mode"),
 *   https://chromium.googlesource.com/chromium/src/+/main/chrome/common/chrome_switches.cc
 * - Microsoft Edge `--inprivate`: Microsoft publishes no list of msedge.exe switches; Microsoft's
 *   Edge team names it (MicrosoftEdge/WebView2Feedback issue 1520), and the mode is Microsoft's
 *   "InPrivate" (policy InPrivateModeAvailability,
 *   https://learn.microsoft.com/en-us/deployedge/microsoft-edge-policies/inprivatemodeavailability).
 * - Chromium-based browsers stop reading switches at `--` (base/command_line.h: "An argument of
 *   "--" will terminate switch parsing during initialization, interpreting subsequent tokens as
 *   non-switch arguments, regardless of prefix"), so the address after it is only ever an address.
 * - Firefox `-private-window <URL>`: Mozilla's "Command Line Options"
 *   (https://developer.mozilla.org/en-US/docs/Mozilla/Command_Line_Options; in Firefox's tree,
 *   browser/docs/CommandLineParameters.md): the address is the switch's own value, the last argument.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';

export const privateBrowsers = ['edge-inprivate', 'chrome-incognito', 'firefox-private', 'chromium-incognito'] as const;
export type PrivateBrowser = (typeof privateBrowsers)[number];
/** The SignInBrowser setting: the PC's default browser (Electron's shell.openExternal), or a private window. */
export type SignInBrowser = 'default' | PrivateBrowser;

type Installs = Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>>;

/** Where each browser's installer puts it, per platform, in the order looked at; the first found is used. */
export const privateBrowserPaths: Readonly<Record<PrivateBrowser, Installs>> = {
  'edge-inprivate': {
    win32: [
      'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
      'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
    ],
    darwin: ['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
    linux: ['/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable'],
  },
  'chrome-incognito': {
    win32: [
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    ],
    darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
    linux: ['/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
  },
  'firefox-private': {
    win32: ['C:\\Program Files\\Mozilla Firefox\\firefox.exe', 'C:\\Program Files (x86)\\Mozilla Firefox\\firefox.exe'],
    darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox'],
    linux: ['/usr/bin/firefox'],
  },
  // Chromium has no installer of its own on Windows, so no fixed path there.
  'chromium-incognito': {
    darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium'],
    linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
  },
};

/** The arguments that open `url` in a new private window of `browser` (see the header for each source). */
export function privateWindowArgs(browser: PrivateBrowser, url: string): string[] {
  switch (browser) {
    case 'edge-inprivate':
      return ['--inprivate', '--', url];
    case 'chrome-incognito':
    case 'chromium-incognito':
      return ['--incognito', '--', url];
    case 'firefox-private':
      return ['-private-window', url];
  }
}

/** Starts programs by full path: the port system-browser.ts opens a private window through. */
export interface ProgramLauncher {
  /** Whether `file` is a regular file (a folder, a missing path or one that cannot be read is not). */
  isFile(file: string): Promise<boolean>;
  /**
   * Starts `file` with exactly `args` and does not wait for it: resolves once the OS has started
   * it, rejects (with Node's error, e.g. ENOENT or EACCES) when it could not be started.
   */
  launch(file: string, args: readonly string[]): Promise<void>;
}

/**
 * The real launcher. No shell (so no character of the address is ever interpreted), detached and
 * unreferenced with its output ignored (a browser outlives the shell; a running browser hands the
 * window to its first process and the new one exits at once). Not windowsHide: that asks Windows to
 * hide the new program's first window, which here is the sign-in page.
 */
export const programLauncher: ProgramLauncher = {
  async isFile(file) {
    try {
      return (await stat(file)).isFile();
    } catch {
      return false;
    }
  },
  launch(file, args) {
    return new Promise((resolve, reject) => {
      const child = spawn(file, [...args], { detached: true, stdio: 'ignore', shell: false });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  },
};
