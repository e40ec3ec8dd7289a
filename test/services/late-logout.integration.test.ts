/**
 * Late delivery is still delivery (issue 23), end to end: the composed shell services (sign-in
 * against the CIS2 sandbox, the session engine, the draft vault, the relay client and the logout
 * receiver) connected to a real relay (in-memory store) over a real WebSocket, with logout tokens
 * the sandbox signs and posts as CIS2 does.
 *
 * Time: the relay and the shell's token checks read the same wall clock, moved forward by
 * `ahead` (the PC comes back 10 minutes or 2 hours later by its clock, and the relay's); the relay
 * channel's timers (backoff, catch-up period, silence) run on a manual clock the test advances.
 * The relay pings every 100 ms of real time, so the channel's silence timer never fires while the
 * test advances its manual clock in steps shorter than three heartbeats.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { CustomFetch } from 'openid-client';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import type { OpenRelaySocket, RelaySocket } from '../../main/services/relay-client/client';
import { CATCH_UP_MS, HEARTBEAT_MS } from '../../main/services/relay-client/protocol';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { freePort } from '../relay/fixtures/redis';
import { startTestRelay } from '../relay/fixtures/relays';
import type { TestRelay } from '../relay/fixtures/relays';
import { ScriptedBrowser, sandboxSettings } from './oidc/fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sandbox: Sandbox;
let relayPort: number;
/** One relay per test, on the port the sandbox posts to: each test's clock starts from now. */
let relay: TestRelay;
let root: string;
/** How far the wall clocks of the PC and the relay are ahead of the real one. */
let ahead = 0;
/** The relay cannot fetch CIS2's keys while this is set. */
let relayKeysDown = false;
const wall = (): number => Date.now() + ahead;

beforeAll(async () => {
  relayPort = await freePort();
  sandbox = await startSandbox({ backchannelLogoutUri: `http://127.0.0.1:${relayPort}/backchannel-logout` });
  root = await mkdtemp(join(tmpdir(), 'cws-late-logout-'));
});

afterAll(async () => {
  await sandbox?.close();
  await rm(root, { recursive: true, force: true });
});

function startRelayHere(): Promise<TestRelay> {
  return startTestRelay(
    { issuer: sandbox.issuer, clientId: sandbox.clientId, port: relayPort, heartbeatMs: 100 },
    {
      now: wall,
      fetch: (input, init) =>
        relayKeysDown ? Promise.reject(new TypeError('fetch failed: CIS2 unreachable')) : fetch(input, init),
    },
  );
}

/** The PC's network to the relay: cut, every socket is closed and new ones go nowhere. */
class WardNetwork {
  cut = false;
  readonly sockets: WebSocket[] = [];
  readonly openSocket: OpenRelaySocket = (url, protocols) => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const ws = new WebSocket(this.cut ? 'ws://127.0.0.1:9/workstations' : url, [...protocols]);
    this.sockets.push(ws);
    return ws as unknown as RelaySocket;
  };
  cutOff(): void {
    this.cut = true;
    for (const ws of this.sockets) ws.close();
  }
}

interface Ward {
  readonly services: AppServices;
  readonly channel: ManualTime;
  readonly network: WardNetwork;
  readonly lines: Record<string, unknown>[];
  audit(event: string): Record<string, unknown>[];
  /** The ID token's sub and sid. */
  who(): { sub: string; sid: string };
}

let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
  await relay.close();
  ahead = 0;
  relayKeysDown = false;
});

/** The relay (started now, with whatever the test set up) and one ward PC connected to it. */
async function ward(clinician = 'dr-okafor', fetchPort?: CustomFetch): Promise<Ward> {
  relay = await startRelayHere();
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const channel = new ManualTime({ wall: Date.now(), mono: 0 });
  const network = new WardNetwork();
  const services = await createAppServices({
    oidc: sandboxSettings(sandbox),
    policy: resolvePolicy({}).policy,
    browser: new ScriptedBrowser((url) => sandbox.loginAs(url, clinician)),
    time: new ManualTime({ wall: Date.now(), mono: 0 }),
    logger,
    secretStore: createMemorySecretStore(),
    draftsDir: join(root, `drafts-${Math.random().toString(36).slice(2)}`),
    signInClock: wall,
    relay: { url: relay.url, openSocket: network.openSocket, time: channel },
    ...(fetchPort ? { fetch: fetchPort } : {}),
  });
  open.push(services);
  return {
    services,
    channel,
    network,
    lines,
    audit: (event) => lines.filter((l) => l['audit'] === true && l['event'] === event),
    who() {
      const idToken = services.signIn.tokens.currentIdToken();
      if (idToken === null) throw new Error('no session');
      const claims = decodeJwt(idToken);
      return { sub: String(claims.sub), sid: String(claims['sid']) };
    },
  };
}

/**
 * Polls `check`, advancing the channel's manual clock by `stepMs` between polls (real time passes
 * too, for sockets and the relay's answers). Fails after `polls` polls.
 */
async function until(
  what: string,
  check: () => boolean,
  w?: Ward,
  options: { stepMs?: number; polls?: number } = {},
): Promise<void> {
  for (let i = 0; i < (options.polls ?? 200); i += 1) {
    if (check()) return;
    if (w !== undefined && options.stepMs !== undefined) w.channel.advance(options.stepMs);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

async function signedInAndFollowed(w: Ward): Promise<void> {
  w.services.session.backend.signIn();
  await until('the sign-in', () => w.services.session.view().kind === 'active');
  await until('the relay to follow the session', () => w.audit('relay.registered').length > 0);
}

const note = (text: string) => ({ id: 'obs-1', patient: 'Jane Doe', text, updatedAt: 1 });

async function sessionEnded(w: Ward): Promise<void> {
  await until('the session to end', () => !('clinician' in w.services.session.view()), w, { stepMs: 1_000 });
  await w.services.session.settled();
  await w.services.vault.flush();
}

describe('a PC cut off from the relay while CIS2 logs its clinician out', () => {
  it.each([
    ['10 minutes', 10 * MINUTE],
    ['2 hours', 2 * HOUR],
  ])(
    'comes back %s later by its clock: catch-up brings the genuine token, long past its exp, and the session ends with the note sealed for its owner',
    async (_later, offlineMs) => {
      const w = await ward();
      await signedInAndFollowed(w);
      const { sub, sid } = w.who();
      expect(await w.services.session.backend.saveDraft(note('BP 120/80, review at 14:00'))).toMatchObject({
        ok: true,
      });

      w.network.cutOff();
      await until('the PC to notice it lost the relay', () => w.audit('relay.disconnected').length > 0);
      // CIS2 ends the session while the PC cannot hear: the relay accepts the logout and keeps it.
      expect(await sandbox.backchannelLogout({ sub, sid })).toBe(200);
      expect(relay.health().counts.delivered).toBe(0);
      expect('clinician' in w.services.session.view()).toBe(true);

      // Offline for `offlineMs`: the PC keeps trying (and failing) to reach the relay meanwhile.
      const step = Math.min(offlineMs / 10, 5 * MINUTE);
      for (let passed = 0; passed < offlineMs; passed += step) {
        w.channel.advance(step);
        ahead += step;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect('clinician' in w.services.session.view()).toBe(true);

      w.network.cut = false;
      await sessionEnded(w);
      expect(w.audit('backchannel-logout.accepted')).toEqual([
        expect.objectContaining({ subject: sub, withSessionId: true }),
      ]);
      expect(w.audit('backchannel-logout.refused')).toEqual([]);
      expect(await w.services.vault.load(sub)).toEqual([note('BP 120/80, review at 14:00')]);
      expect(w.services.signIn.tokens.hasSession()).toBe(false);
    },
  );
});

describe('a registration refused while the relay cannot reach CIS2’s keys', () => {
  it('is sent again on the backoff until the relay accepts it, and a later logout ends the session', async () => {
    relayKeysDown = true;
    const w = await ward('nurse-hughes');
    w.services.session.backend.signIn();
    await until('the sign-in', () => w.services.session.view().kind === 'active');
    await until('the refusal', () => w.audit('relay.refused').length > 0);
    expect(w.audit('relay.refused')[0]).toMatchObject({ reason: 'keys-unavailable', retryInMs: expect.any(Number) });
    expect(w.audit('relay.registered')).toEqual([]);

    relayKeysDown = false;
    // The relay retries a failed key fetch after 2 s of real time; the PC keeps asking meanwhile.
    await until('the registration to be accepted', () => w.audit('relay.registered').length > 0, w, {
      stepMs: 2_000,
    });
    const { sub, sid } = w.who();
    expect(await sandbox.backchannelLogout({ sub, sid })).toBe(200);
    await sessionEnded(w);
    expect(w.audit('backchannel-logout.accepted')).toHaveLength(1);
    // One connection throughout: the refusal was retried on it, not by reconnecting.
    expect(w.network.sockets).toHaveLength(1);
  });
});

describe('a logout issued before the session’s own sign-in', () => {
  it('never ends that session, though it is genuine and delivered; a later one does', async () => {
    const w = await ward('locum-reid');
    // Issued now; the sign-in below starts in a later second (auth_time > iat).
    const before = await sandbox.logoutToken({ sub: '555000000004' });
    const issued = decodeJwt(before).iat ?? 0;
    await until('the next second', () => Math.floor(Date.now() / 1000) > issued);
    await signedInAndFollowed(w);
    const { sub, sid } = w.who();
    expect(sub).toBe('555000000004');

    const post = (token: string) =>
      fetch(`${relay.url}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
      }).then((r) => r.status);
    expect(await post(before)).toBe(200);
    // The PC checked it (the signature and claims are good) and the engine did not act on it.
    await until('the PC to check it', () => w.audit('backchannel-logout.accepted').length > 0);
    await w.services.session.settled();
    expect(w.services.session.view().kind).toBe('active');

    expect(await sandbox.backchannelLogout({ sub, sid })).toBe(200);
    await sessionEnded(w);
    expect(w.audit('backchannel-logout.accepted')).toHaveLength(2);
  });
});

describe('a logout the PC refused once', () => {
  it('is sent again by the relay at the next catch-up, on the same connection, and then ends the session', async () => {
    let pcKeysDown = false;
    const fetchPort: CustomFetch = (url, options) =>
      pcKeysDown && new URL(url).pathname.endsWith('/jwks')
        ? Promise.reject(new TypeError('fetch failed: CIS2 unreachable from the ward'))
        : fetch(url, options as RequestInit);
    const w = await ward('dr-okafor', fetchPort);
    await signedInAndFollowed(w);
    const { sub, sid } = w.who();

    pcKeysDown = true;
    expect(await sandbox.backchannelLogout({ sub, sid })).toBe(200);
    await until('the PC to refuse it', () => w.audit('backchannel-logout.refused').length > 0);
    expect(w.audit('backchannel-logout.refused')[0]).toMatchObject({ code: 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' });
    await until('the relay to hear the refusal', () => relay.health().counts.logoutsRefusedByWorkstations > 0);
    expect('clinician' in w.services.session.view()).toBe(true);

    pcKeysDown = false;
    // The next catch-up (every CATCH_UP_MS) brings it again; steps stay within the silence limit.
    for (let passed = 0; passed <= CATCH_UP_MS; passed += HEARTBEAT_MS) {
      w.channel.advance(HEARTBEAT_MS);
      await new Promise((r) => setTimeout(r, 150));
    }
    await sessionEnded(w);
    expect(w.audit('backchannel-logout.accepted')).toHaveLength(1);
    expect(w.network.sockets).toHaveLength(1);
  });
});
