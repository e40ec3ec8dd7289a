import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createClientKeyStore } from '../../../main/services/client-key/client-key-store';
import { createSignInService } from '../../../main/services/oidc';
import { resolveOidcSettings } from '../../../main/services/oidc/settings';
import { SANDBOX_CONFIDENTIAL_CLIENT_ID, startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { ScriptedBrowser } from '../oidc/fixtures';
import { requireKeyring, secretServiceAvailable } from './secret-service';

const available = await secretServiceAvailable();
const keyringIt = available || requireKeyring ? it : it.skip;
const suffix = available
  ? ''
  : requireKeyring
    ? ' (CI: no Secret Service — this must fail)'
    : ' (skipped: no Secret Service on D-Bus; run under dbus-run-session)';
const service = `uk.nhs.clinical-workstation-shell.test-pkjwt-${process.pid}`;

const registered = generateKeyPairSync('rsa', { modulusLength: 2048 });
let sandbox: Sandbox | undefined;
afterAll(async () => {
  await sandbox?.close();
  if (available)
    await createClientKeyStore()
      .remove(service, SANDBOX_CONFIDENTIAL_CLIENT_ID)
      .catch(() => false);
});

function serviceWithKeyring(s: Sandbox, clinician: string) {
  return createSignInService({
    settings: resolveOidcSettings({
      issuer: s.issuer,
      clientId: SANDBOX_CONFIDENTIAL_CLIENT_ID,
      allowInsecureLoopbackIssuer: true,
      clientAuth: {
        method: 'private_key_jwt',
        keyringService: service,
        keyringAccount: SANDBOX_CONFIDENTIAL_CLIENT_ID,
      },
    }),
    browser: new ScriptedBrowser((url) => s.loginAs(url, clinician)),
    logger: pino({ level: 'silent' }),
    keySource: createClientKeyStore(),
  });
}

describe('private_key_jwt client authentication with the key from the OS credential store', () => {
  keyringIt(
    `signs in with the provisioned key, and is refused with a key the provider does not know${suffix}`,
    async () => {
      expect(available, 'a Secret Service must be running (CI runs this under dbus-run-session)').toBe(true);
      const exported = registered.publicKey.export({ format: 'jwk' });
      // Registered with the provider under the kid the store derives (RFC 7638 thumbprint), as IT would.
      const publicJwk = {
        ...exported,
        use: 'sig',
        kid: await calculateJwkThumbprint({ kty: 'RSA', e: exported.e, n: exported.n }),
      };
      sandbox = await startSandbox({ confidentialClientJwks: { keys: [publicJwk] } });
      const store = createClientKeyStore();
      await store.provision(
        registered.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        service,
        SANDBOX_CONFIDENTIAL_CLIENT_ID,
      );

      const outcome = await serviceWithKeyring(sandbox, 'nurse-hughes').signIn();
      expect(outcome.kind).toBe('signed-in');

      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString();
      await store.provision(stranger, service, SANDBOX_CONFIDENTIAL_CLIENT_ID);
      const refused = await serviceWithKeyring(sandbox, 'nurse-hughes').signIn();
      expect(refused.kind === 'failed' && refused.error.code).toBe('SIGNIN_PROVIDER_ERROR');
    },
  );
});
