/**
 * IT changes the machine policy while a clinician is working: the shell reads it again as an
 * unlock (or sign-in) begins and the new limits apply from the moment it succeeds. A read that
 * fails keeps the policy in force.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import type { SessionPolicy } from '../../../main/core/policy';
import { createDraftVault } from '../../../main/services/drafts';
import { createLogger } from '../../../main/services/logger';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import { createSessionService } from '../../../main/services/session/session-service';
import type { SessionService } from '../../../main/services/session/session-service';
import { ManualTime } from '../../../main/services/time';
import { FakeSignIn, clinician } from './fake-sign-in';

const MINUTE = 60_000;

let dir: string;
let time: ManualTime;
let fake: FakeSignIn;
let shell: SessionService;
let reads: number;
let nextRead: () => Promise<SessionPolicy | null>;

const flush = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  await shell.settled();
};

async function complete(subject: string): Promise<void> {
  fake.complete(clinician(subject, time.now().wall, { aal: 'AAL3' }));
  await flush();
}

async function build(policy: SessionPolicy): Promise<void> {
  const vault = await createDraftVault({
    dataDir: dir,
    secretStore: createMemorySecretStore(),
    now: () => time.now().wall,
  });
  shell = createSessionService({
    time,
    policy,
    signIn: fake,
    vault,
    logger: createLogger({ level: 'silent' }),
    rereadPolicy: () => {
      reads += 1;
      return nextRead();
    },
  });
}

/** IT's stricter limits: AAL3 idle 5 minutes. */
const strict = (): SessionPolicy =>
  resolvePolicy({ idleLimitSeconds: { AAL3: 5 * 60 }, warningLeadSeconds: 30 }).policy;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-policy-reread-'));
  time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 9, 0), mono: 0 });
  fake = new FakeSignIn();
  reads = 0;
  nextRead = async () => resolvePolicy({}).policy;
  await build(resolvePolicy({}).policy);
});
afterEach(async () => {
  shell.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('machine policy read again at unlock', () => {
  it('a shorter idle limit set during the session applies from the unlock on', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    // Default AAL3 limit: 15 minutes. IT now sets 5.
    nextRead = async () => resolvePolicy({ idleLimitSeconds: { AAL3: 5 * 60 }, warningLeadSeconds: 30 }).policy;
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    expect(reads).toBe(2);
    await complete('doctor');
    expect(shell.state().status).toBe('active');
    time.advance(5 * MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it.each([
    ['a read that fails', async (): Promise<SessionPolicy | null> => Promise.reject(new Error('reg.exe did not run'))],
    ['a read that says "keep" (null: a source could not be read)', async (): Promise<SessionPolicy | null> => null],
  ])('%s leaves the stricter policy in force, and the clinician still gets back in', async (_what, read) => {
    shell.dispose();
    await build(strict());
    nextRead = async () => strict();
    await shell.backend.signIn();
    await complete('doctor');
    nextRead = read;
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    expect(shell.state().status).toBe('active');
    time.advance(5 * MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a read that never finishes does not hold the unlock in the air', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    nextRead = () => new Promise<never>(() => undefined);
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    expect(shell.state()).toMatchObject({ status: 'active', session: { subject: 'doctor' } });
    expect(await shell.backend.loadDrafts()).toMatchObject({ ok: true });
  });

  it('a slow read still applies once it arrives after the unlock', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    let arrive: (policy: SessionPolicy) => void = () => undefined;
    nextRead = () => new Promise<SessionPolicy>((resolve) => (arrive = resolve));
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    time.advance(6 * MINUTE);
    expect(shell.state().status).toBe('active');
    arrive(strict());
    await flush();
    // Six minutes idle is past the new five-minute limit: it locks at once.
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a cancelled unlock does not change the limits', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    nextRead = async () => resolvePolicy({ idleLimitSeconds: { AAL3: 60 }, warningLeadSeconds: 0 }).policy;
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    fake.attempts.at(-1)?.settle({ kind: 'cancelled' });
    await flush();
    expect(shell.state().status).toBe('locked');
    nextRead = async () => resolvePolicy({}).policy;
    await shell.backend.unlock();
    await complete('doctor');
    time.advance(2 * MINUTE);
    expect(shell.state().status).toBe('active');
  });

  it('a looser policy read at an unlock waits for the next sign-in; a tighter one applies at once', async () => {
    shell.dispose();
    await build(strict());
    nextRead = async () => strict();
    await shell.backend.signIn();
    await complete('doctor');
    // IT (or a bad value read as the default) now allows the full 15 minutes.
    nextRead = async () => resolvePolicy({}).policy;
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    time.advance(5 * MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
    // A new sign-in takes the policy as read.
    await shell.backend.signOut();
    await shell.backend.signIn();
    await complete('nurse');
    time.advance(10 * MINUTE);
    expect(shell.state().status).toBe('active');
  });

  it('a policy the engine would refuse is not adopted: the limits stay and the session locks', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    const refused = { ...resolvePolicy({}).policy, idleLimitMs: { AAL2: 60 * MINUTE, AAL3: 60 * MINUTE } };
    nextRead = async () => refused;
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'fault' });
    // The session still works with the limits in force once the clinician unlocks.
    nextRead = async () => null;
    await shell.backend.unlock();
    await complete('doctor');
    expect(shell.state().status).toBe('active');
    time.advance(15 * MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a tighter policy that arrives during the warning counts down to the new lock', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    let arrive: (policy: SessionPolicy) => void = () => undefined;
    nextRead = () => new Promise<SessionPolicy>((resolve) => (arrive = resolve));
    shell.os.signal('lock-screen');
    await shell.backend.unlock();
    await complete('doctor');
    // 14 min 30 s idle: the default warning shows 30 s left.
    time.advance(14 * MINUTE + 30_000);
    expect(shell.view()).toMatchObject({ kind: 'warning', secondsLeft: 30 });
    // IT's limit is now 14 min 45 s: the lock is 15 s away, and the view says so.
    arrive(resolvePolicy({ idleLimitSeconds: { AAL3: 14 * 60 + 45 }, warningLeadSeconds: 60 }).policy);
    await flush();
    expect(shell.view()).toMatchObject({ kind: 'warning', secondsLeft: 15 });
    time.advance(14_999);
    expect(shell.state().status).toBe('warning');
    time.advance(1);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });
});
