// Issue 13, item 1: the draft keys and the naming key stay on this PC. The local sealed store
// (main/services/secret-store/local-sealed.ts) on a safeStorage that behaves like Electron's
// (FakeSafeStorage in test/adapters/fake-electron.ts): before 'ready', another profile's key, a
// Linux 'basic_text' store, a missing key-encryption key, and the move out of the old keyring.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { createDraftVault } from '../../../main/services/drafts';
import {
  createLocalSealedSecretStore,
  createMemorySecretStore,
  secretStoreForPlatform,
  secretStoreKindFor,
} from '../../../main/services/secret-store';
import type { SafeStoragePort, SecretStore } from '../../../main/services/secret-store';
import { FakeApp, FakeSafeStorage } from '../../adapters/fake-electron';

let dir: string;
const profileKey = randomBytes(32);
const unavailable = (e: unknown): boolean => e instanceof ShellError && e.code === 'KEYRING_UNAVAILABLE';

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'cws-local-sealed-')), 'secrets');
});
afterEach(async () => {
  FakeApp.reset();
  await rm(join(dir, '..'), { recursive: true, force: true });
});

function open(
  safeStorage: SafeStoragePort = new FakeSafeStorage('win32', { key: profileKey }),
  extra: { legacy?: SecretStore; platform?: NodeJS.Platform; timeoutMs?: number } = {},
) {
  return createLocalSealedSecretStore({ dir, safeStorage, platform: extra.platform ?? 'win32', ...extra });
}

describe('local sealed store: values', () => {
  it('keeps values per service and account, and lists accounts by service', async () => {
    const store = open();
    await store.set('s1', 'a', 'one');
    await store.set('s2', 'a', 'two');
    await store.set('a', 's1', 'crossed');
    expect(await store.get('s1', 'a')).toBe('one');
    expect(await store.get('s2', 'a')).toBe('two');
    expect(await store.get('s1', 'b')).toBeNull();
    expect(await store.accounts('s1')).toEqual(['a']);
    expect(await store.delete('s1', 'a')).toBe(true);
    expect(await store.delete('s1', 'a')).toBe(false);
    expect(await store.probe()).toBe(true);
  });

  it('survives a restart: a new store on the same folder and profile reads what was stored', async () => {
    await open().set('svc', 'acct', 'kept');
    expect(await open().get('svc', 'acct')).toBe('kept');
  });

  it('puts no service, account or value in a file name or in the clear in a file; 0600 files in a 0700 folder on POSIX', async () => {
    const value = `secret-${randomBytes(8).toString('hex')}`;
    await open().set('clinical-workstation-shell/drafts', 'subject-naming-key', value);
    const names = await readdir(dir);
    expect(names.sort()).toEqual(expect.arrayContaining(['key-encryption-key']));
    for (const name of names) {
      expect(name).not.toMatch(/drafts|naming|secret-|\.tmp$/);
      const text = await readFile(join(dir, name), 'utf8');
      expect(text).not.toContain(value);
      expect(text).not.toContain('naming');
      if (process.platform !== 'win32') expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
    }
    if (process.platform !== 'win32') expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("refuses a secret file moved to another secret's name (the name is authenticated)", async () => {
    const store = open();
    await store.set('svc', 'one', 'first');
    const before = new Set(await readdir(dir));
    await store.set('svc', 'two', 'second');
    const second = (await readdir(dir)).find((n) => !before.has(n));
    const first = [...before].find((n) => n.endsWith('.secret'));
    expect(second && first).toBeTruthy();
    await rename(join(dir, second as string), join(dir, first as string));
    await expect(open().get('svc', 'one')).rejects.toSatisfy(unavailable);
  });

  it('removes temp files a crash left, at first use', async () => {
    await open().set('svc', 'a', 'v');
    await writeFile(join(dir, 'AAAAAAAAAAAA.tmp'), 'half');
    await open().get('svc', 'a');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('local sealed store: fails closed, as the keyring does', () => {
  it("is unavailable before 'ready' and works once Electron is ready (nothing written before)", async () => {
    const app = new FakeApp('win32');
    const store = open();
    expect(await store.probe()).toBe(false);
    await expect(store.get('svc', 'a')).rejects.toSatisfy(unavailable);
    await expect(readdir(dir)).rejects.toThrow();
    app.becomeReady();
    expect(await store.probe()).toBe(true);
  });

  it("refuses Linux's 'basic_text' store although safeStorage says encryption is available", async () => {
    const basic = new FakeSafeStorage('linux', { linuxBackend: 'basic_text' });
    expect(await basic.isAsyncEncryptionAvailable()).toBe(true);
    expect(await open(basic, { platform: 'linux' }).probe()).toBe(false);
    expect(
      await open(new FakeSafeStorage('linux', { linuxBackend: 'gnome_libsecret' }), { platform: 'linux' }).probe(),
    ).toBe(true);
  });

  it("another profile's safeStorage (another account, or Local State replaced) opens nothing and never replaces the key", async () => {
    await open().set('svc', 'a', 'v');
    const kek = await readFile(join(dir, 'key-encryption-key'), 'utf8');
    const stranger = open(new FakeSafeStorage('win32'));
    expect(await stranger.probe()).toBe(false);
    await expect(stranger.get('svc', 'a')).rejects.toSatisfy(unavailable);
    expect(await readFile(join(dir, 'key-encryption-key'), 'utf8')).toBe(kek);
    expect(await open().get('svc', 'a')).toBe('v');
  });

  it('with the key-encryption key gone but secrets left, stays unavailable instead of starting a new key', async () => {
    await open().set('svc', 'a', 'v');
    await unlink(join(dir, 'key-encryption-key'));
    const store = open();
    expect(await store.probe()).toBe(false);
    expect(await readdir(dir)).not.toContain('key-encryption-key');
  });

  it('an OS that refuses to encrypt, or never answers, makes it unavailable', async () => {
    const refusing = new FakeSafeStorage('win32');
    refusing.failing = true;
    expect(await open(refusing).probe()).toBe(false);
    const silent: SafeStoragePort = {
      isAsyncEncryptionAvailable: () => new Promise(() => undefined),
      encryptStringAsync: () => new Promise(() => undefined),
      decryptStringAsync: () => new Promise(() => undefined),
    };
    expect(await open(silent, { timeoutMs: 50 }).probe()).toBe(false);
  });

  it("stores the key again when the OS rotated safeStorage's key (shouldReEncrypt)", async () => {
    const safe = new FakeSafeStorage('win32');
    await open(safe).set('svc', 'a', 'v');
    const before = await readFile(join(dir, 'key-encryption-key'), 'utf8');
    safe.rotate();
    expect(await open(safe).get('svc', 'a')).toBe('v');
    expect(await readFile(join(dir, 'key-encryption-key'), 'utf8')).not.toBe(before);
  });
});

describe('local sealed store: moving out of the old (roaming) keyring', () => {
  it('moves every secret of a service at its first use and deletes it from the keyring', async () => {
    const keyring = createMemorySecretStore();
    await keyring.set('drafts', 'subject-naming-key', 'naming');
    await keyring.set('drafts', 'hash-1', 'record-1');
    await keyring.set('other', 'x', 'untouched');
    const store = open(undefined, { legacy: keyring });
    expect(await store.get('drafts', 'subject-naming-key')).toBe('naming');
    expect((await store.accounts('drafts')).sort()).toEqual(['hash-1', 'subject-naming-key']);
    expect(await keyring.accounts('drafts')).toEqual([]);
    expect(await keyring.get('other', 'x')).toBe('untouched');
    // Recorded as moved: the keyring is not needed again for that service.
    keyring.setAvailable(false);
    expect(await open(undefined, { legacy: keyring }).get('drafts', 'hash-1')).toBe('record-1');
  });

  it('never overwrites a newer local value with the keyring copy', async () => {
    const keyring = createMemorySecretStore();
    await keyring.set('drafts', 'hash-1', 'stale');
    await open().set('drafts', 'hash-1', 'newer');
    expect(await open(undefined, { legacy: keyring }).get('drafts', 'hash-1')).toBe('newer');
    expect(await keyring.get('drafts', 'hash-1')).toBeNull();
  });

  it('a keyring that cannot be read is KEYRING_UNAVAILABLE (not "no key", which would discard drafts), and the move is tried again', async () => {
    const keyring = createMemorySecretStore();
    await keyring.set('drafts', 'hash-1', 'record-1');
    keyring.setAvailable(false);
    const store = open(undefined, { legacy: keyring });
    await expect(store.get('drafts', 'hash-1')).rejects.toSatisfy(unavailable);
    keyring.setAvailable(true);
    expect(await store.get('drafts', 'hash-1')).toBe('record-1');
  });

  it('a draft sealed under the old keyring opens from the new store, and the keyring is left empty', async () => {
    const keyring = createMemorySecretStore();
    const drafts = join(dir, '..', 'drafts');
    const note = { id: 'd1', patient: 'Mrs Moved', text: 'sealed before the upgrade', updatedAt: 1 };
    const now = (): number => 1_000_000;
    const before = await createDraftVault({ dataDir: drafts, secretStore: keyring, now, service: 'drafts' });
    await before.save('subject-1', note);
    await before.seal('subject-1');
    await before.flush();
    const after = await createDraftVault({
      dataDir: drafts,
      secretStore: open(undefined, { legacy: keyring }),
      now,
      service: 'drafts',
    });
    expect(after.storage).toBe('protected');
    expect(await after.restore('subject-1')).toEqual([note]);
    expect(await keyring.accounts('drafts')).toEqual([]);
  });
});

describe('which store keeps the draft keys, per platform', () => {
  it('Windows: the local sealed store, never the roaming keyring (which only gives up what it had)', async () => {
    expect(secretStoreKindFor('win32')).toBe('local-sealed');
    const keyring = createMemorySecretStore();
    const { kind, store } = secretStoreForPlatform({
      platform: 'win32',
      dir,
      safeStorage: new FakeSafeStorage('win32'),
      keyring: () => keyring,
    });
    expect(kind).toBe('local-sealed');
    await store.set('clinical-workstation-shell/drafts', 'subject-naming-key', 'local only');
    // The keyring holds the store's generation only (a count, issue 24 item 13), never a secret.
    expect(keyring.size()).toBe(1);
    expect(await keyring.accounts('clinical-workstation-shell/drafts')).toEqual([]);
    expect((await keyring.accounts('clinical-workstation-shell/secret-store-generation')).length).toBe(1);
    expect(await store.get('clinical-workstation-shell/drafts', 'subject-naming-key')).toBe('local only');
  });

  it('macOS and Linux: the keyring (login keychain, Secret Service), which does not roam there', () => {
    const keyring = createMemorySecretStore();
    for (const platform of ['darwin', 'linux'] as const) {
      expect(secretStoreKindFor(platform)).toBe('keyring');
      expect(
        secretStoreForPlatform({ platform, dir, safeStorage: new FakeSafeStorage(platform), keyring: () => keyring })
          .store,
      ).toBe(keyring);
    }
  });
});
