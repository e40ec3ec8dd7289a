/**
 * The renderer's requests at the service's back (main/services/session/backend.ts), one at a
 * time: what each answers when it is refused and when it is taken, that sign-out wipes the tokens
 * before anything else, and what a saved draft's answer carries. The real engine and draft vault
 * (memory key store, temp folder), the sign-in port faked; time is a ManualTime.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import { createDraftVault } from '../../../main/services/drafts';
import type { DraftVault } from '../../../main/services/drafts';
import { createLogger } from '../../../main/services/logger';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import { createSessionService } from '../../../main/services/session/session-service';
import type { SessionService } from '../../../main/services/session/session-service';
import { ManualTime } from '../../../main/services/time';
import { FakeSignIn, clinician } from './fake-sign-in';

const HOUR = 60 * 60_000;
const draft = (text: string) => ({ id: 'd1', patient: 'Jane Doe', text, updatedAt: 1 });

let dir: string;
let time: ManualTime;
let fake: FakeSignIn;
let vault: DraftVault;
let shell: SessionService;

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await shell.settled();
}

async function signIn(subject: string): Promise<void> {
  await shell.backend.signIn();
  fake.complete(clinician(subject, time.now().wall));
  await settle();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-backend-'));
  time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 7, 0), mono: 0 });
  fake = new FakeSignIn();
  vault = await createDraftVault({ dataDir: dir, secretStore: createMemorySecretStore(), now: () => time.now().wall });
  shell = createSessionService({
    time,
    policy: resolvePolicy({}).policy,
    signIn: fake,
    vault,
    logger: createLogger({ level: 'silent' }),
  });
});
afterEach(async () => {
  shell.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the session backend', () => {
  it('answers getView with the current view', async () => {
    expect(shell.backend.getView()).toEqual({ ok: true, value: shell.view() });
    await signIn('doctor');
    expect(shell.backend.getView()).toEqual({ ok: true, value: expect.objectContaining({ kind: 'active' }) });
  });

  it('refuses changeRole and renewSession while nobody is signed in, and takes each from an active session', async () => {
    expect(shell.backend.changeRole()).toEqual({ ok: false, code: 'not-active' });
    expect(shell.backend.renewSession()).toEqual({ ok: false, code: 'not-active' });
    await signIn('doctor');
    expect(shell.backend.changeRole()).toEqual({ ok: true, value: null });
    expect(fake.attempts).toHaveLength(2);
  });

  it('takes renewSession from an active session and starts a sign-in for the same clinician', async () => {
    await signIn('doctor');
    expect(shell.backend.renewSession()).toEqual({ ok: true, value: null });
    expect(fake.attempts).toHaveLength(2);
  });

  it('wipes the tokens the moment sign-out is asked, before the request is even decided', async () => {
    await signIn('doctor');
    const wipesBefore = fake.wipes;
    const answer = shell.backend.signOut();
    expect(fake.wipes).toBeGreaterThan(wipesBefore);
    expect(fake.tokens.hasSession()).toBe(false);
    await answer;
  });

  it('wipes the tokens when sign-out is asked even with nobody signed in to sign out', async () => {
    const wipesBefore = fake.wipes;
    await shell.backend.signOut();
    expect(fake.wipes).toBeGreaterThan(wipesBefore);
  });

  it('answers a saved draft with the moment it was saved', async () => {
    await signIn('doctor');
    time.advance(1234);
    expect(await shell.backend.saveDraft(draft('note'))).toEqual({ ok: true, value: { savedAt: time.now().wall } });
  });

  it('refuses a draft the vault refuses, with the contract’s code for it', async () => {
    await signIn('doctor');
    expect(await shell.backend.saveDraft({ ...draft('note'), id: '' })).toEqual({ ok: false, code: 'draft-invalid' });
  });

  it('seals the last keystrokes after sign-out at once, so they expire with retention like the rest', async () => {
    await signIn('doctor');
    await shell.backend.signOut();
    time.advance(300);
    expect(await shell.backend.saveDraft(draft('last keystrokes'))).toMatchObject({ ok: true });
    await settle();
    time.advance(12 * HOUR);
    await vault.sweepExpired();
    expect(await vault.load('doctor')).toEqual([]);
  });

  it('logs a failed seal of the last keystrokes as a failed step named for it, with nothing of the note in the line', async () => {
    const lines: Record<string, unknown>[] = [];
    shell.dispose();
    shell = createSessionService({
      time,
      policy: resolvePolicy({}).policy,
      signIn: fake,
      vault,
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
    });
    await signIn('doctor');
    await shell.backend.signOut();
    vault.seal = () => Promise.reject(new Error('disk gone'));
    expect(await shell.backend.saveDraft(draft('Obs stable, BP 120/80'))).toMatchObject({ ok: true });
    await settle();
    const failed = lines.filter((l) => l['what'] === 'seal the last keystrokes');
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('BP 120/80');
  });

  it('does not seal the drafts of a session still active when it saves: they stay in custody past retention', async () => {
    await signIn('doctor');
    expect(await shell.backend.saveDraft(draft('in custody'))).toMatchObject({ ok: true });
    await settle();
    time.advance(12 * HOUR);
    await vault.sweepExpired();
    expect(await vault.load('doctor')).toEqual([draft('in custody')]);
  });
});
