/**
 * The vault on the real credential store (Secret Service via @napi-rs/keyring). CI runs this
 * inside dbus-run-session with gnome-keyring unlocked; without one it fails when CI is set and
 * skips, saying why, on a developer machine.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inCi } from '../../support/needs';
import { createKeyringSecretStore } from '../../../main/services/secret-store';
import { Clock, Sensitive, alice, bob, draft, filesIn, hour, openVault, secretServiceReady } from './fixtures';

const service = `cws-test/drafts/${randomUUID()}`;
const store = createKeyringSecretStore({ probeService: `${service}/probe` });
const reachable = await secretServiceReady(store);
const skip = !reachable && !inCi;
const why = skip ? ' (skipped: no Secret Service on this machine)' : '';

let sensitive: Sensitive;
let clock: Clock;
let dataDir: string;

beforeEach(() => {
  sensitive = new Sensitive();
  sensitive.note(alice, bob);
  clock = new Clock();
  dataDir = sensitive.folder();
});

afterEach(() => {
  sensitive.assertNothingInPlaintext();
  sensitive.cleanUp();
});

afterAll(async () => {
  if (reachable) for (const account of await store.accounts(service)) await store.delete(service, account);
});

const open = () => openVault({ dataDir, secretStore: store, now: clock.now, service });

describe('draft vault on the real Secret Service', () => {
  it.skipIf(skip)(`is protected, and a restart restores saved drafts to their owner only${why}`, async () => {
    const first = await open();
    expect(first.vault.storage).toBe('protected');
    const d = sensitive.track(
      draft('d1', 'Keyring Patient ✓', 'sealed under a key in the Secret Service 🙂\nline two'),
    );
    expect(await first.vault.save(alice, d)).toMatchObject({ ok: true, storage: 'protected' });
    const second = await open();
    expect(await second.vault.restore(bob)).toEqual([]);
    expect(await second.vault.restore(alice)).toEqual([d]);
    expect(second.problems).toEqual([]);
  });

  it.skipIf(skip)(
    `keeps one record per clinician (the 256-bit key of the seal on disk) under a hashed account, never the subject${why}`,
    async () => {
      const { vault } = await open();
      await vault.save(alice, sensitive.track(draft('d1', 'Account Patient', 'who owns this key?')));
      const accounts = await store.accounts(service);
      expect(accounts.join()).not.toContain(alice);
      const subjectAccounts = accounts.filter((a) => /^[A-Za-z0-9_-]{43}$/.test(a));
      expect(subjectAccounts).toEqual([filesIn(dataDir)[0]?.slice(0, 43)]);
      const stored = await store.get(service, subjectAccounts[0] ?? '');
      const record = JSON.parse(stored ?? '{}') as {
        v: number;
        cur: { k: string; g: number; t: number };
        prev?: unknown;
      };
      expect(record).toEqual({ v: 2, cur: { k: expect.any(String), g: expect.any(Number), t: clock.t } });
      const key = record.cur.k;
      expect(Buffer.from(key, 'base64url')).toHaveLength(32);
      // The key opens nothing by itself being on disk: it is in the store, not in the folder.
      for (const name of filesIn(dataDir)) expect(readFileSync(join(dataDir, name), 'utf8')).not.toContain(key);
    },
  );

  it.skipIf(skip)(
    `crypto-shreds after retention: the key is deleted, and a copy of the file opens for nobody${why}`,
    async () => {
      const { vault } = await open();
      await vault.save(alice, sensitive.track(draft('d1', 'Shredded Patient', 'gone after retention')));
      await vault.seal(alice);
      const name = filesIn(dataDir)[0] ?? '';
      const hash = name.slice(0, 43);
      copyFileSync(join(dataDir, name), join(dataDir, '..', 'backup.jwe'));
      clock.advance(12 * hour);
      expect(await vault.sweepExpired()).toBe(1);
      expect(await store.get(service, hash)).toBeNull();
      expect(filesIn(dataDir)).toEqual([]);
      // Someone restores the file from a backup: without its key it is noise, and is removed.
      copyFileSync(join(dataDir, '..', 'backup.jwe'), join(dataDir, name));
      clock.advance(-12 * hour);
      const again = await open();
      expect(await again.vault.restore(alice)).toEqual([]);
      expect(filesIn(dataDir)).toEqual([]);
    },
  );
});
