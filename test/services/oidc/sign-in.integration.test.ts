import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { serviceFor } from './fixtures';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.misbehave(null));

describe('sign-in against the CIS2 sandbox', () => {
  it('signs in an AAL3 smartcard doctor with her selected role and a fresh auth_time', async () => {
    const { service, browser } = serviceFor(sandbox, 'dr-okafor');
    const before = Date.now();
    const outcome = await service.signIn();
    expect(outcome.kind).toBe('signed-in');
    if (outcome.kind !== 'signed-in') return;
    const { session } = outcome;
    expect(session.subject).toBe('555000000001');
    expect(session.aal).toBe('AAL3');
    expect(session.identity.name).toBe('Dr Amira Okafor');
    expect(session.identity.uid).toBe('555000000001');
    expect(session.identity.roles).toHaveLength(2);
    expect(session.identity.selectedRole).toEqual({
      roleId: '555000000101',
      roleName: expect.stringContaining('Medical Practitioner'),
      orgCode: 'RX1',
      orgName: 'Riverside Hospitals NHS Trust',
    });
    expect(session.authTime).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(session.authTime).toBeLessThanOrEqual(Date.now());
    expect(session.sessionId).toEqual(expect.any(String));
    const opened = browser.opened[0];
    expect(opened?.searchParams.get('prompt')).toBe('login');
    expect(opened?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(opened?.searchParams.get('acr_values')).toBe('AAL2_OR_AAL3_ANY');
    expect(opened?.searchParams.get('scope')).toBe('openid profile nationalrbacaccess selectedrole');
    expect(opened?.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const token = await service.tokens.getAccessToken();
    expect(token.ok).toBe(true);
  });

  it('maps the AAL2 nurse to AAL2 and the clinician without a role to selectedRole null', async () => {
    const nurse = await serviceFor(sandbox, 'nurse-hughes').service.signIn();
    expect(nurse.kind === 'signed-in' && nurse.session.aal).toBe('AAL2');
    const noRole = await serviceFor(sandbox, 'no-role-patel').service.signIn();
    expect(noRole.kind).toBe('signed-in');
    expect(noRole.kind === 'signed-in' && noRole.session.identity.selectedRole).toBeNull();
  });

  it('re-authenticates the same clinician as signed-in, and a different one as different-user', async () => {
    const same = await serviceFor(sandbox, 'dr-okafor').service.signIn({ reauthenticateSubject: '555000000001' });
    expect(same.kind).toBe('signed-in');
    const other = await serviceFor(sandbox, 'nurse-hughes').service.signIn({ reauthenticateSubject: '555000000001' });
    expect(other.kind).toBe('different-user');
    expect(other.kind === 'different-user' && other.session.subject).toBe('555000000002');
  });

  it('sends max_age when configured and still gets a fresh auth_time back', async () => {
    const { service, browser } = serviceFor(sandbox, 'dr-okafor', { settings: { maxAge: 0 } });
    const outcome = await service.signIn();
    expect(outcome.kind).toBe('signed-in');
    expect(browser.opened[0]?.searchParams.get('max_age')).toBe('0');
  });

  it('reports access_denied from the provider as a clear failure', async () => {
    const { service, browser } = serviceFor(sandbox, null);
    const pending = service.signIn();
    await sandbox.denyLogin(await browser.nextOpen());
    const outcome = await pending;
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_ACCESS_DENIED');
  });
});
