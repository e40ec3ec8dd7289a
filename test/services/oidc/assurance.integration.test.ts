/**
 * The assurance a sign-in reached, against the CIS2 sandbox (a real oidc-provider): a sign-in
 * below the machine policy's minimum, or returning less than the acr_values asked for, is refused
 * with a message that names what is needed, and the shell keeps nothing from it; one that meets
 * it is admitted with the idle class the engine needs (NHS England's CIS2 guidance, Session
 * management: national clinical systems require AAL3; NIST SP 800-63B).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { acrValuesFor } from '../../../main/core/assurance-minimum';
import type { MinimumAssurance } from '../../../main/core/assurance-level';
import { serviceFor } from './fixtures';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.misbehave(null));

/** The sign-in settings machine policy gives for a minimum when AcrValues is not set. */
const policyFor = (minimum: MinimumAssurance) => ({
  settings: { minimumAssurance: minimum, acrValues: acrValuesFor[minimum] },
});

const needsAal3 =
  'This workstation needs a sign-in with a smartcard, security key or Windows Hello (very high confidence), so this sign-in was refused. Sign in again with one of those.';
const needsAal2 =
  'This workstation needs a sign-in with two factors (high confidence), such as a smartcard, security key, passkey or Microsoft Authenticator, not a password alone, so this sign-in was refused. Sign in again with one of those.';

async function refusal(clinician: string, minimum: MinimumAssurance) {
  const { service, browser } = serviceFor(sandbox, clinician, policyFor(minimum));
  const outcome = await service.signIn();
  expect(browser.opened[0]?.searchParams.get('acr_values')).toBe(acrValuesFor[minimum]);
  expect(service.tokens.hasSession()).toBe(false);
  expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'signed-out' });
  if (outcome.kind !== 'failed') throw new Error(`expected a refusal, got ${outcome.kind}`);
  return outcome.error;
}

describe('the assurance minimum, through the real provider', () => {
  it('AAL3 (the default): a passkey sign-in (AAL2) is refused, naming a smartcard or security key', async () => {
    const error = await refusal('nurse-hughes', 'AAL3');
    expect(error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
    expect(error.message).toBe(needsAal3);
    expect(error.cause).toEqual({ code: 'REACHED_AAL2' });
  });

  it('AAL3: a smartcard sign-in is admitted, with the strict idle class', async () => {
    const { service } = serviceFor(sandbox, 'dr-okafor', policyFor('AAL3'));
    const outcome = await service.signIn();
    expect(outcome.kind === 'signed-in' && outcome.session.aal).toBe('AAL3');
  });

  it('AAL2: a password-only sign-in (AAL1) is refused, naming two factors', async () => {
    const error = await refusal('locum-reid', 'AAL2');
    expect(error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
    expect(error.message).toBe(needsAal2);
    expect(error.cause).toEqual({ code: 'REACHED_AAL1' });
  });

  it('AAL2: a passkey sign-in is admitted with the 30-minute class', async () => {
    const { service } = serviceFor(sandbox, 'nurse-hughes', policyFor('AAL2'));
    const outcome = await service.signIn();
    expect(outcome.kind === 'signed-in' && outcome.session.aal).toBe('AAL2');
  });

  it('an acr CIS2 did not send is refused under any minimum, saying so', async () => {
    sandbox.misbehave('acr-missing');
    const error = await refusal('dr-okafor', 'AAL2');
    expect(error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
    expect(error.message).toBe(
      `NHS Care Identity did not confirm how you signed in. ${needsAal2} If it keeps happening, tell IT.`,
    );
    expect(error.cause).toEqual({ code: 'REACHED_UNKNOWN' });
  });
});

describe('the returned acr against the acr_values asked for', () => {
  it('AAL3_ANY asked, AAL2_ANY returned: refused even where the minimum is AAL2', async () => {
    sandbox.misbehave('acr-below-request');
    const { service } = serviceFor(sandbox, 'dr-okafor', {
      settings: { minimumAssurance: 'AAL2', acrValues: 'AAL3_ANY' },
    });
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
    expect(outcome.kind === 'failed' && outcome.error.message).toBe(needsAal3);
  });

  it('AAL3_ANY asked, AAL2_ANY returned: refused with no minimum at all', async () => {
    sandbox.misbehave('acr-below-request');
    const { service } = serviceFor(sandbox, 'dr-okafor', { settings: { acrValues: 'AAL3_ANY' } });
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
  });

  it('AAL2_OR_AAL3_ANY asked: either level returned is what was asked for', async () => {
    sandbox.misbehave('acr-below-request');
    const { service } = serviceFor(sandbox, 'dr-okafor', policyFor('AAL2'));
    expect((await service.signIn()).kind).toBe('signed-in');
  });

  it('a re-authentication (unlock, renewal, role change) is held to the same minimum', async () => {
    const { service } = serviceFor(sandbox, 'dr-okafor', policyFor('AAL3'));
    expect((await service.signIn()).kind).toBe('signed-in');
    sandbox.misbehave('acr-below-request');
    const again = await service.signIn({ reauthenticateSubject: '555000000001', sameSubjectOnly: true });
    expect(again.kind === 'failed' && again.error.code).toBe('SIGNIN_ASSURANCE_TOO_LOW');
    // The working clinician's own tokens are still theirs.
    expect(service.tokens.hasSession()).toBe(true);
  });
});
