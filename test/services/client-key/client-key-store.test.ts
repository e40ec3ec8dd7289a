import { generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createClientKeyStore } from '../../../main/services/client-key/client-key-store';
import type { SecretBackend } from '../../../main/services/client-key/client-key-store';
import { requireKeyring, secretServiceAvailable } from './secret-service';

const available = await secretServiceAvailable();
const keyringIt = available ? it : requireKeyring ? it : it.skip;
const suffix = available
  ? ''
  : requireKeyring
    ? ' (CI: no Secret Service — this must fail)'
    : ' (skipped: no Secret Service on D-Bus; run under dbus-run-session)';
const service = `uk.nhs.clinical-workstation-shell.test-${process.pid}`;

function rsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

describe('client key store with the real OS credential store', () => {
  keyringIt(`provisions, loads and removes a key${suffix}`, async () => {
    expect(available, 'a Secret Service must be running (CI runs this under dbus-run-session)').toBe(true);
    const store = createClientKeyStore();
    const pem = rsaPem();
    const where = await store.provision(pem, service, 'provision-load');
    expect(where).toMatchObject({ service, account: 'provision-load', alg: 'RS256' });
    expect(JSON.stringify(where)).not.toContain(pem.split('\n')[1]);
    const loaded = await store.loadClientKey(service, 'provision-load');
    expect(loaded.key.type).toBe('private');
    expect(loaded.kid).toBe(where.kid);
    expect(await store.remove(service, 'provision-load')).toBe(true);
    await expect(store.loadClientKey(service, 'provision-load')).rejects.toMatchObject({
      code: 'SIGNIN_CLIENT_KEY_MISSING',
    });
  });

  keyringIt(`the admin command stores the file's key and says where, never what${suffix}`, async () => {
    expect(available, 'a Secret Service must be running (CI runs this under dbus-run-session)').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'cws-key-'));
    const file = join(dir, 'client-key.pem');
    const pem = rsaPem();
    await writeFile(file, pem, { mode: 0o600 });
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'main/cli/provision-client-key.ts',
          file,
          '--service',
          service,
          '--account',
          'cli',
          '--per-user',
        ],
        { env: process.env },
      );
      expect(stdout).toContain(`in this account's OS credential store, service "${service}", account "cli"`);
      expect(stdout).toContain('"kty":"RSA"');
      expect(stdout).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
      const body = pem.split('\n').slice(1, -2).join('');
      for (const line of pem.split('\n').slice(1, -2)) expect(stdout + stderr).not.toContain(line);
      expect(body.length).toBeGreaterThan(100);
      const store = createClientKeyStore();
      expect((await store.loadClientKey(service, 'cli')).key.type).toBe('private');
      await store.remove(service, 'cli');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('client key store failure paths (fake credential store)', () => {
  const broken: SecretBackend = {
    get: () => Promise.reject(new Error('org.freedesktop.DBus.Error.ServiceUnknown')),
    set: () => Promise.reject(new Error('org.freedesktop.DBus.Error.ServiceUnknown')),
    delete: () => Promise.reject(new Error('org.freedesktop.DBus.Error.ServiceUnknown')),
  };
  const memory = (): SecretBackend => {
    const m = new Map<string, string>();
    return {
      get: async (s, a) => m.get(`${s}/${a}`) ?? null,
      set: async (s, a, v) => void m.set(`${s}/${a}`, v),
      delete: async (s, a) => m.delete(`${s}/${a}`),
    };
  };

  it('reports an unavailable credential store as KEYRING_UNAVAILABLE with an actionable message', async () => {
    const store = createClientKeyStore(broken);
    await expect(store.provision(rsaPem(), 's', 'a')).rejects.toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      message: expect.stringMatching(/ask IT/),
    });
    await expect(store.loadClientKey('s', 'a')).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE' });
  });

  it('refuses a file that is not a private key, and a damaged stored key', async () => {
    const backend = memory();
    const store = createClientKeyStore(backend);
    await expect(store.provision('not a key', 's', 'a')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const pub = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    await expect(store.provision(pub, 's', 'a')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await backend.set('s', 'a', '{"kty":"RSA"}');
    await expect(store.loadClientKey('s', 'a')).rejects.toMatchObject({ code: 'SIGNIN_CLIENT_KEY_MISSING' });
  });

  it('accepts an EC P-256 JWK as well as RSA PEM', async () => {
    const store = createClientKeyStore(memory());
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const where = await store.provision(JSON.stringify(jwk), 's', 'ec');
    expect(where.alg).toBe('ES256');
    expect((await store.loadClientKey('s', 'ec')).key.algorithm.name).toBe('ECDSA');
  });
});
