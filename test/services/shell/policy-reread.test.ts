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
import { createShellService } from '../../../main/services/shell/shell-service';
import type { ShellService } from '../../../main/services/shell/shell-service';
import { ManualTime } from '../../../main/services/time';
import { FakeSignIn, clinician } from './fake-sign-in';

const MINUTE = 60_000;

let dir: string;
let time: ManualTime;
let fake: FakeSignIn;
let shell: ShellService;
let reads: number;
let nextRead: () => Promise<SessionPolicy>;

const flush = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  await shell.settled();
};

async function complete(subject: string): Promise<void> {
  fake.complete(clinician(subject, time.now().wall, { aal: 'AAL3' }));
  await flush();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-policy-reread-'));
  time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 9, 0), mono: 0 });
  fake = new FakeSignIn();
  reads = 0;
  nextRead = async () => resolvePolicy({}).policy;
  const vault = await createDraftVault({ dataDir: dir, secretStore: createMemorySecretStore(), now: () => time.now().wall });
  shell = createShellService({
    time,
    policy: resolvePolicy({}).policy,
    signIn: fake,
    vault,
    logger: createLogger({ level: 'silent' }),
    rereadPolicy: () => {
      reads += 1;
      return nextRead();
    },
  });
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
    shell.os.osLocked();
    await shell.backend.unlock();
    expect(reads).toBe(2);
    await complete('doctor');
    expect(shell.state().status).toBe('active');
    time.advance(5 * MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a policy that cannot be read leaves the one in force, and the clinician still gets back in', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    nextRead = async () => {
      throw new Error('reg.exe did not run');
    };
    shell.os.osLocked();
    await shell.backend.unlock();
    await complete('doctor');
    expect(shell.state().status).toBe('active');
    time.advance(14 * MINUTE);
    expect(shell.state().status).not.toBe('locked');
    time.advance(MINUTE + 1000);
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a cancelled unlock does not change the limits', async () => {
    await shell.backend.signIn();
    await complete('doctor');
    nextRead = async () => resolvePolicy({ idleLimitSeconds: { AAL3: 60 }, warningLeadSeconds: 0 }).policy;
    shell.os.osLocked();
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
});
