/**
 * Runs in a fresh Node process (started by shift-memory.ts with --expose-gc): the
 * main-process services alone, signed in against a CIS2 sandbox that runs in another
 * process, through a simulated 12-hour shift on a manual clock. Prints one line,
 * `SHIFT_RESULT <json>`, for the parent to read.
 *
 * Usage (bundled by shift-memory.ts): node --expose-gc dist/bench/shift-memory-child.mjs <issuer> <client_id> [drafts|no-drafts]
 * (no-drafts: the same shift without the minute-by-minute saves, to show what the drafts cost).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices } from '../../main/services/compose';
import { createFolderLogger } from '../../main/services/log-folder';
import { keepYoungGenerationSmall } from '../../main/services/runtime/memory';
import { resolveOidcSettings } from '../../main/services/oidc';
import { readMachinePolicy } from '../../main/services/policy/machine-policy';
import type { SystemBrowser } from '../../main/services/oidc';
import { createKeyringSecretStore, createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { completeLogin, followToCallback } from '../../sandbox/drive';
import { SHIFT_RESULT_PREFIX } from './shift-memory-types';
import type { MemorySample, ShiftChildResult } from './shift-memory-types';

const clinician = 'dr-okafor';
const SHIFT_S = 12 * 60 * 60;
/** About a line of a note per minute: 720 saves end at ~72 000 characters, under the 100 000 limit. */
const lineOfNote =
  'Obs: HR 72, BP 124/78, SpO2 97% on air, RR 16, temp 36.8. Comfortable, eating and drinking well.\n'.slice(0, 100);

function sample(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Start this process with node --expose-gc, or memory figures would include garbage.');
  gc();
  gc();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapTotalBytes: m.heapTotal, heapUsedBytes: m.heapUsed, externalBytes: m.external };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`The shift simulation waited 15 s for ${what}.`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(issuer: string, clientId: string, saveDrafts: boolean): Promise<ShiftChildResult> {
  // As main/index.ts does first thing: the figure is the app's, with the app's V8 settings.
  keepYoungGenerationSmall();
  const started = performance.now();
  const afterImports = sample();
  const time = new ManualTime({ wall: Date.now(), mono: 0 });
  let login: Promise<unknown> = Promise.resolve();
  // The system browser, played by the sandbox's own login driver over HTTP.
  const browser: SystemBrowser = {
    open: async (url) => {
      login = completeLogin(url, clinician, { issuer }).then(followToCallback);
    },
  };
  const keyring = createKeyringSecretStore();
  const useKeyring = await keyring.probe();
  const secretStore = useKeyring ? keyring : createMemorySecretStore();
  const keyringService = `clinical-workstation-shell/bench-${randomBytes(6).toString('hex')}`;
  // As the app starts: the machine policy is read (on this machine there is none: the rules' limits).
  const machinePolicy = await readMachinePolicy({ platform: process.platform, env: {}, packaged: true });
  const draftsDir = await mkdtemp(join(tmpdir(), 'cws-bench-shift-'));
  // The app's own logging: rotated files in a folder, at the default level.
  const { logger, close: closeLog } = await createFolderLogger({ folder: join(draftsDir, 'logs'), level: 'info' });
  const services = await createAppServices({
    oidc: resolveOidcSettings({ issuer, clientId, allowInsecureLoopbackIssuer: true }),
    policy: machinePolicy.session,
    browser,
    time,
    logger,
    secretStore,
    draftsDir,
    draftsKeyringService: keyringService,
    signInClock: Date.now,
  });
  const { session: shell } = services;
  try {
    const begun = await shell.backend.signIn();
    if (!begun.ok) throw new Error(`The shell refused to start a sign-in (${begun.code}).`);
    await until(() => shell.state().status !== 'signing-in', 'the sandbox sign-in');
    await login;
    await shell.settled();
    if (shell.state().status !== 'active')
      throw new Error(`The bench clinician could not sign in: the session is "${shell.state().status}".`);
    const afterSignIn = sample();

    const hourly: MemorySample[] = [];
    let text = '';
    let activityEvents = 0;
    let draftSaves = 0;
    let seconds = 0;
    // A little past 12 h, so the run ends on the absolute limit rather than on the loop bound.
    const working = (): boolean => ['active', 'warning'].includes(shell.state().status);
    while (seconds < SHIFT_S + 60 && working()) {
      shell.backend.reportActivity();
      activityEvents += 1;
      time.advance(1000);
      seconds += 1;
      if (saveDrafts && seconds % 60 === 0 && working()) {
        text += lineOfNote;
        const saved = await shell.backend.saveDraft({
          id: 'bench-note',
          patient: 'Bench Patient 999 000 0001',
          text,
          updatedAt: time.now().wall,
        });
        if (!saved.ok) throw new Error(`Draft save ${draftSaves + 1} was refused (${saved.code}).`);
        draftSaves += 1;
      }
      if (seconds % 3600 === 0) hourly.push(sample());
    }
    await shell.settled();
    await services.vault.flush();
    const state = shell.state();
    const atEnd = sample();
    return {
      afterImports,
      afterSignIn,
      hourly,
      atEnd,
      activityEvents,
      draftSaves,
      finalTextChars: text.length,
      simulatedMs: seconds * 1000,
      realMs: performance.now() - started,
      endStatus: state.status,
      endReason: 'reason' in state ? state.reason : null,
      secretStore: useKeyring ? 'keyring' : 'memory',
    };
  } finally {
    await services.close();
    await closeLog();
    if (useKeyring) {
      for (const account of await secretStore.accounts(keyringService).catch(() => []))
        await secretStore.delete(keyringService, account).catch(() => false);
    }
    await rm(draftsDir, { recursive: true, force: true });
  }
}

const [issuer, clientId, drafts = 'drafts'] = process.argv.slice(2);
if (!issuer || !clientId || !['drafts', 'no-drafts'].includes(drafts))
  throw new Error('Usage: shift-memory-child.mjs <issuer> <client_id> [drafts|no-drafts]');
const result = await main(issuer, clientId, drafts === 'drafts');
process.stdout.write(`${SHIFT_RESULT_PREFIX}${JSON.stringify(result)}\n`);
