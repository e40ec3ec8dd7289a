/**
 * A ward's month in one services process (started by ward-month.ts with --expose-gc): the
 * main-process services, with the logout relay, signed in against the CIS2 sandbox running in
 * another process, through `handovers` hand-overs between every sandbox clinician with a role.
 * Each turn the clinician works ten simulated minutes (activity each minute, a draft saved at the
 * end) and then the screen locks and the next clinician signs in at the lock screen ("Sign in as
 * someone else"); every tenth turn instead ends with CIS2 ending the clinician's session (their
 * card pulled: the sandbox posts a logout token to the relay, which hands it to the shell), and
 * the next clinician signs in from the ended screen. Every `every` hand-overs it samples, after a
 * full GC, the heap and what else could grow: active handles by type, process listeners, relay
 * sockets, requests to the issuer. Prints `WARD_MONTH_RESULT <json>`.
 *
 * Usage: node --expose-gc ward-month-child.mjs <issuer> <client_id> <relay> <card reader> <hand-overs> <every>
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices } from '../../main/services/compose';
import { createFolderLogger } from '../../main/services/log-folder';
import { keepYoungGenerationSmall } from '../../main/services/runtime/memory';
import { resolveOidcSettings } from '../../main/services/oidc';
import type { SystemBrowser } from '../../main/services/oidc';
import type { RelaySocket } from '../../main/services/relay-client/socket';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { resolvePolicy } from '../../main/core/policy';
import { ManualTime, systemTime } from '../../main/services/time';
import { SANDBOX_CLINICIANS } from '../../sandbox/clinicians';
import { completeLogin } from '../../sandbox/drive';
import { socketCensus } from './socket-census';
import type { SocketCensus } from './socket-census';
import { WARD_MONTH_PREFIX } from './ward-month-types';
import type { WardSample } from './ward-month-types';

/**
 * The system browser's visit to the shell's loopback callback, and the page it redirects to. Not
 * Node's fetch (which sandbox/drive.ts uses): its global dispatcher keeps a connection pool for
 * every origin it has met, and each sign-in's loopback port is a new origin, so this process would
 * grow by a pool per hand-over that belongs to the browser, not to the shell.
 */
function visitCallback(url: URL, hops = 2): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const location = res.headers.location;
        if (hops > 0 && location && res.statusCode && res.statusCode >= 300 && res.statusCode < 400)
          visitCallback(new URL(location, url), hops - 1).then(resolve, reject);
        else resolve();
      });
    }).on('error', reject);
  });
}

function counts(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`The ward's month waited 15 s for ${what}.`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Which issuer request a URL is, by the end of its path (realm prefix aside). */
function requestKind(url: string): string {
  const path = new URL(url).pathname;
  if (path.endsWith('/.well-known/openid-configuration')) return 'discovery';
  return path.split('/').filter(Boolean).at(-1) ?? path;
}

async function main(argv: readonly string[]): Promise<{ samples: WardSample[]; realMs: number; logouts: number }> {
  const [issuer, clientId, relayUrl, cardReader, handoversText, everyText] = argv;
  const handovers = Number(handoversText);
  const every = Number(everyText);
  if (!issuer || !clientId || !relayUrl || !cardReader || !(handovers > 0) || !(every > 0))
    throw new Error('Usage: ward-month-child.mjs <issuer> <client_id> <relay> <card reader> <hand-overs> <every>');
  keepYoungGenerationSmall();
  const started = performance.now();
  const clinicians = SANDBOX_CLINICIANS.filter((c) => c.roles.length > 0);
  const time = new ManualTime({ wall: Date.now(), mono: 0 });
  let next = clinicians[0];
  let login: Promise<unknown> = Promise.resolve();
  const browser: SystemBrowser = {
    open: async (url) => {
      const who = next?.id ?? '';
      login = completeLogin(url, who, { issuer }).then((callback) => visitCallback(callback));
    },
  };
  const issuerRequests: Record<string, number> = {};
  const fetchCounted: typeof fetch = (input, init) => {
    const kind = requestKind(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    issuerRequests[kind] = (issuerRequests[kind] ?? 0) + 1;
    return fetch(input, init);
  };
  // Weakly held, so that this count keeps no socket alive: asked, after a full GC, how many are
  // still objects and in what state (socket-census.ts says why not by their 'close' events).
  const sockets = { opened: 0, made: new Set<WeakRef<WebSocket>>() };
  const openSocket = (url: string, protocols: readonly string[]): RelaySocket => {
    const socket = new WebSocket(url, [...protocols]);
    sockets.opened += 1;
    sockets.made.add(new WeakRef(socket));
    return socket as unknown as RelaySocket;
  };
  const relayCensus = (): SocketCensus => {
    const states: number[] = [];
    for (const ref of sockets.made) {
      const socket = ref.deref();
      if (socket === undefined) sockets.made.delete(ref);
      else states.push(socket.readyState);
    }
    return socketCensus(states);
  };
  const dir = await mkdtemp(join(tmpdir(), 'cws-bench-ward-'));
  const { logger, close: closeLog } = await createFolderLogger({ folder: join(dir, 'logs'), level: 'info' });
  const services = await createAppServices({
    oidc: resolveOidcSettings({ issuer, clientId, allowInsecureLoopbackIssuer: true }),
    policy: resolvePolicy({}).policy,
    browser,
    time,
    logger,
    secretStore: createMemorySecretStore(),
    draftsDir: join(dir, 'drafts'),
    signInClock: Date.now,
    fetch: fetchCounted as never,
    relay: { url: relayUrl, time: systemTime(), openSocket },
  });
  const { session: shell } = services;
  const subjectNow = (): string | null => {
    const state = shell.state();
    return 'session' in state && state.status === 'active' ? state.session.subject : null;
  };
  const samples: WardSample[] = [];
  let logouts = 0;
  try {
    for (let turn = 0; turn <= handovers; turn += 1) {
      const clinician = clinicians[turn % clinicians.length];
      if (!clinician) throw new Error('No sandbox clinician has a role.');
      next = clinician;
      // The hand-over: at the lock screen (or, after CIS2 ended the last session, from the ended screen).
      const begun =
        shell.state().status === 'locked' ? await shell.backend.signInAsSomeoneElse() : await shell.backend.signIn();
      if (!begun.ok) throw new Error(`Hand-over ${turn}: the shell refused to start a sign-in (${begun.code}).`);
      await until(() => subjectNow() === clinician.sub, `hand-over ${turn} to ${clinician.id}`);
      await login;
      await shell.settled();
      if (turn > 0 && turn % every === 0) {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (!gc) throw new Error('Start this process with node --expose-gc.');
        gc();
        gc();
        const m = process.memoryUsage();
        const relay = relayCensus();
        samples.push({
          handover: turn,
          heapUsedBytes: m.heapUsed,
          heapTotalBytes: m.heapTotal,
          rssBytes: m.rss,
          externalBytes: m.external,
          activeResources: counts(process.getActiveResourcesInfo()),
          processListeners: process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0),
          relaySocketsLive: relay.live,
          relaySocketsClosing: relay.closing,
          relaySocketsRetained: relay.retained,
          relaySocketsOpened: sockets.opened,
          issuerRequests: { ...issuerRequests },
          logouts,
        });
      }
      if (turn === handovers) break;
      // Ten minutes' work, a line of the note saved at the end of it.
      for (let minute = 0; minute < 10; minute += 1) {
        shell.backend.reportActivity();
        time.advance(60_000);
      }
      const saved = await shell.backend.saveDraft({
        id: 'ward-note',
        patient: `Ward Patient ${turn % 20}`,
        text: `Turn ${turn} of ${clinician.id}: obs stable, plan unchanged.`.padEnd(400, '.'),
        updatedAt: time.now().wall,
      });
      if (!saved.ok) throw new Error(`Hand-over ${turn}: the draft save was refused (${saved.code}).`);
      if ((turn + 1) % 10 === 0) {
        // CIS2 ends the session: the card reader pulls the card, the relay tells the shell.
        const pulled = await fetch(`${cardReader}/pull/${clinician.id}`, { method: 'POST', redirect: 'manual' });
        await pulled.arrayBuffer();
        await until(() => shell.state().status === 'ended', `CIS2's logout of ${clinician.id} to reach the shell`);
        logouts += 1;
      } else await shell.os.signal('lock-screen');
      await shell.settled();
    }
    return { samples, realMs: performance.now() - started, logouts };
  } finally {
    await services.close();
    await closeLog();
    await rm(dir, { recursive: true, force: true });
  }
}

const result = await main(process.argv.slice(2));
process.stdout.write(`${WARD_MONTH_PREFIX}${JSON.stringify(result)}\n`);
