/**
 * The real credential store. CI runs these inside `dbus-run-session` with gnome-keyring
 * unlocked (see docs/security.md, "Drafts at rest"); there they must pass. Without a Secret
 * Service they fail when CI is set and skip, saying why, on a developer machine.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inCi } from '../../support/needs';
import { createKeyringSecretStore } from '../../../main/services/secret-store';
import { secretServiceReady } from '../drafts/fixtures';

const service = `cws-test/${randomUUID()}`;
const other = `${service}/other`;
const probeService = `${service}/probe`;
const store = createKeyringSecretStore({ probeService });
const reachable = await secretServiceReady(store);
const skip = !reachable && !inCi;
const why = skip ? ' (skipped: no Secret Service on this machine)' : '';

afterAll(async () => {
  if (!reachable) return;
  for (const s of [service, other, probeService])
    for (const account of await store.accounts(s)) await store.delete(s, account);
});

describe('keyring SecretStore against the real Secret Service', () => {
  it.runIf(inCi)('a Secret Service is reachable (required when CI is set)', () => {
    expect(reachable, 'CI must run these tests inside dbus-run-session with gnome-keyring unlocked').toBe(true);
  });

  it.skipIf(skip)(`stores, reads back and deletes a value${why}`, async () => {
    const value = 'key-🙂-' + randomUUID();
    expect(await store.get(service, 'acct-1')).toBeNull();
    await store.set(service, 'acct-1', value);
    expect(await store.get(service, 'acct-1')).toBe(value);
    await store.set(service, 'acct-1', value + '2');
    expect(await store.get(service, 'acct-1')).toBe(value + '2');
    expect(await store.delete(service, 'acct-1')).toBe(true);
    expect(await store.get(service, 'acct-1')).toBeNull();
    expect(await store.delete(service, 'acct-1')).toBe(false);
  });

  it.skipIf(skip)(`lists the accounts of one service only${why}`, async () => {
    await store.set(service, 'acct-a', 'a');
    await store.set(service, 'acct-b', 'b');
    await store.set(other, 'acct-c', 'c');
    expect((await store.accounts(service)).sort()).toEqual(['acct-a', 'acct-b']);
    expect(await store.accounts(other)).toEqual(['acct-c']);
  });

  it.skipIf(skip)(`a probe leaves nothing behind${why}`, async () => {
    expect(await store.probe()).toBe(true);
    expect(await store.accounts(probeService)).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('keyring SecretStore with no Secret Service reachable', () => {
  it('probes false, and every call rejects with KEYRING_UNAVAILABLE without echoing the value', () => {
    // A child process: the library keeps its D-Bus connection, so this cannot be faked in-process.
    const script = `
      import { createKeyringSecretStore } from './main/services/secret-store/index.ts';
      const store = createKeyringSecretStore({ timeoutMs: 3000 });
      const out = { probe: await store.probe() };
      for (const [name, call] of [['get', () => store.get('s', 'a')], ['set', () => store.set('s', 'a', 'VALUE-MUST-NOT-LEAK')], ['delete', () => store.delete('s', 'a')], ['accounts', () => store.accounts('s')]]) {
        try { await call(); out[name] = 'resolved'; } catch (e) { out[name] = { name: e.name, code: e.code, message: e.message }; }
      }
      console.log(JSON.stringify(out));`;
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/cws-bus' };
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
    });
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(out.probe).toBe(false);
    for (const name of ['get', 'set', 'delete', 'accounts']) {
      expect(out[name]).toMatchObject({
        name: 'ShellError',
        code: 'KEYRING_UNAVAILABLE',
        message: expect.stringMatching(/memory only/),
      });
    }
    expect(stdout).not.toContain('VALUE-MUST-NOT-LEAK');
  });
});
