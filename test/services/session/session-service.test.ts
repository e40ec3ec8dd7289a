/**
 * The shell service against the real engine and the real draft vault (memory key store,
 * temp folder), with our own SignInService port faked so each outcome arrives when the
 * test says. Time is a ManualTime.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import { createDraftVault } from '../../../main/services/drafts';
import type { DraftVault } from '../../../main/services/drafts';
import { createLogger } from '../../../main/services/logger';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import { createSessionService } from '../../../main/services/session/session-service';
import type { SessionService, SessionServiceDeps } from '../../../main/services/session/session-service';
import { ManualTime } from '../../../main/services/time';
import { FakeSignIn, clinician } from './fake-sign-in';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const draft = (text: string) => ({ id: 'd1', patient: 'Jane Doe', text, updatedAt: 1 });

let dir: string;
let time: ManualTime;
let fake: FakeSignIn;
let vault: DraftVault;
let shell: SessionService;

async function build(extra: Partial<SessionServiceDeps> = {}): Promise<void> {
  vault = await createDraftVault({ dataDir: dir, secretStore: createMemorySecretStore(), now: () => time.now().wall });
  shell = createSessionService({
    time,
    policy: resolvePolicy({}).policy,
    signIn: fake,
    vault,
    logger: createLogger({ level: 'silent' }),
    ...extra,
  });
}

async function signIn(subject: string, overrides = {}): Promise<void> {
  await shell.backend.signIn();
  fake.complete(clinician(subject, time.now().wall, overrides));
  await flush();
}

/** Lets the sign-in outcome and every draft step it started finish. */
async function flush(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await shell.settled();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-shell-'));
  time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 7, 0), mono: 0 });
  fake = new FakeSignIn();
  await build();
});
afterEach(async () => {
  shell.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('shell service', () => {
  it('refuses drafts when nobody is signed in, and once the last keystrokes of an ended session are past', async () => {
    expect(await shell.backend.saveDraft(draft('nobody'))).toEqual({ ok: false, code: 'not-active' });
    await signIn('doctor');
    await shell.backend.signOut();
    time.advance(5_001);
    expect(await shell.backend.saveDraft(draft('too late'))).toEqual({ ok: false, code: 'not-active' });
    expect(await shell.backend.loadDrafts()).toEqual({ ok: false, code: 'not-active' });
    await flush();
    expect(await vault.load('doctor')).toEqual([]);
  });

  it.each([
    ['signs out', async () => void (await shell.backend.signOut())],
    ['is signed out by CIS2 (a logout token)', async () => shell.backchannelLogout({ subject: 'doctor' })],
    ['is ended by shutdown', async () => shell.os.shutdown()],
    ['signs in as someone else', async () => void (await shell.backend.signInAsSomeoneElse())],
  ])('keeps the last keystrokes that arrive just after the clinician %s, sealed for them alone', async (_what, end) => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('Obs stable, BP 120/80'));
    await end();
    time.advance(300);
    // The renderer's final save, sent as it drops the editor.
    expect(await shell.backend.saveDraft(draft('Obs stable, BP 120/80, review at 14:00'))).toMatchObject({ ok: true });
    await flush();
    expect(await vault.load('doctor')).toEqual([draft('Obs stable, BP 120/80, review at 14:00')]);
    expect(shell.view()).not.toHaveProperty('clinician');
    // The next clinician never sees it.
    if (shell.state().status !== 'signing-in') await shell.backend.signIn();
    fake.complete(clinician('nurse', time.now().wall));
    await flush();
    expect(await shell.backend.loadDrafts()).toEqual({ ok: true, value: { drafts: [] } });
  });

  it('signs in, shows the clinician, and keeps their draft', async () => {
    await signIn('doctor');
    const view = shell.view();
    expect(view.kind).toBe('active');
    expect(view.kind === 'active' && view.clinician.name).toBe('Clinician doctor');
    expect(await shell.backend.saveDraft(draft('note'))).toMatchObject({ ok: true });
    expect(await shell.backend.loadDrafts()).toEqual({ ok: true, value: { drafts: [draft('note')] } });
  });

  it('refuses drafts to a locked session and gives them back on unlock by the same clinician', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('kept'));
    shell.os.signal('lock-screen');
    expect(await shell.backend.loadDrafts()).toEqual({ ok: false, code: 'not-active' });
    // The last keystrokes sent as the editor closes still reach the owner's custody.
    expect(await shell.backend.saveDraft(draft('kept'))).toMatchObject({ ok: true });
    await shell.backend.unlock();
    expect(fake.attempts.at(-1)?.options).toEqual({ reauthenticateSubject: 'doctor' });
    fake.complete(clinician('doctor', time.now().wall));
    await flush();
    expect(await shell.backend.loadDrafts()).toEqual({ ok: true, value: { drafts: [draft('kept')] } });
  });

  it('a load waiting on the restore is refused if the session locked meanwhile (the owner is checked again after it)', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('behind the lock'));
    shell.os.signal('lock-screen');
    await flush();
    // The unlock's restore is held, as a slow credential store would hold it.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const restore = vault.restore.bind(vault);
    vault.restore = async (subject) => {
      await held;
      return restore(subject);
    };
    await shell.backend.unlock();
    fake.complete(clinician('doctor', time.now().wall));
    await new Promise((r) => setTimeout(r, 0));
    expect(shell.view().kind).toBe('active');
    const loading = shell.backend.loadDrafts();
    // The screen locks again while the load waits for the restore to finish.
    shell.os.signal('lock-screen');
    expect(shell.view().kind).toBe('locked');
    release();
    expect(await loading).toEqual({ ok: false, code: 'not-active' });
    await flush();
  });

  it('a hand-over at the lock screen seals the first clinician drafts and keeps the newcomer tokens', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('doctor only'));
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    const wipesBefore = fake.wipes;
    fake.complete(clinician('nurse', time.now().wall), 'different-user');
    await flush();
    await shell.settled();
    expect(shell.state()).toMatchObject({ status: 'active', session: { subject: 'nurse' } });
    expect(fake.wipes).toBe(wipesBefore);
    expect(fake.held).toBe(true);
    expect(await shell.backend.loadDrafts()).toEqual({ ok: true, value: { drafts: [] } });
    expect(await vault.load('doctor')).toEqual([draft('doctor only')]);
  });

  it('ignores the late outcome of a sign-in the clinician cancelled, and drops its tokens', async () => {
    await shell.backend.signIn();
    // The browser finished just as Cancel was pressed: the outcome is decided, not yet heard.
    fake.complete(clinician('doctor', time.now().wall), 'signed-in', 0);
    const cancelled = shell.backend.cancelSignIn();
    expect(shell.state().status).toBe('signed-out');
    await cancelled;
    await flush();
    expect(fake.held).toBe(false);
    expect(shell.state().status).toBe('signed-out');
    expect(shell.view().kind).toBe('signed-out');
  });

  it.each([
    ['the machine shuts down', (s: SessionService) => s.os.shutdown()],
    ['the clinician signs out', (s: SessionService) => s.backend.signOut()],
  ])('abandons a sign-in in the browser when %s, and its late outcome signs nobody in', async (_when, act) => {
    await shell.backend.signIn();
    const cancels = fake.cancels;
    // The browser finished just as the machine shut down or the clinician signed out.
    fake.complete(clinician('doctor', time.now().wall), 'signed-in', 0);
    await act(shell);
    expect(fake.cancels).toBe(cancels + 1);
    await flush();
    expect(shell.state().status).toBe('signed-out');
    expect(shell.view().kind).toBe('signed-out');
  });

  it('"Sign in as someone else" during an unlock abandons it, ends the session and opens a new sign-in', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('doctor only'));
    await shell.backend.lock();
    await shell.backend.unlock();
    expect(fake.attempts.at(-1)?.options).toEqual({ reauthenticateSubject: 'doctor' });
    const unlockAttempt = fake.attempts.length - 1;
    // The unlock finished in the browser just as "Sign in as someone else" was pressed: its
    // outcome arrives after, and changes nothing.
    fake.complete(clinician('doctor', time.now().wall), 'signed-in', unlockAttempt);
    await shell.backend.signInAsSomeoneElse();
    expect(shell.state().status).toBe('signing-in');
    expect(fake.attempts).toHaveLength(unlockAttempt + 2);
    expect(fake.attempts.at(-1)?.options).toEqual({});
    await flush();
    expect(shell.state().status).toBe('signing-in');
    fake.complete(clinician('nurse', time.now().wall));
    await flush();
    expect(shell.state()).toMatchObject({ status: 'active', session: { subject: 'nurse' } });
    expect(await shell.backend.loadDrafts()).toEqual({ ok: true, value: { drafts: [] } });
    expect(await vault.load('doctor')).toEqual([draft('doctor only')]);
  });

  it("refuses each request in the states core says, with the contract's codes", async () => {
    expect(await shell.backend.unlock()).toEqual({ ok: false, code: 'wrong-state' });
    expect(await shell.backend.lock()).toEqual({ ok: false, code: 'not-active' });
    expect(await shell.backend.stillHere()).toEqual({ ok: false, code: 'not-active' });
    await signIn('doctor');
    expect(await shell.backend.signIn()).toEqual({ ok: false, code: 'wrong-state' });
    expect(await shell.backend.unlock()).toEqual({ ok: false, code: 'wrong-state' });
    expect(await shell.backend.stillHere()).toEqual({ ok: true, value: null });
  });

  it('"Try again" while waiting replaces the attempt; only the newest outcome counts', async () => {
    await shell.backend.signIn();
    // The first attempt's outcome is decided just as "Try again" starts the second.
    fake.complete(clinician('old', time.now().wall), 'signed-in', 0);
    await shell.backend.signIn();
    expect(fake.attempts).toHaveLength(2);
    await flush();
    expect(shell.state().status).toBe('signing-in');
    fake.complete(clinician('new', time.now().wall), 'signed-in', 1);
    await flush();
    expect(shell.state()).toMatchObject({ status: 'active', session: { subject: 'new' } });
  });

  it('tells the clinician why a sign-in failed, in the view', async () => {
    await shell.backend.signIn();
    fake.fail('SIGNIN_ACCESS_DENIED', 'You cancelled sign-in in the browser. Select Sign in to try again.');
    await flush();
    expect(shell.view()).toEqual({
      kind: 'signed-out',
      notice: {
        code: 'SIGNIN_ACCESS_DENIED',
        message: 'You cancelled sign-in in the browser. Select Sign in to try again.',
      },
      workstation: { organisation: null },
    });
  });

  it('locks on request only while working, and the same clinician unlocks', async () => {
    expect(await shell.backend.lock()).toEqual({ ok: false, code: 'not-active' });
    await signIn('doctor');
    expect(await shell.backend.lock()).toEqual({ ok: true, value: null });
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'manual' });
    expect(await shell.backend.lock()).toEqual({ ok: false, code: 'not-active' });
  });

  it('a refresh CIS2 refuses locks for re-authentication and keeps the draft', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('not lost'));
    fake.failRefresh();
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'refresh-refused' });
    expect(await vault.load('doctor')).toEqual([draft('not lost')]);
  });

  it('an unanswered refresh keeps the session working, says so in the view, and clears when CIS2 answers', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('typed offline'));
    fake.refreshUnanswered(1);
    fake.refreshUnanswered(2, 'tls');
    expect(shell.state()).toMatchObject({ status: 'active' });
    expect(shell.view()).toMatchObject({ kind: 'active', cis2Unreachable: true });
    expect((await shell.backend.saveDraft(draft('typed offline, still'))).ok).toBe(true);
    fake.refreshRecovered(40_000, 2);
    expect(shell.view()).toMatchObject({ kind: 'active', cis2Unreachable: false });
    expect(await vault.load('doctor')).toEqual([draft('typed offline, still')]);
  });

  it('asks for the token once a minute, and at every beat while a retry after an unanswered refresh is due', async () => {
    await signIn('doctor');
    const before = fake.tokenRequests;
    time.advance(30_000);
    expect(fake.tokenRequests).toBe(before);
    time.advance(30_000);
    expect(fake.tokenRequests).toBe(before + 1);
    fake.retryIsDue = true;
    time.advance(3_000);
    expect(fake.tokenRequests).toBe(before + 4);
    fake.retryIsDue = false;
    time.advance(3_000);
    expect(fake.tokenRequests).toBe(before + 4);
  });

  it('locks on an OS idle sample past the limit, but ignores OS idle where it cannot be trusted', async () => {
    await signIn('doctor');
    shell.os.idleSample(15 * 60);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });

    shell.dispose();
    fake = new FakeSignIn();
    await build({ capabilities: { osIdle: 'unreliable', lockSignal: false } });
    await signIn('doctor');
    shell.os.idleSample(15 * 60);
    expect(shell.state().status).toBe('active');
    // ...and in-app inactivity alone still locks on time.
    time.advance(15 * MINUTE);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('counts the 12 hours from the authentication by the clock that checked it', async () => {
    // The sign-in clock runs an hour ahead of the session clock (as real time does of a
    // harness's virtual clock); the authentication was 5 minutes old by that clock.
    const signInNow = time.now().wall + HOUR;
    shell.dispose();
    await build({ signInClock: () => signInNow });
    await shell.backend.signIn();
    fake.complete(clinician('doctor', signInNow - 5 * MINUTE));
    await flush();
    for (let t = 0; t < 12 * HOUR - 6 * MINUTE; t += 10 * MINUTE) {
      shell.backend.reportActivity();
      time.advance(Math.min(10 * MINUTE, 12 * HOUR - 6 * MINUTE - t));
    }
    expect(shell.state().status).toBe('active');
    shell.backend.reportActivity();
    time.advance(2 * MINUTE);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'absolute-limit' });
  });

  it('re-sends the countdown every second during the warning', async () => {
    await signIn('doctor');
    const seen: number[] = [];
    shell.backend.subscribe((v) => {
      if (v.kind === 'warning') seen.push(v.secondsLeft);
    });
    time.advance(14 * MINUTE + 55_000);
    // One view a second, counting down without gaps from the warning's start.
    expect(seen).toEqual(Array.from({ length: 56 }, (_, i) => 60 - i));
    time.advance(5_000);
    expect(shell.view()).toMatchObject({ kind: 'locked', reason: 'idle' });
  });

  it('shutdown ends the session and its drafts are sealed for the owner', async () => {
    await signIn('doctor');
    await shell.backend.saveDraft(draft('before shutdown'));
    await shell.os.shutdown();
    expect(shell.state()).toEqual({ status: 'ended', reason: 'shutdown' });
    expect(fake.held).toBe(false);
    expect(await vault.load('doctor')).toEqual([draft('before shutdown')]);
  });

  it('a sleep the OS never reports still locks within a second of waking', async () => {
    await signIn('doctor');
    // Two hours asleep: the wall clock moves, the monotonic clock and every timer stand still,
    // and no suspend or resume arrives.
    time.sleep(2 * HOUR);
    expect(shell.state().status).toBe('active');
    time.advance(1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
    expect(shell.view().kind).toBe('locked');
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])(
    'an OS idle sample of %s locks the session rather than freezing it',
    async (seconds) => {
      await signIn('doctor');
      shell.os.idleSample(seconds);
      expect(shell.state()).toMatchObject({ status: 'locked', reason: 'fault' });
      // And the session goes on: the clinician unlocks and works.
      await shell.backend.unlock();
      fake.complete(clinician('doctor', time.now().wall));
      await flush();
      expect(shell.state().status).toBe('active');
    },
  );
});
