/**
 * The audit log records the assurance a sign-in reached, truthfully (issue 22): through the real
 * services against the CIS2 sandbox, `assurance` on signin.succeeded, reauth.succeeded and
 * session.renewed is what the sign-in proved (a password alone is AAL1, a missing acr 'unknown'),
 * while `aal` stays the idle-limit class; a sign-in below the minimum is refused with its message
 * on signin.failed, category login, and what it reached as a fixed cause code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acrValuesFor } from '../../main/core/assurance-minimum';
import type { MinimumAssurance } from '../../main/core/assurance-level';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { ScriptedBrowser, sandboxSettings } from './oidc/fixtures';

let sandbox: Sandbox;
let root: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  root = await mkdtemp(join(tmpdir(), 'cws-assurance-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

interface Shift {
  readonly services: AppServices;
  readonly lines: Record<string, unknown>[];
  /** Who signs in at the next browser page. */
  as(clinician: string): void;
  audit(event: string): Record<string, unknown>[];
}

let open: AppServices[] = [];
afterEach(async () => {
  sandbox.misbehave(null);
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

/** The app's services with a minimum (null: none, as the development harness runs) and every line captured. */
async function shift(minimum: MinimumAssurance | null): Promise<Shift> {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let clinician = 'dr-okafor';
  const browser = new ScriptedBrowser((url) => sandbox.loginAs(url, clinician));
  const services = await createAppServices({
    oidc: sandboxSettings(
      sandbox,
      minimum === null ? {} : { minimumAssurance: minimum, acrValues: acrValuesFor[minimum] },
    ),
    policy: resolvePolicy({}).policy,
    browser,
    time: new ManualTime({ wall: Date.now(), mono: 0 }),
    logger,
    secretStore: createMemorySecretStore(),
    draftsDir: join(root, `drafts-${Math.random()}`),
    signInClock: Date.now,
  });
  open.push(services);
  return {
    services,
    lines,
    as: (who) => void (clinician = who),
    audit: (event) => lines.filter((l) => l['audit'] === true && l['event'] === event),
  };
}

async function signIn(s: Shift, clinician: string): Promise<void> {
  s.as(clinician);
  const before = s.lines.length;
  s.services.session.backend.signIn();
  await until('the sign-in to settle', () =>
    s.lines.slice(before).some((l) => l['event'] === 'signin.succeeded' || l['event'] === 'signin.failed'),
  );
}

describe('the audit records the assurance reached, never more', () => {
  it('a password-only sign-in, with no minimum, is recorded as AAL1 under the strict idle class', async () => {
    const s = await shift(null);
    await signIn(s, 'locum-reid');
    expect(s.audit('signin.succeeded')).toEqual([
      expect.objectContaining({ subject: '555000000004', aal: 'AAL3', assurance: 'AAL1' }),
    ]);
  });

  it('a sign-in whose acr CIS2 did not send is recorded as unknown', async () => {
    const s = await shift(null);
    sandbox.misbehave('acr-missing');
    await signIn(s, 'dr-okafor');
    expect(s.audit('signin.succeeded')).toEqual([expect.objectContaining({ aal: 'AAL3', assurance: 'unknown' })]);
  });

  it('smartcard and passkey sign-ins are recorded as what they reached, and an unlock as its own', async () => {
    const s = await shift('AAL2');
    await signIn(s, 'nurse-hughes');
    expect(s.audit('signin.succeeded')).toEqual([expect.objectContaining({ aal: 'AAL2', assurance: 'AAL2' })]);
    s.services.session.backend.lock();
    await until('the lock', () => s.services.session.view().kind === 'locked');
    s.services.session.backend.unlock();
    await until('the unlock', () => s.audit('reauth.succeeded').length > 0);
    expect(s.audit('reauth.succeeded')).toEqual([expect.objectContaining({ aal: 'AAL2', assurance: 'AAL2' })]);
    s.services.session.backend.signOut();
    await signIn(s, 'dr-okafor');
    expect(s.audit('signin.succeeded').at(-1)).toMatchObject({
      subject: '555000000001',
      aal: 'AAL3',
      assurance: 'AAL3',
    });
  });

  it('a renewal while working is recorded with its own assurance', async () => {
    const s = await shift('AAL3');
    await signIn(s, 'dr-okafor');
    s.services.session.backend.renewSession();
    await until('the renewal', () => s.audit('session.renewed').length > 0);
    expect(s.audit('session.renewed')).toEqual([
      expect.objectContaining({ aal: 'AAL3', assurance: 'AAL3', purpose: 'renew' }),
    ]);
  });
});

describe('a sign-in below the minimum, through the services', () => {
  it('AAL3: a passkey sign-in is refused with its message; the audit says login, AAL2 reached, and no session', async () => {
    const s = await shift('AAL3');
    await signIn(s, 'nurse-hughes');
    const view = s.services.session.view();
    expect(view.kind).not.toBe('active');
    const message =
      'This workstation needs a sign-in with a smartcard, security key or Windows Hello (very high confidence), so this sign-in was refused. Sign in again with one of those.';
    expect('notice' in view && view.notice).toEqual({ code: 'SIGNIN_ASSURANCE_TOO_LOW', message });
    expect(s.audit('signin.succeeded')).toEqual([]);
    expect(s.audit('signin.failed')).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        code: 'SIGNIN_ASSURANCE_TOO_LOW',
        category: 'login',
        cause: 'REACHED_AAL2',
        msg: message,
      }),
    ]);
    expect(s.services.signIn.tokens.hasSession()).toBe(false);
  });

  it('AAL3: an unlock that comes back below the request is refused and the session stays locked', async () => {
    const s = await shift('AAL3');
    await signIn(s, 'dr-okafor');
    s.services.session.backend.lock();
    await until('the lock', () => s.services.session.view().kind === 'locked');
    sandbox.misbehave('acr-below-request');
    s.services.session.backend.unlock();
    await until('the refused unlock', () => s.audit('reauth.failed').length > 0);
    expect(s.audit('reauth.failed')).toEqual([
      expect.objectContaining({ code: 'SIGNIN_ASSURANCE_TOO_LOW', category: 'login', subject: '555000000001' }),
    ]);
    expect(s.services.session.view().kind).toBe('locked');
    expect(s.audit('reauth.succeeded')).toEqual([]);
  });
});
