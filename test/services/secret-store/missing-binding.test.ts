/**
 * A build without the keyring's native package (an MSI built on another OS, or with optional
 * packages skipped) must still start: the binding is loaded at first use, a failed load is an
 * unavailable credential store, drafts stay in memory with the notice, and a private_key_jwt
 * sign-in fails with its own sentence. Nothing here needs a Secret Service.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClientKeyStore, keyringBackend } from '../../../main/services/client-key/client-key-store';
import { createDraftVault } from '../../../main/services/drafts';
import type { DraftProblem } from '../../../main/core/drafts';
import { createSignInService, resolveOidcSettings } from '../../../main/services/oidc';
import { createKeyringSecretStore } from '../../../main/services/secret-store';
import type { KeyringLoader } from '../../../main/services/secret-store';
import { draft, filesIn } from '../drafts/fixtures';
import { ScriptedBrowser } from '../oidc/fixtures';

/** What @napi-rs/keyring's own loader throws when no platform package is installed. */
const noBinding = (): Error =>
  new Error(
    'Cannot find native binding. npm has a bug related to optional dependencies (https://github.com/npm/cli/issues/4828).',
  );

function failingLoader(how: 'rejects' | 'throws'): KeyringLoader & { calls: number } {
  const loader = (() => {
    loader.calls += 1;
    if (how === 'throws') throw noBinding();
    return Promise.reject(noBinding());
  }) as KeyringLoader & { calls: number };
  loader.calls = 0;
  return loader;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-no-binding-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the credential store when its native binding cannot be loaded', () => {
  it.each(['rejects', 'throws'] as const)(
    'probes false (the loader %s), and every call is KEYRING_UNAVAILABLE, loading once',
    async (how) => {
      const load = failingLoader(how);
      const store = createKeyringSecretStore({ load, probeService: 'cws-test/no-binding' });
      expect(load.calls).toBe(0);
      expect(await store.probe()).toBe(false);
      for (const call of [
        () => store.get('s', 'a'),
        () => store.set('s', 'a', 'VALUE'),
        () => store.delete('s', 'a'),
        () => store.accounts('s'),
      ]) {
        await expect(call()).rejects.toMatchObject({
          name: 'ShellError',
          code: 'KEYRING_UNAVAILABLE',
          message: expect.stringMatching(/memory only/),
        });
      }
      // The failed load is remembered, not tried again at every call.
      expect(load.calls).toBe(1);
    },
  );

  it('leaves the draft vault memory-only, with the notice, and nothing on disk', async () => {
    const problems: DraftProblem[] = [];
    const vault = await createDraftVault({
      dataDir: join(dir, 'drafts'),
      secretStore: createKeyringSecretStore({ load: failingLoader('rejects') }),
      now: () => 1_000_000,
      onProblem: (p) => problems.push(p),
    });
    expect(vault.storage).toBe('memory-only');
    expect(problems.map((p) => p.code)).toEqual(['KEYRING_UNAVAILABLE']);
    expect(await vault.save('999000000001', draft('d1', 'Memory Patient', 'kept in memory'))).toMatchObject({
      ok: true,
      storage: 'memory-only',
    });
    await vault.seal('999000000001');
    expect(await vault.restore('999000000001')).toEqual([draft('d1', 'Memory Patient', 'kept in memory')]);
    expect(filesIn(join(dir, 'drafts'))).toEqual([]);
  });

  it('fails a private_key_jwt sign-in with the client-key sentence, before any request to CIS2', async () => {
    const keys = createClientKeyStore(keyringBackend(failingLoader('rejects')));
    await expect(keys.loadClientKey('svc', 'acct')).rejects.toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      message: expect.stringMatching(/CIS2 client key/),
    });
    const requests: string[] = [];
    const service = createSignInService({
      settings: resolveOidcSettings({
        issuer: 'https://cis2.invalid/realm',
        clientId: 'cws',
        clientAuth: { method: 'private_key_jwt', keyringService: 'svc', keyringAccount: 'acct' },
      }),
      browser: new ScriptedBrowser(),
      logger: pino({ level: 'silent' }),
      keySource: keys,
      fetch: async (url) => {
        requests.push(url);
        throw new TypeError('fetch failed');
      },
    });
    const outcome = await service.signIn();
    expect(outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'KEYRING_UNAVAILABLE', message: expect.stringMatching(/CIS2 client key/) },
    });
    expect(requests).toEqual([]);
  });
});

describe('the services with the platform package really missing', () => {
  it('load, start a memory-only vault and probe false, where a static import would have stopped the process', () => {
    // A child process whose module resolution cannot find any @napi-rs/keyring-<platform>
    // package, as in an MSI built without it: @napi-rs/keyring's own loader then throws.
    const script = `
      import { registerHooks } from 'node:module';
      registerHooks({
        resolve(specifier, context, next) {
          if (/^@napi-rs\\/keyring-/.test(specifier)) throw Object.assign(new Error('Cannot find module ' + specifier), { code: 'MODULE_NOT_FOUND' });
          return next(specifier, context);
        },
      });
      const out = {};
      try { await import('@napi-rs/keyring'); out.binding = 'loaded'; } catch (e) { out.binding = e.message.split('.')[0]; }
      await import('./main/services/compose.ts');
      const { createKeyringSecretStore } = await import('./main/services/secret-store/index.ts');
      const { createDraftVault } = await import('./main/services/drafts/index.ts');
      const store = createKeyringSecretStore();
      out.probe = await store.probe();
      const vault = await createDraftVault({ dataDir: ${JSON.stringify(join(dir, 'drafts'))}, secretStore: store, now: Date.now });
      out.storage = vault.storage;
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout.trim().split('\n').pop() ?? '{}')).toEqual({
      binding: 'Cannot find native binding',
      probe: false,
      storage: 'memory-only',
    });
  });
});
