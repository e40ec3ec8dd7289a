/**
 * Opens the CIS2 sign-in page in the system browser (RFC 8252: never an embedded view).
 * Refuses anything that is not http(s), so a crafted URL can never launch a local program
 * through a custom scheme handler. The OIDC service separately checks it is the
 * authorization endpoint it expects.
 */
import type { Shell } from 'electron';
import { ShellError } from '../core/errors';

export interface SystemBrowser {
  open(url: URL): Promise<void>;
}

export function isOpenableInBrowser(url: URL): boolean {
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
}

export function createSystemBrowser(shell: Pick<Shell, 'openExternal'>): SystemBrowser {
  return {
    async open(url) {
      if (!isOpenableInBrowser(url)) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The sign-in page address is not a web address, so the shell will not open it. Ask IT to check the CIS2 issuer setting.',
        );
      }
      try {
        await shell.openExternal(url.href, { activate: true });
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
