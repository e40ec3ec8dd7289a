/**
 * The audit log leaks nothing: a full sign-in, a token refresh, an idle warning and lock, an
 * unlock and a sign-out run through the real services against the CIS2 sandbox, with the real
 * logger writing to a real rotated log folder. Every secret that run used is captured where it
 * travelled (the authorization URLs, the callbacks, the token endpoint exchange) and every log
 * file is searched for each one, and for the draft's text.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import { createFolderLogger } from '../../main/services/log-folder';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { followToCallback, startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { ScriptedBrowser, countingFetch, refreshRequests, sandboxSettings } from './oidc/fixtures';
import type { CountingFetch } from './oidc/fixtures';

const MINUTE = 60_000;
const DRAFT_TEXT = 'Patient reports distinctive purple-giraffe headache since Tuesday';
const PATIENT = 'Mrs Audit-Leakcheck';

let sandbox: Sandbox;
let root: string;
beforeAll(async () => {
  sandbox = await startSandbox({ accessTokenTtlSeconds: 300 });
  root = await mkdtemp(join(tmpdir(), 'cws-audit-'));
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

/** Every log file's text, and which of `secrets` appear in it (raw, or as JSON would escape them). */
async function leaksIn(folder: string, secrets: readonly string[]): Promise<{ text: string; found: string[] }> {
  const files = await readdir(folder);
  const text = (await Promise.all(files.map((f) => readFile(join(folder, f), 'utf8')))).join('\n');
  return { text, found: secrets.filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1))) };
}

/** A JWT, and its signature on its own: a log that kept only part of a token still leaked it. */
const withParts = (token: string): string[] =>
  token.split('.').length >= 3 ? [token, token.split('.').at(-1) ?? token] : [token];

describe('the audit log', () => {
  const secrets: string[] = [];
  let refreshToken = '';
  const callbacks: URL[] = [];
  let logs: string;
  let services: AppServices;

  it('records a whole shift of events and not one secret used in it', async () => {
    logs = join(root, 'logs');
    const folderLogger = await createFolderLogger({ folder: logs, level: 'debug' });
    const fetch = countingFetch();
    const browser = new ScriptedBrowser(async (url) => {
      const callback = await sandbox.completeLogin(url, 'dr-okafor');
      callbacks.push(callback);
      await followToCallback(callback);
    });
    // OIDC checks run on real time, as the sandbox does; the refresh schedule keeps the session's
    // clock, so a refresh is brought on by moving it.
    const time = new ManualTime({ wall: Date.now(), mono: 0 });
    services = await createAppServices({
      oidc: sandboxSettings(sandbox),
      policy: resolvePolicy({}).policy,
      browser,
      time,
      logger: folderLogger.logger,
      secretStore: createMemorySecretStore(),
      draftsDir: join(root, 'drafts'),
      signInClock: Date.now,
      fetch,
    });
    const { session: shell } = services;

    // Sign in, and write a note.
    shell.backend.signIn();
    await until('the sign-in', () => shell.view().kind === 'active');
    expect(await shell.backend.saveDraft({ id: 'd1', patient: PATIENT, text: DRAFT_TEXT, updatedAt: 1 })).toMatchObject(
      { ok: true },
    );

    // The access token nears expiry: the keep-alive refreshes it.
    time.advance(290_000);
    expect((await services.signIn.tokens.getAccessToken()).ok).toBe(true);
    expect(refreshRequests(fetch)).toBe(1);

    // Nobody touches the workstation: the warning, then the idle lock.
    time.advance(31 * MINUTE);
    expect(shell.view().kind).toBe('locked');

    // The same clinician unlocks, finds the note, and signs out.
    shell.backend.unlock();
    await until('the unlock', () => shell.view().kind === 'active');
    const loaded = await shell.backend.loadDrafts();
    expect(loaded.ok && loaded.value.drafts.map((d) => d.text)).toEqual([DRAFT_TEXT]);
    shell.backend.signOut();
    await services.close();
    await folderLogger.close();

    // What the run used, from where it travelled.
    for (const url of browser.opened)
      for (const p of ['state', 'nonce', 'code_challenge']) secrets.push(String(url.searchParams.get(p)));
    for (const url of callbacks) secrets.push(String(url.searchParams.get('code')));
    for (const { body } of fetch.requests) {
      const form = new URLSearchParams(body);
      for (const p of ['code_verifier', 'refresh_token', 'client_assertion'])
        if (form.has(p)) secrets.push(String(form.get(p)));
    }
    refreshToken = String(fetch.tokenResponses[0]?.['refresh_token']);
    for (const response of fetch.tokenResponses) {
      for (const p of ['access_token', 'refresh_token', 'id_token'])
        if (typeof response[p] === 'string') secrets.push(...withParts(response[p]));
    }
    secrets.push(DRAFT_TEXT, PATIENT);
    // Two sign-ins (state, nonce, challenge, code, verifier each) and three token responses at least.
    expect(browser.opened).toHaveLength(2);
    expect(fetch.tokenResponses.length).toBeGreaterThanOrEqual(3);
    expect(secrets.length).toBeGreaterThanOrEqual(2 * 5 + 3 * 3 + 2);
    for (const s of secrets) expect(s.length, 'a captured secret').toBeGreaterThanOrEqual(16);

    const { text, found } = await leaksIn(logs, secrets);
    expect(found).toEqual([]);

    // ...and the log is not empty: the events IT needs are there, in order, with who and why.
    const entries = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const audit = entries.filter((e) => e['audit'] === true).map((e) => e['event']);
    const expected = [
      'signin.succeeded',
      'drafts.restored',
      'token.refreshed',
      'idle.warning-shown',
      'session.locked',
      'reauth.succeeded',
      'session.unlocked',
      'drafts.restored',
      'signout',
      'session.ended',
      'drafts.sealed',
    ];
    // The keep-alive refreshes whenever the shift's clock passes the token's margin (one may land
    // just after the idle lock, having started while working): each in its place, at least one.
    const refreshes = audit.filter((e) => e === 'token.refreshed').length;
    expect(refreshes).toBeGreaterThanOrEqual(1);
    expect(audit.indexOf('token.refreshed')).toBeGreaterThan(audit.indexOf('signin.succeeded'));
    expect(audit.lastIndexOf('token.refreshed')).toBeLessThan(audit.indexOf('signout'));
    const order = expected.filter((e) => e !== 'token.refreshed');
    expect(audit.filter((e) => order.includes(String(e)))).toEqual(order);
    expect(entries.find((e) => e['event'] === 'drafts.restored' && e['count'] === 1)).toBeDefined();
    const subject = entries.find((e) => e['event'] === 'signin.succeeded')?.['subject'];
    expect(typeof subject).toBe('string');
    expect(entries.find((e) => e['event'] === 'session.locked')).toMatchObject({ reason: 'idle', subject });
    expect(entries.find((e) => e['event'] === 'drafts.sealed')).toMatchObject({ subject, count: 1 });
  });

  it('would have found a secret written without the scrub, so the search above can fail', async () => {
    expect(secrets.length).toBeGreaterThan(0);
    const rawFolder = join(root, 'raw');
    const raw = pino(pino.destination({ dest: join(rawFolder, 'audit.log'), mkdir: true, sync: true }));
    raw.info({ tokenResponse: { refresh_token: refreshToken }, note: DRAFT_TEXT }, `state was ${secrets[0] ?? ''}`);
    raw.flush();
    const { found } = await leaksIn(rawFolder, secrets);
    expect(found).toEqual(expect.arrayContaining([secrets[0], refreshToken, DRAFT_TEXT]));
  });

  it('records a failed sign-in and a failed refresh by code, and none of the secrets their error responses echoed', async () => {
    const folder = join(root, 'failure-logs');
    const folderLogger = await createFolderLogger({ folder, level: 'debug' });
    const wire = countingFetch();
    // CIS2 refuses the next grant of this type, with an error description that repeats what it was
    // sent: the worst case for a log that copies a provider's error.
    let refuseNext: 'authorization_code' | 'refresh_token' | null = 'authorization_code';
    const echoed: string[] = [];
    const fetch = (async (url: string, options: Parameters<CountingFetch>[1]) => {
      const form = new URLSearchParams(
        typeof options.body === 'string'
          ? options.body
          : options.body instanceof URLSearchParams
            ? options.body.toString()
            : '',
      );
      const grant = form.get('grant_type');
      if (url.endsWith('/token') && grant !== null && grant === refuseNext) {
        refuseNext = null;
        const sent = [form.get('code'), form.get('code_verifier'), form.get('refresh_token')].filter(
          (v): v is string => v !== null,
        );
        echoed.push(...sent);
        const body = { error: 'invalid_grant', error_description: `The grant ${sent.join(' / ')} is not valid.` };
        return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return wire(url, options);
    }) as CountingFetch;
    const browser = new ScriptedBrowser(async (url) => {
      await followToCallback(await sandbox.completeLogin(url, 'dr-okafor'));
    });
    const failingTime = new ManualTime({ wall: Date.now(), mono: 0 });
    const failing = await createAppServices({
      oidc: sandboxSettings(sandbox),
      policy: resolvePolicy({}).policy,
      browser,
      time: failingTime,
      logger: folderLogger.logger,
      secretStore: createMemorySecretStore(),
      draftsDir: join(root, 'failure-drafts'),
      signInClock: Date.now,
      fetch,
    });
    const { session: shell } = failing;

    shell.backend.signIn();
    await until('the refused sign-in', () => shell.view().kind === 'signed-out' || shell.view().kind === 'ended');
    refuseNext = 'refresh_token';
    shell.backend.signIn();
    await until('the second sign-in', () => shell.view().kind === 'active');
    // The keep-alive's refresh near expiry is the one refused.
    failingTime.advance(290_000);
    expect((await failing.signIn.tokens.getAccessToken()).ok).toBe(false);
    await until('the lock after the refused refresh', () => shell.view().kind === 'locked');
    await failing.close();
    await folderLogger.close();

    for (const url of browser.opened)
      for (const p of ['state', 'nonce', 'code_challenge']) echoed.push(String(url.searchParams.get(p)));
    expect(echoed.length).toBeGreaterThanOrEqual(3 + 2 * 3);
    for (const secret of echoed) expect(secret.length, 'a captured secret').toBeGreaterThanOrEqual(16);
    const { text, found } = await leaksIn(folder, echoed);
    expect(found).toEqual([]);

    const entries = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.find((e) => e['event'] === 'signin.failed')).toMatchObject({
      outcome: 'failure',
      category: 'login',
      code: expect.stringMatching(/^SIGNIN_/),
    });
    expect(entries.find((e) => e['event'] === 'token.refresh-failed')).toMatchObject({
      outcome: 'failure',
      category: 'refresh',
      oauthError: 'invalid_grant',
    });
    expect(entries.find((e) => e['event'] === 'session.locked')).toMatchObject({ reason: 'refresh-refused' });
  });
});
