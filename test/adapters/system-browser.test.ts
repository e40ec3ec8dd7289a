import { describe, expect, it } from 'vitest';
import { createSystemBrowser } from '../../main/adapters/system-browser';
import { FakeShell } from './fake-electron';

describe('createSystemBrowser', () => {
  it('opens an https address in the system browser', async () => {
    const shell = new FakeShell();
    await createSystemBrowser(shell).open(new URL('https://am.nhsidentity.spineservices.nhs.uk/authorize?x=1'));
    expect(shell.opened).toEqual(['https://am.nhsidentity.spineservices.nhs.uk/authorize?x=1']);
  });

  it('refuses anything that is not a web address, without opening it', async () => {
    const shell = new FakeShell();
    const browser = createSystemBrowser(shell);
    for (const url of ['file:///C:/Windows/System32/calc.exe', 'javascript:alert(1)', 'ms-settings:privacy', 'https://user:pass@example.org/']) {
      await expect(browser.open(new URL(url))).rejects.toMatchObject({ code: 'SIGNIN_BROWSER_FAILED' });
    }
    expect(shell.opened).toEqual([]);
  });

  it('reports a browser that cannot be opened in words an IT admin can act on', async () => {
    const shell = new FakeShell();
    shell.fail = true;
    await expect(createSystemBrowser(shell).open(new URL('https://example.org/'))).rejects.toThrow(/default browser/);
  });
});
