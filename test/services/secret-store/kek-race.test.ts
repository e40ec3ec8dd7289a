// Issue 24, item 12: a slow first start must never orphan stored secrets. The key-encryption key
// (KEK) is created exclusively (create-if-absent, then the stored one is adopted), nothing is
// written after an attempt has timed out, and a KEK that opens none of the sealed secrets beside
// it is refused (reported, nothing deleted). On the faithful safeStorage fake, whose encryption
// is held back here to play a Keychain prompt or a slow DPAPI at first logon.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { createLocalSealedSecretStore } from '../../../main/services/secret-store';
import type { SafeStoragePort, SecretStoreProblem } from '../../../main/services/secret-store';
import { FakeSafeStorage } from '../../adapters/fake-electron';

let dir: string;
const profileKey = randomBytes(32);
const unavailable = (e: unknown): boolean => e instanceof ShellError && e.code === 'KEYRING_UNAVAILABLE';

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'cws-kek-race-')), 'secrets');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

/** safeStorage whose first `held` encryptions wait until released (a prompt nobody has answered yet). */
function slowFirstEncryption(inner: FakeSafeStorage, held = 1) {
  const releases: (() => void)[] = [];
  const started: Promise<void>[] = [];
  let calls = 0;
  let noteStarted: () => void = () => undefined;
  started.push(new Promise((resolve) => (noteStarted = resolve)));
  const port: SafeStoragePort = {
    isAsyncEncryptionAvailable: () => inner.isAsyncEncryptionAvailable(),
    decryptStringAsync: (blob) => inner.decryptStringAsync(blob),
    encryptStringAsync: async (text) => {
      calls += 1;
      if (calls <= held) {
        noteStarted();
        await new Promise<void>((resolve) => releases.push(resolve));
      }
      return inner.encryptStringAsync(text);
    },
  };
  return { port, firstStarted: started[0] as Promise<void>, release: () => releases.splice(0).forEach((r) => r()) };
}

/** Lets every pending file operation of a released attempt run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('KEK creation that outlives its timeout (issue 24, item 12)', () => {
  it('a timed-out creation never overwrites the KEK the next attempt sealed secrets under', async () => {
    const safe = slowFirstEncryption(new FakeSafeStorage('win32', { key: profileKey }));
    const store = createLocalSealedSecretStore({ dir, safeStorage: safe.port, platform: 'win32', timeoutMs: 100 });
    // First use: the KEK's encryption hangs past the timeout; the store is unavailable.
    const first = store.get('svc', 'a');
    await safe.firstStarted;
    await expect(first).rejects.toSatisfy(unavailable);
    // Next use: a KEK is created and a secret sealed under it.
    await store.set('svc', 'a', 'sealed under the second KEK');
    const kekFile = await readFile(join(dir, 'key-encryption-key'), 'utf8');
    // The first attempt's encryption answers at last.
    safe.release();
    await settle();
    expect(await readFile(join(dir, 'key-encryption-key'), 'utf8')).toBe(kekFile);
    const restarted = createLocalSealedSecretStore({
      dir,
      safeStorage: new FakeSafeStorage('win32', { key: profileKey }),
      platform: 'win32',
    });
    expect(await restarted.get('svc', 'a')).toBe('sealed under the second KEK');
  });

  it('two stores creating the KEK at once end with one KEK, adopted by both', async () => {
    const a = createLocalSealedSecretStore({
      dir,
      safeStorage: new FakeSafeStorage('win32', { key: profileKey }),
      platform: 'win32',
    });
    const b = createLocalSealedSecretStore({
      dir,
      safeStorage: new FakeSafeStorage('win32', { key: profileKey }),
      platform: 'win32',
    });
    await Promise.all([a.set('svc', 'from-a', 'A'), b.set('svc', 'from-b', 'B')]);
    expect(await a.get('svc', 'from-b')).toBe('B');
    expect(await b.get('svc', 'from-a')).toBe('A');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a KEK under which none of the sealed secrets opens is refused and reported; nothing is deleted', async () => {
    const problems: SecretStoreProblem[] = [];
    const safeStorage = new FakeSafeStorage('win32', { key: profileKey });
    await createLocalSealedSecretStore({ dir, safeStorage, platform: 'win32' }).set('svc', 'a', 'v');
    // Another KEK put in its place (what the race used to do): valid, but not the secrets' one.
    const other = join(dir, '..', 'other');
    await createLocalSealedSecretStore({ dir: other, safeStorage, platform: 'win32' }).set('x', 'y', 'z');
    await writeFile(join(dir, 'key-encryption-key'), await readFile(join(other, 'key-encryption-key')));
    const before = (await readdir(dir)).sort();
    const store = createLocalSealedSecretStore({
      dir,
      safeStorage,
      platform: 'win32',
      report: (p) => problems.push(p),
    });
    await expect(store.get('svc', 'a')).rejects.toSatisfy(unavailable);
    expect(await store.probe()).toBe(false);
    expect(problems.map((p) => p.kind)).toContain('key-mismatch');
    expect(problems[0]?.message).toMatch(/none of the 1 sealed secrets/);
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('one damaged secret beside others that open is reported, and the others stay readable', async () => {
    const problems: SecretStoreProblem[] = [];
    const safeStorage = new FakeSafeStorage('win32', { key: profileKey });
    const store = createLocalSealedSecretStore({ dir, safeStorage, platform: 'win32' });
    await store.set('svc', 'a', 'kept');
    const before = new Set(await readdir(dir));
    await store.set('svc', 'b', 'damaged');
    const damaged = (await readdir(dir)).find((n) => !before.has(n)) as string;
    const text = JSON.parse(await readFile(join(dir, damaged), 'utf8')) as { tag: string };
    text.tag = Buffer.alloc(16).toString('base64');
    await writeFile(join(dir, damaged), JSON.stringify(text));
    const again = createLocalSealedSecretStore({
      dir,
      safeStorage,
      platform: 'win32',
      report: (p) => problems.push(p),
    });
    expect(await again.get('svc', 'a')).toBe('kept');
    await expect(again.get('svc', 'b')).rejects.toSatisfy(unavailable);
    expect(problems.map((p) => p.kind)).toEqual(['entries-damaged']);
    expect(await readdir(dir)).toContain(damaged);
  });
});
