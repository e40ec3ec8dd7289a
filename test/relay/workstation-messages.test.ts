// The messages on one workstation connection (relay/workstation-messages.ts), checked exactly: the
// counts the operator reads (/healthz, /metrics), the log lines, the close codes and reasons a
// workstation gets, a logout sent once per connection and only where its registration is named,
// the v2 refs and the acknowledgement map's cap, the per-connection message queue's cap, the
// registration queue's deferral, and a failing message logged without closing the connection.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSTATION_PROTOCOL, WORKSTATION_PROTOCOL_V2 } from '../../main/services/relay-client/protocol';
import { discoverIssuerKeys } from '../../main/services/oidc/issuer-keys';
import type { IssuerKeys } from '../../main/services/oidc/issuer-keys';
import { faultyMemoryStore } from './fixtures/faulty-store';
import type { FaultyStore } from './fixtures/faulty-store';
import { createMemoryStore } from '../../relay/store';
import type { RelayStore } from '../../relay/store';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { admin, metric, postLogout, startTestRelay, until } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation, quietFor } from './fixtures/workstation';

let issuer: TestIssuer;
let relay: TestRelay;
let store: FaultyStore;
const relays: { close(): Promise<void> }[] = [];
const open: TestWorkstation[] = [];
let n = 0;
const names = (): { sub: string; sid: string } => ({ sub: `55510000${(n += 1) + 1000}`, sid: `sid-wsm-${n}` });

interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [key: string]: unknown;
}
const lines = (logs: string[], event: string): LogLine[] =>
  logs.map((l) => JSON.parse(l) as LogLine).filter((l) => l.event === event);

async function connect(to: { url: string } = relay, protocol = WORKSTATION_PROTOCOL): Promise<TestWorkstation> {
  const ws = await TestWorkstation.connect(to.url, { protocol });
  open.push(ws);
  return ws;
}

async function registered(
  who: Record<string, unknown>,
  to: { url: string } = relay,
  protocol?: string,
): Promise<TestWorkstation> {
  const ws = await connect(to, protocol);
  expect(await ws.register(await issuer.idToken(who))).toMatchObject({ type: 'registered' });
  return ws;
}

async function another(
  settings: Omit<Parameters<typeof startTestRelay>[0], 'issuer'> = {},
  deps: Parameters<typeof startTestRelay>[1] = {},
): Promise<TestRelay> {
  const r = await startTestRelay({ issuer: issuer.issuer, ingressPerMinute: 100_000, ...settings }, deps);
  relays.push(r);
  return r;
}

/** A relay whose issuer keys are held back until `release()`: registrations wait in its queue. */
async function held(settings: Omit<Parameters<typeof startTestRelay>[0], 'issuer'> = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const real = discoverIssuerKeys({ issuer: issuer.issuer, allowInsecureLoopbackIssuer: true });
  const keys = (): Promise<IssuerKeys> => gate.then(real);
  return { relay: await another(settings, { keys }), release };
}

const counts = (r: TestRelay = relay) => r.health().counts;

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await another({}, { store: (parts) => (store = faultyMemoryStore(parts)) });
});

afterAll(async () => {
  for (const ws of open) ws.close();
  await Promise.allSettled(relays.map((r) => r.close()));
  await issuer?.close();
});

describe('what the operator reads', () => {
  it('a new replica reports every message count at zero, at /healthz and /metrics', async () => {
    const fresh = await another();
    const health = JSON.parse((await admin(fresh, '/healthz')).text) as { counts: Record<string, unknown> };
    expect(health.counts).toMatchObject({
      registrationsAccepted: 0,
      registrationsRefused: 0,
      registrationsDeferred: 0,
      logoutsSent: 0,
      logoutsRefusedByWorkstations: 0,
      dropped: 0,
      catchUps: 0,
      catchUpsLimited: 0,
    });
    const metrics = (await admin(fresh, '/metrics')).text;
    expect(metrics).toContain('cws_relay_logouts_sent_total 0');
  });

  it('an accepted registration is counted once and logged with hashed names', async () => {
    const before = counts();
    const logs = relay.logs.length;
    const who = names();
    await registered(who);
    expect(counts().registrationsAccepted).toBe(before.registrationsAccepted + 1);
    const [line, ...more] = lines(relay.logs.slice(logs), 'registration accepted');
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, msg: 'registration accepted', sub: expect.any(String) });
    expect(line?.['sid']).toEqual(expect.any(String));
    expect(line?.['sub']).not.toBe(who.sub);
    expect(line?.['sid']).not.toBe(who.sid);
    expect(metric((await admin(relay, '/metrics')).text, 'cws_relay_registrations_total{result="accepted"}')).toBe(
      counts().registrationsAccepted,
    );
  });

  it('a refused registration is counted once and logged with its reason', async () => {
    const before = counts();
    const logs = relay.logs.length;
    const ws = await connect();
    expect(await ws.register(await issuer.idToken({ aud: 'another-app' }))).toMatchObject({ reason: 'wrong-client' });
    expect(counts().registrationsRefused).toBe(before.registrationsRefused + 1);
    expect(lines(relay.logs.slice(logs), 'registration refused')).toEqual([
      expect.objectContaining({ level: 30, reason: 'wrong-client', msg: 'registration refused' }),
    ]);
  });

  it('registrations past the rate: 1013 "too many registrations", counted and logged as rate-limited', async () => {
    const limited = await another({ registrationsPerMinute: 1 });
    await registered(names(), limited);
    const ws = await connect(limited);
    ws.send({ type: 'register', id: 'r-over', idToken: await issuer.idToken() });
    expect(await ws.closed).toEqual({ code: 1013, reason: 'too many registrations' });
    expect(counts(limited)).toMatchObject({ registrationsAccepted: 1, registrationsRefused: 1 });
    expect(lines(limited.logs, 'registration refused')).toEqual([
      expect.objectContaining({ level: 40, reason: 'rate-limited', msg: 'registration refused' }),
    ]);
  });

  it('catch-ups past the rate: 1013 "too many catch-ups", counted as limited', async () => {
    const limited = await another({ catchUpsPerMinute: 1 });
    const ws = await connect(limited);
    expect(await ws.catchUp()).toEqual([]);
    ws.send({ type: 'catch-up', id: 'c-over' });
    expect(await ws.closed).toEqual({ code: 1013, reason: 'too many catch-ups' });
    expect(counts(limited)).toMatchObject({ catchUps: 1, catchUpsLimited: 1 });
  });
});

describe('frames the relay does not take', () => {
  it('a binary frame: 1003 "text frames only"', async () => {
    const ws = await connect();
    ws.ws.send(Buffer.from('{"type":"catch-up","id":"c1"}'));
    expect(await ws.closed).toEqual({ code: 1003, reason: 'text frames only' });
  });

  it('text that is not a workstation message: 1002 "not a workstation message"', async () => {
    const ws = await connect();
    ws.ws.send('{"type":"catch-up"}');
    expect(await ws.closed).toEqual({ code: 1002, reason: 'not a workstation message' });
  });
});

describe('logouts on a connection', () => {
  it('a logout goes once to each connection its registration names, counted once per send', async () => {
    const who = names();
    const v1 = await registered(who);
    const v2 = await registered(who, relay, WORKSTATION_PROTOCOL_V2);
    const before = counts();
    const logs = relay.logs.length;
    const token = await issuer.logoutToken(who);
    expect((await postLogout(relay.url, token)).status).toBe(200);
    await v1.logout(token);
    await v2.logout(token);
    expect(counts()).toMatchObject({ logoutsSent: before.logoutsSent + 2, delivered: before.delivered + 2 });
    expect(lines(relay.logs.slice(logs), 'logout delivered')).toEqual([expect.objectContaining({ connections: 2 })]);
    // Already sent on both: a catch-up does not send it again.
    expect(await v1.catchUp()).toEqual([]);
    expect(await v2.catchUp()).toEqual([]);
    expect(counts().logoutsSent).toBe(before.logoutsSent + 2);
  });

  it('is not sent to a connection with the same sid but another sub (its registration is not named)', async () => {
    const who = names();
    const ws = await registered(who);
    const before = counts();
    const logs = relay.logs.length;
    expect((await postLogout(relay.url, await issuer.logoutToken({ sub: '555199999999', sid: who.sid }))).status).toBe(
      200,
    );
    await until(() => lines(relay.logs.slice(logs), 'logout delivered').length === 1);
    expect(lines(relay.logs.slice(logs), 'logout delivered')).toEqual([expect.objectContaining({ connections: 0 })]);
    expect(await ws.catchUp()).toEqual([]);
    expect(counts()).toMatchObject({ logoutsSent: before.logoutsSent, delivered: before.delivered });
  });

  it('catch-up before any registration sends nothing; an unregistered connection hears nothing more', async () => {
    const who = names();
    const token = await issuer.logoutToken(who);
    expect((await postLogout(relay.url, token)).status).toBe(200);
    const ws = await connect();
    expect(await ws.catchUp()).toEqual([]);
    await ws.register(await issuer.idToken(who));
    await ws.unregister();
    expect(await ws.catchUp()).toEqual([]);
  });

  it('v2 refs count up from l1, one per logout, and never repeat', async () => {
    const who = names();
    const ws = await registered(who, relay, WORKSTATION_PROTOCOL_V2);
    for (let i = 0; i < 3; i += 1) await postLogout(relay.url, await issuer.logoutToken({ sub: who.sub }));
    await until(() => ws.logouts.length === 3);
    const refs = ws.logouts.map((l) => l.ref ?? '');
    for (const ref of refs) expect(ref).toMatch(/^l[1-9][0-9]*$/);
    const numbers = refs.map((r) => Number(r.slice(1)));
    expect(numbers[1]).toBeGreaterThan(numbers[0] ?? Infinity);
    expect(numbers[2]).toBeGreaterThan(numbers[1] ?? Infinity);
  });
});

describe('acknowledgements (v2)', () => {
  async function withLogouts(count: number): Promise<{ ws: TestWorkstation; tokens: string[] }> {
    const who = names();
    const ws = await registered(who, relay, WORKSTATION_PROTOCOL_V2);
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 1) tokens.push(await issuer.logoutToken({ sub: who.sub }));
    for (const token of tokens) await postLogout(relay.url, token);
    await until(() => ws.logouts.length === count);
    return { ws, tokens };
  }

  it('a refusal of the first of two logouts sends that one again (each connection keeps one map)', async () => {
    const { ws, tokens } = await withLogouts(2);
    const before = counts();
    const logs = relay.logs.length;
    ws.ack(ws.logouts[0]?.ref, 'refused', 'LOGOUT_TOKEN_CLOCK');
    const again = await ws.catchUp();
    expect(again.map((l) => l.logoutToken)).toEqual([tokens[0]]);
    expect(counts().logoutsRefusedByWorkstations).toBe(before.logoutsRefusedByWorkstations + 1);
    expect(lines(relay.logs.slice(logs), 'logout refused by workstation')).toEqual([
      expect.objectContaining({
        level: 40,
        code: 'LOGOUT_TOKEN_CLOCK',
        msg: 'a workstation refused a logout; it is sent again at its next catch-up',
      }),
    ]);
  });

  it('a refusal without a code is logged as unknown; the same ref acknowledged twice counts once', async () => {
    const { ws } = await withLogouts(1);
    const before = counts();
    const logs = relay.logs.length;
    ws.send({ type: 'logout-ack', ref: ws.logouts[0]?.ref, outcome: 'refused' });
    ws.send({ type: 'logout-ack', ref: ws.logouts[0]?.ref, outcome: 'refused' });
    expect(await ws.catchUp()).toHaveLength(1);
    expect(counts().logoutsRefusedByWorkstations).toBe(before.logoutsRefusedByWorkstations + 1);
    expect(lines(relay.logs.slice(logs), 'logout refused by workstation')).toEqual([
      expect.objectContaining({ code: 'unknown' }),
    ]);
  });

  it('an unknown ref, or an acknowledgement before any logout, is ignored without error', async () => {
    const before = counts();
    const logs = relay.logs.length;
    const empty = await registered(names(), relay, WORKSTATION_PROTOCOL_V2);
    empty.ack('l1', 'refused', 'LOGOUT_TOKEN_CLOCK');
    const { ws } = await withLogouts(1);
    ws.ack('l0', 'refused', 'LOGOUT_TOKEN_CLOCK');
    await empty.unregister();
    expect(await ws.catchUp()).toEqual([]);
    expect(counts().logoutsRefusedByWorkstations).toBe(before.logoutsRefusedByWorkstations);
    expect(lines(relay.logs.slice(logs), 'workstation message failed')).toEqual([]);
    expect(empty.ws.readyState).toBe(empty.ws.OPEN);
  });

  it.each([
    [256, 'the oldest is still awaited', 1],
    [257, 'the oldest is forgotten', 0],
  ])('with %i logouts awaiting acknowledgement %s', async (count, _what, resent) => {
    const { ws } = await withLogouts(count);
    const before = counts();
    ws.ack(ws.logouts[0]?.ref, 'refused', 'LOGOUT_TOKEN_CLOCK');
    ws.ack(ws.logouts[count - 1]?.ref, 'refused', 'LOGOUT_TOKEN_CLOCK');
    const again = await ws.catchUp();
    expect(again).toHaveLength(1 + resent);
    expect(counts().logoutsRefusedByWorkstations).toBe(before.logoutsRefusedByWorkstations + 1 + resent);
  });
});

describe('catch-up and the store', () => {
  it('while the store is away catch-up answers from the replica’s own copy without asking the store', async () => {
    const who = names();
    const ws = await registered(who);
    const token = await issuer.logoutToken(who);
    await postLogout(relay.url, token);
    await ws.logout(token);
    const fresh = await registered(who);
    store.setAvailable(false);
    try {
      const asked = store.calls.filter((c) => c === 'revocationsFor').length;
      expect((await fresh.catchUp()).map((l) => l.logoutToken)).toEqual([token]);
      expect(store.calls.filter((c) => c === 'revocationsFor')).toHaveLength(asked);
    } finally {
      store.setAvailable(true);
    }
  });

  it('catch-up asks the store, which holds what another replica accepted before this one started', async () => {
    let shared: RelayStore | undefined;
    const view: NonNullable<Parameters<typeof startTestRelay>[1]>['store'] = (parts) =>
      faultyMemoryStore(parts, (shared ??= createMemoryStore(parts)));
    const first = await another({}, { store: view });
    const who = names();
    const token = await issuer.logoutToken(who);
    expect((await postLogout(first.url, token)).status).toBe(200);
    const second = await another({}, { store: view });
    const ws = await registered(who, second);
    expect((await ws.catchUp()).map((l) => l.logoutToken)).toEqual([token]);
  });

  it('the catch-up the relay starts itself (store back) sends no caught-up', async () => {
    const who = names();
    const token = await issuer.logoutToken(who);
    await postLogout(relay.url, token);
    const ws = await registered(who);
    store.setAvailable(false);
    store.setAvailable(true);
    await ws.logout(token);
    await quietFor(200);
    expect(ws.messages.filter((m) => m.type === 'caught-up')).toEqual([]);
    expect(ws.protocolErrors).toEqual([]);
  });
});

describe('the queues', () => {
  it('16 messages waiting on one connection are taken (a pong does not count); the 17th closes it, 1008', async () => {
    const { relay: slow, release } = await held();
    const ok = await connect(slow);
    ok.send({ type: 'register', id: 'r-held', idToken: await issuer.idToken() });
    const answers = Array.from({ length: 15 }, (_, i) => {
      const id = `u-${i}`;
      const answered = ok.next((m) => m.type === 'unregistered' && m.id === id);
      ok.send({ type: 'unregister', id });
      return answered;
    });
    ok.send({ type: 'pong' });
    const over = await connect(slow);
    over.send({ type: 'register', id: 'r-held', idToken: await issuer.idToken() });
    for (let i = 0; i < 16; i += 1) over.send({ type: 'unregister', id: `u-${i}` });
    expect(await over.closed).toEqual({ code: 1008, reason: 'too many messages at once' });
    release();
    await Promise.all(answers);
    expect(ok.ws.readyState).toBe(ok.ws.OPEN);
  });

  it('messages handled one after another never add up to the cap', async () => {
    const ws = await connect();
    for (let i = 0; i < 20; i += 1) await ws.unregister();
    expect(ws.ws.readyState).toBe(ws.ws.OPEN);
  });

  it('a full registration queue: 1013 "relay busy, try again later", counted; one that closed while waiting is not checked', async () => {
    const { relay: busy, release } = await held({
      registrationsInFlight: 1,
      maxQueuedRegistrations: 1,
      logLevel: 'debug',
    });
    const first = await connect(busy);
    const answer = first.register(await issuer.idToken());
    const waiting = await connect(busy);
    waiting.send({ type: 'register', id: 'r-waiting', idToken: await issuer.idToken() });
    const turnedAway = await connect(busy);
    turnedAway.send({ type: 'register', id: 'r-away', idToken: await issuer.idToken() });
    expect(await turnedAway.closed).toEqual({ code: 1013, reason: 'relay busy, try again later' });
    expect(counts(busy).registrationsDeferred).toBe(1);
    expect(lines(busy.logs, 'registration deferred')).toEqual([
      expect.objectContaining({ level: 20, msg: 'registration queue full; told to try again later' }),
    ]);
    waiting.close();
    await until(() => counts(busy).connections === 1);
    release();
    expect(await answer).toMatchObject({ type: 'registered' });
    await quietFor(200);
    expect(counts(busy)).toMatchObject({ registrationsAccepted: 1, registrationsRefused: 0 });
    expect(lines(busy.logs, 'registration accepted')).toHaveLength(1);
  });
});

describe('failures', () => {
  it('a message whose handling throws is logged and the connection keeps working', async () => {
    const logs: string[] = [];
    class HookFailure extends Error {
      override name = 'HookFailure';
    }
    let armed = true;
    const logger = pino(
      {
        level: 'info',
        hooks: {
          logMethod(args, method) {
            const first = args[0] as unknown as { event?: string } | undefined;
            if (armed && first?.event === 'registration accepted') {
              armed = false;
              throw new HookFailure('log sink failed');
            }
            method.apply(this, args);
          },
        },
      },
      { write: (line: string) => void logs.push(line) },
    );
    const failing = await another({}, { logger });
    const ws = await connect(failing);
    ws.send({ type: 'register', id: 'r-fails', idToken: await issuer.idToken() });
    await ws.unregister();
    expect(lines(logs, 'workstation message failed')).toEqual([
      expect.objectContaining({ level: 50, err: 'HookFailure', msg: 'a workstation message could not be handled' }),
    ]);
    expect(await ws.register(await issuer.idToken())).toMatchObject({ type: 'registered' });
    expect(ws.ws.readyState).toBe(ws.ws.OPEN);
  });

  it('a workstation that stops reading is dropped once its unsent data passes 1 MiB, and counted', async () => {
    const who = names();
    const ws = await registered(who);
    const before = counts().dropped;
    ws.ws.pause();
    // Logout tokens near their 16 KiB limit, until the socket's buffers are full and 1 MiB more waits.
    const pad = 'x'.repeat(11 * 1024);
    for (let i = 0; i < 1_000 && counts().dropped === before; i += 1) {
      expect((await postLogout(relay.url, await issuer.logoutToken({ sub: who.sub, pad }))).status).toBe(200);
    }
    expect(counts().dropped).toBe(before + 1);
    ws.ws.resume();
    expect((await ws.closed).code).toBe(1006);
  });
});
