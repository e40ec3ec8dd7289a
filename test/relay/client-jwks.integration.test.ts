// Issue 25: private_key_jwt against the sandbox IdP (oidc-provider) registered, as a trust
// registers with CIS2, with the relay's JWKS endpoint URI as the client's jwks_uri: the provider
// fetches the client's keys from the relay, so the token endpoint accepts the ward PC's client
// assertion only with a key the relay served. The keys reach the relay the way an administrator
// puts them there: the provisioning verb's printed JWK Set line, saved as a file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInService } from '../../main/services/oidc';
import { resolveOidcSettings } from '../../main/services/oidc/settings';
import { SANDBOX_CONFIDENTIAL_CLIENT_ID, SANDBOX_REALM_PATH, startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { ScriptedBrowser } from '../services/oidc/fixtures';
import { newClientKeyPem, provisionWithVerb } from './fixtures/client-key-verb';
import type { ProvisionedClient } from './fixtures/client-key-verb';
import { freePort } from './fixtures/redis';
import { startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';

let dir: string;
let current: ProvisionedClient;
let next: ProvisionedClient;
const running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-relay-jwks-signin-'));
  // The ward PCs' key, and the one a rotation brings in (provisioned on a test PC of its own).
  [current, next] = await Promise.all([
    provisionWithVerb(dir, 'current', newClientKeyPem('rsa'), SANDBOX_CONFIDENTIAL_CLIENT_ID),
    provisionWithVerb(dir, 'next', newClientKeyPem('ec'), SANDBOX_CONFIDENTIAL_CLIENT_ID),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A relay publishing these JWKS files, and a sandbox whose confidential client's jwks_uri is that relay's /jwks.json. */
async function relayAndSandbox(files: string[]): Promise<{ relay: TestRelay; sandbox: Sandbox }> {
  const port = await freePort();
  const relay = await startTestRelay({
    issuer: `http://127.0.0.1:${port}${SANDBOX_REALM_PATH}`,
    clientId: SANDBOX_CONFIDENTIAL_CLIENT_ID,
    clientJwksFiles: files,
  });
  running.push(relay);
  const sandbox = await startSandbox({ port, confidentialClientJwksUri: `${relay.url}/jwks.json` });
  running.push(sandbox);
  return { relay, sandbox };
}

/** A private_key_jwt sign-in as the shell does it, signing with the key the verb stored on this PC. */
function signIn(sandbox: Sandbox, pc: ProvisionedClient) {
  return createSignInService({
    settings: resolveOidcSettings({
      issuer: sandbox.issuer,
      clientId: SANDBOX_CONFIDENTIAL_CLIENT_ID,
      allowInsecureLoopbackIssuer: true,
      clientAuth: { method: 'private_key_jwt', keyringService: pc.service, keyringAccount: pc.account },
    }),
    browser: new ScriptedBrowser((url) => sandbox.loginAs(url, 'nurse-hughes')),
    logger: pino({ level: 'silent' }),
    keySource: pc.store,
  }).signIn();
}

describe("private_key_jwt with the client's keys fetched from the relay's JWKS endpoint", () => {
  it('signs in with the key whose public half the relay serves', async () => {
    const { sandbox } = await relayAndSandbox([current.jwksFile]);
    const outcome = await signIn(sandbox, current);
    expect(outcome.kind).toBe('signed-in');
  });

  it('is refused invalid_client when the relay serves a different key', async () => {
    const { relay, sandbox } = await relayAndSandbox([next.jwksFile]);
    // The relay is up and serving: the refusal is about the key, not a missing endpoint.
    expect((await fetch(`${relay.url}/jwks.json`)).status).toBe(200);
    const outcome = await signIn(sandbox, current);
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.code).toBe('SIGNIN_PROVIDER_ERROR');
    expect(outcome.error.message).toContain('(invalid_client)');
  });

  it('during a rotation the relay serves both keys, and PCs signing with either sign in', async () => {
    const { sandbox } = await relayAndSandbox([current.jwksFile, next.jwksFile]);
    expect((await signIn(sandbox, current)).kind).toBe('signed-in');
    expect((await signIn(sandbox, next)).kind).toBe('signed-in');
  });
});
