// The smartcard source against real PC/SC: its own pcscd with the vsmartcard virtual reader, the
// vicc virtual card, libpcsclite through koffi, and the real session service. The card goes in
// and out, pcscd stops and comes back, and the session locks as the rules say.
//
// One pcscd for the whole file: libpcsclite reads PCSCLITE_CSOCK_NAME once per process (vitest
// runs each file in its own process, pool 'forks').
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import { createDraftVault } from '../../../main/services/drafts';
import { createLogger } from '../../../main/services/logger';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import { createSessionService } from '../../../main/services/session/session-service';
import type { SessionService } from '../../../main/services/session/session-service';
import { createSmartcardSource } from '../../../main/services/presence/smartcard';
import type { SmartcardSource } from '../../../main/services/presence/smartcard';
import { systemTime } from '../../../main/services/time';
import { FakeSignIn, clinician } from '../session/fake-sign-in';
// The harness's virtual card: pcscd in mount and network namespaces of its own, so the virtual
// reader's TCP port is reachable from nowhere else.
import { startVirtualCard, virtualCardMissing } from '../../harness/virtual-card';
import type { VirtualCard } from '../../harness/virtual-card';
import { needs } from '../../support/needs';

const missing = virtualCardMissing();
// CI installs pcscd, vsmartcard and python3-pycryptodome (.ci/run): there, a missing piece fails.
const pcsc = needs(missing);

async function until(what: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out: ${why()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

pcsc.describe(pcsc.title('smartcard source on real PC/SC (pcscd + vpcd + vicc)'), () => {
  let card: VirtualCard;
  let dir: string;
  let shell: SessionService;
  let fake: FakeSignIn;
  let source: SmartcardSource | null = null;

  beforeAll(async () => {
    card = await startVirtualCard();
    // Before the first PC/SC call in this process: libpcsclite caches the name.
    process.env['PCSCLITE_CSOCK_NAME'] = card.socket;
    dir = await mkdtemp(join(tmpdir(), 'cws-smartcard-'));
  }, 30_000);
  afterAll(async () => {
    await card?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await source?.dispose();
    source = null;
    shell?.dispose();
    await card.removeCard();
  });

  async function startShell(): Promise<SmartcardSource> {
    fake = new FakeSignIn();
    const vault = await createDraftVault({
      dataDir: dir,
      secretStore: createMemorySecretStore(),
      now: () => Date.now(),
    });
    shell = createSessionService({
      time: systemTime(),
      policy: resolvePolicy({}).policy,
      signIn: fake,
      vault,
      logger: createLogger({ level: 'silent' }),
    });
    source = createSmartcardSource({ events: shell.os, lockOnRemoval: true, waitMs: 2_000 });
    await source.ready();
    return source;
  }
  async function signIn(): Promise<void> {
    await shell.backend.signIn();
    fake.complete(clinician('nurse', Date.now()));
    await until(
      () => shell.state().status === 'active',
      2_000,
      () => shell.state().status,
    );
  }
  const watching = (s: SmartcardSource, present: boolean) =>
    until(
      () => s.cardPresent() === present,
      10_000,
      () => `card ${String(s.cardPresent())}; ${card.log()}`,
    );

  it('sees the virtual card go in and come out, and the session locks with reason smartcard-removed', async () => {
    const s = await startShell();
    expect(s.status()).toMatchObject({ source: 'smartcard', state: 'live' });
    await watching(s, false);
    await card.insertCard();
    await watching(s, true);
    // A card going in does nothing to the session.
    expect(shell.state().status).toBe('signed-out');
    await signIn();
    const removedAt = Date.now();
    await card.removeCard();
    await until(
      () => shell.state().status === 'locked',
      5_000,
      () => card.log(),
    );
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'smartcard-removed' });
    expect(shell.view()).toMatchObject({ kind: 'locked', reason: 'smartcard-removed' });
    expect(Date.now() - removedAt).toBeLessThan(2_000);
    // Putting the card back in only tells the lock screen; the session stays locked.
    await card.insertCard();
    await watching(s, true);
    expect(shell.state().status).toBe('locked');
  }, 30_000);

  it('fails closed when pcscd stops with the card in, and recovers (live, card seen) when it comes back', async () => {
    const s = await startShell();
    await card.insertCard();
    await watching(s, true);
    await signIn();
    await card.stopService();
    await until(
      () => shell.state().status === 'locked',
      5_000,
      () => card.log(),
    );
    expect(shell.state()).toMatchObject({ status: 'locked', reason: 'smartcard-unavailable' });
    await until(
      () => s.status().state === 'unavailable',
      5_000,
      () => JSON.stringify(s.status()),
    );
    expect(s.status()).toMatchObject({ state: 'unavailable', reason: 'service-gone' });
    expect(s.cardPresent()).toBeNull();
    // vicc lost its reader with pcscd; a fresh card goes in once pcscd is back.
    await card.removeCard();
    await card.startService();
    await until(
      () => s.status().state === 'live',
      20_000,
      () => `${JSON.stringify(s.status())}; ${card.log()}`,
    );
    await card.insertCard();
    await watching(s, true);
    expect(shell.state().status).toBe('locked');
  }, 60_000);

  it('does not lock a session the card was not part of when pcscd restarts (no card was in)', async () => {
    const s = await startShell();
    // The last test's card may still be leaving (pcscd polls the virtual reader).
    await watching(s, false);
    await signIn();
    await card.stopService();
    await until(
      () => s.status().state === 'unavailable',
      5_000,
      () => JSON.stringify(s.status()),
    );
    expect(shell.state().status).toBe('active');
    await card.startService();
    await until(
      () => s.status().state === 'live',
      20_000,
      () => JSON.stringify(s.status()),
    );
    expect(shell.state().status).toBe('active');
  }, 60_000);
});
