/**
 * Opens the CIS2 sign-in page in the system browser (RFC 8252: never an embedded view).
 * shell.openExternal hands a URL to the OS, which would also launch a local program for a
 * custom scheme or file:// — so this is the last gate, and it opens one thing only: the
 * authorization endpoint the OIDC service discovered, over https (plain http only on the
 * loopback address, where the development sandbox IdP runs), with no credentials in the URL.
 */
import type { Shell } from 'electron';
import { ShellError } from '../core/errors';
import { isHttpsOrLoopback } from '../core/http-scheme';

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
}

export function createSystemBrowser(
  shell: Pick<Shell, 'openExternal'>,
  options: SystemBrowserOptions = {},
): SystemBrowser {
  return {
    async open(url, authorizationEndpoint) {
      if (!isAuthorizationRequest(url, authorizationEndpoint)) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The sign-in page address is not the CIS2 sign-in page, so the shell will not open it. Ask IT to check the CIS2 issuer setting.',
        );
      }
      try {
        options.beforeOpen?.();
      } catch {
        // Stepping aside helps the clinician find the page; the sign-in goes on without it.
      }
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
