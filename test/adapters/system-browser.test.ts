import { describe, expect, it } from 'vitest';
import { createSystemBrowser, isAuthorizationRequest } from '../../main/adapters/system-browser';
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
