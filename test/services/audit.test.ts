/**
 * The audit catalogue: stable names, a category for every failure code, and the events the shell
 * service records at each step a clinician takes (real engine, real vault, faked sign-in port).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellError } from '../../main/core/errors';
import { resolvePolicy } from '../../main/core/policy';
import { endReasons, lockReasons } from '../../main/core/session';
import { auditCategoryOf, auditEvents, createAudit } from '../../main/services/audit';
import { createDraftVault } from '../../main/services/drafts';
import { createLogger } from '../../main/services/logger';
import { toShellError } from '../../main/services/oidc';
import { resolveMachinePolicy } from '../../main/services/policy/machine-policy';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { createSessionService } from '../../main/services/session/session-service';
import type { SessionService } from '../../main/services/session/session-service';
import { ManualTime } from '../../main/services/time';
import { FakeSignIn, clinician } from './session/fake-sign-in';

type Entry = Record<string, unknown>;

function capture() {
  const entries: Entry[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      entries.push(JSON.parse(chunk.toString()) as Entry);
      done();
    },
  });
  const logger = createLogger({ destination, level: 'info' });
  return { entries, logger, audit: createAudit(logger), events: () => entries.map((e) => e['event']) };
}

describe('a relay for another environment', () => {
  it('is an error line naming RelayUrl, Issuer and ClientId, with the refusal and that the shell stopped using it', () => {
    const { entries, audit } = capture();
    audit.relay({ kind: 'refused', reason: 'wrong-issuer', stopped: true });
    expect(entries).toEqual([
      expect.objectContaining({
        level: 50,
        audit: true,
        event: auditEvents.relayRefused,
        outcome: 'failure',
        code: 'CONFIG_INVALID',
        category: 'config',
        reason: 'wrong-issuer',
        stopped: true,
      }),
    ]);
    expect(entries[0]?.['msg']).toMatch(/RelayUrl.*Issuer, ClientId.*until it restarts/);
  });
});

describe('the audit catalogue', () => {
  it('names every event once, in a form monitoring rules can match', () => {
    const names = Object.values(auditEvents);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(?:-[a-z]+)*(?:\.[a-z]+(?:-[a-z]+)*)?$/);
  });

  it('is described in full in docs/audit-log.md, which IT monitors from', async () => {
    const doc = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'audit-log.md'), 'utf8');
    for (const event of Object.values(auditEvents)) expect(doc, event).toContain(`| \`${event}\` |`);
    for (const [code, category] of Object.entries(auditCategoryOf)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${category}\` |`)) ?? '';
      expect(row.includes(`\`${code}\``) || (category === 'logout' && code.startsWith('LOGOUT_TOKEN_')), code).toBe(
        true,
      );
    }
  });

  it('names every lock reason and end reason the engine has in the session.locked and session.ended rows', async () => {
    const doc = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'audit-log.md'), 'utf8');
    const row = (event: string) => doc.split('\n').find((line) => line.startsWith(`| \`${event}\` |`)) ?? '';
    for (const reason of lockReasons) expect(row('session.locked'), reason).toContain(`\`${reason}\``);
    for (const reason of endReasons) expect(row('session.ended'), reason).toContain(`\`${reason}\``);
  });

  it('tells login, refresh and downstream failures apart by code', () => {
    expect(auditCategoryOf.SIGNIN_ACCESS_DENIED).toBe('login');
    expect(auditCategoryOf.SIGNIN_AUTH_TIME_STALE).toBe('login');
    expect(auditCategoryOf.SIGNIN_CANCELLED).toBe('login');
    expect(auditCategoryOf.TOKEN_REFRESH_FAILED).toBe('refresh');
    for (const code of [
      'SIGNIN_NETWORK',
      'SIGNIN_DISCOVERY_FAILED',
      'TOKEN_REVOCATION_FAILED',
      'KEYRING_UNAVAILABLE',
      'STORAGE_FAILED',
    ] as const) {
      expect(auditCategoryOf[code]).toBe('downstream');
    }
    expect(auditCategoryOf.LOGOUT_TOKEN_SIGNATURE_INVALID).toBe('logout');
    expect(auditCategoryOf.LOGOUT_TOKEN_KEYS_UNAVAILABLE).toBe('downstream');
  });

  it('writes a failure with its code, category and what failed underneath, never the detail', () => {
    const { entries, audit } = capture();
    const refused = Object.assign(new Error('invalid_grant'), {
      code: 'OAUTH_RESPONSE_BODY_ERROR',
      error: 'invalid_grant',
      cause: { refresh_token: 'rt-should-never-appear-0123456789' },
    });
    audit.refreshOutcome(
      {
        kind: 'refused',
        refusal: 'invalid-grant',
        error: new ShellError(
          'TOKEN_REFRESH_FAILED',
          'Your sign-in could not be renewed with CIS2; sign in again to carry on.',
          { cause: refused },
        ),
      },
      'subject-1',
    );
    const offline = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    audit.signInFailed(toShellError(offline), { reauth: false });
    expect(entries[0]).toMatchObject({
      event: 'token.refresh-failed',
      outcome: 'failure',
      code: 'TOKEN_REFRESH_FAILED',
      category: 'refresh',
      cause: 'OAUTH_RESPONSE_BODY_ERROR',
      oauthError: 'invalid_grant',
      subject: 'subject-1',
      level: 40,
    });
    expect(entries[1]).toMatchObject({
      event: 'signin.failed',
      code: 'SIGNIN_NETWORK',
      category: 'downstream',
      cause: 'ECONNREFUSED',
      audit: true,
    });
    expect(JSON.stringify(entries)).not.toContain('rt-should-never-appear');
  });

  it('records policy.loaded from a real policy read: sources, clamps, names of ignored settings, never their values', () => {
    const { entries, audit } = capture();
    const source = '/etc/clinical-workstation-shell/policy.json';
    const policy = resolveMachinePolicy(
      [
        {
          source,
          status: 'read',
          problems: [],
          values: { IdleLimitAAL3Seconds: 3600, Kiosk: 'Password123-typed-into-kiosk', Kisok: true },
        },
      ],
      { platform: 'linux', env: {}, packaged: true },
    );
    audit.policyLoaded({ sources: [source], clamps: policy.clamps, problems: policy.problems });
    expect(entries[0]).toMatchObject({
      event: 'policy.loaded',
      level: 40,
      clampCount: 1,
      problemCount: 2,
      clamps: [{ field: 'IdleLimitAAL3Seconds', requested: 3600, applied: 900 }],
      problems: [
        { setting: 'Kiosk', source },
        { setting: 'Kisok', source },
      ],
    });
    expect(JSON.stringify(entries)).not.toContain('Password123');
  });

  it('records a clean policy.loaded at info, so LogLevel warn shows only policies that need attention', () => {
    const { entries, audit } = capture();
    audit.policyLoaded({ sources: [], clamps: [], problems: [] });
    expect(entries[0]).toMatchObject({ event: 'policy.loaded', level: 30, clampCount: 0, problemCount: 0 });
  });
});

describe('what the shell service records', () => {
  let dir: string;
  let time: ManualTime;
  let fake: FakeSignIn;
  let shell: SessionService;
  let log: ReturnType<typeof capture>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cws-audit-shell-'));
    time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 7, 0), mono: 0 });
    fake = new FakeSignIn();
    log = capture();
    const vault = await createDraftVault({
      dataDir: dir,
      secretStore: createMemorySecretStore(),
      now: () => time.now().wall,
    });
    shell = createSessionService({ time, policy: resolvePolicy({}).policy, signIn: fake, vault, logger: log.logger });
  });
  afterEach(async () => {
    shell.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const settle = async (): Promise<void> => {
    await new Promise((r) => setTimeout(r, 0));
    await shell.settled();
  };
  const signIn = async (subject: string): Promise<void> => {
    shell.backend.signIn();
    fake.complete(clinician(subject, time.now().wall));
    await settle();
  };
  const find = (event: string): Entry | undefined => log.entries.find((e) => e['event'] === event);

  it('records a cancelled sign-in as a login failure', async () => {
    shell.backend.signIn();
    shell.backend.cancelSignIn();
    expect(find('signin.failed')).toMatchObject({ code: 'SIGNIN_CANCELLED', category: 'login', outcome: 'failure' });
  });

  it('records a refused unlock against the locked clinician, and a refresh failure with whose session it was', async () => {
    await signIn('doctor');
    fake.failRefresh();
    expect(find('token.refresh-failed')).toMatchObject({
      code: 'TOKEN_REFRESH_FAILED',
      category: 'refresh',
      subject: 'doctor',
    });
    expect(find('session.locked')).toMatchObject({ reason: 'refresh-refused', subject: 'doctor' });
    shell.backend.unlock();
    fake.fail('SIGNIN_ACCESS_DENIED', 'CIS2 did not allow this sign-in.');
    await settle();
    expect(find('reauth.failed')).toMatchObject({
      code: 'SIGNIN_ACCESS_DENIED',
      category: 'login',
      subject: 'doctor',
      msg: 'CIS2 did not allow this sign-in.',
    });
    expect(find('session.unlocked')).toBeUndefined();
  });

  it('records a hand-over at the lock screen as the end of one session and the start of another', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft({ id: 'd1', patient: 'P', text: 'not for the log', updatedAt: 1 });
    shell.os.signal('lock-screen');
    shell.backend.unlock();
    fake.complete(clinician('nurse', time.now().wall), 'different-user');
    await settle();
    expect(log.events()).toEqual(
      expect.arrayContaining(['session.locked', 'session.ended', 'drafts.sealed', 'signin.succeeded']),
    );
    expect(find('session.locked')).toMatchObject({ reason: 'os-lock', subject: 'doctor' });
    expect(find('session.ended')).toMatchObject({ reason: 'different-user', subject: 'doctor' });
    expect(find('drafts.sealed')).toMatchObject({ subject: 'doctor', count: 1 });
    expect(log.entries.filter((e) => e['event'] === 'signin.succeeded').map((e) => e['subject'])).toEqual([
      'doctor',
      'nurse',
    ]);
    expect(find('session.unlocked')).toBeUndefined();
    expect(JSON.stringify(log.entries)).not.toContain('not for the log');
  });
});
