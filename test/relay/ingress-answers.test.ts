// What each of the ingress's answers says beyond its status, since CIS2, an operator and a SOC each
// read a different part of it: the JSON body and headers CIS2 gets (Back-Channel Logout 1.0 §2.8),
// the metric by status and code, the log line, the health counts. And that an answer, once given,
// is the only one: a refused request is never read on as a logout (each refusal below carries a
// token that would be accepted if it were).
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { faultyMemoryStore } from './fixtures/faulty-store';
import type { FaultyStore } from './fixtures/faulty-store';
import { startTestRelay, until } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation, quietFor } from './fixtures/workstation';

const SUB = '555000000077';
const SID = 'sid-ward-9-bay-2';
const FORM = 'application/x-www-form-urlencoded';

let issuer: TestIssuer;
const relays: TestRelay[] = [];
const workstations: TestWorkstation[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterAll(async () => {
  for (const ws of workstations) ws.close();
  await Promise.allSettled(relays.map((r) => r.close()));
  await issuer?.close();
});

async function relayWith(
  settings: Parameters<typeof startTestRelay>[0] extends infer S ? Omit<S, 'issuer'> : never = {},
  deps: Parameters<typeof startTestRelay>[1] = {},
): Promise<TestRelay> {
  const relay = await startTestRelay({ issuer: issuer.issuer, ingressPerMinute: 10_000, ...settings }, deps);
  relays.push(relay);
  return relay;
}

async function workstationOn(relay: TestRelay, claims: Record<string, unknown>): Promise<TestWorkstation> {
  const ws = await TestWorkstation.connect(relay.url);
  workstations.push(ws);
  expect(await ws.register(await issuer.idToken(claims))).toMatchObject({ type: 'registered' });
  return ws;
}

/** How many POSTs the replica answered with `status` and `code` (its Prometheus counter). */
async function answered(relay: TestRelay, status: number, code: string): Promise<number> {
  const text = await (await fetch(`${relay.adminUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('cws_relay_logout_requests_total{') &&
        l.includes(`status="${status}"`) &&
        l.includes(`code="${code}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

interface Counts {
  readonly accepted: number;
  readonly acceptedPending: number;
  readonly refused: number;
  readonly unavailable: number;
}
async function counts(relay: TestRelay): Promise<Counts> {
  return ((await (await fetch(`${relay.adminUrl}/healthz`)).json()) as { counts: Counts }).counts;
}

/** The replica's log lines for `event`, parsed. */
function lines(relay: TestRelay, event: string): Record<string, unknown>[] {
  return relay.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === event);
}

async function post(
  relay: TestRelay,
  body: string,
  init: { method?: string; type?: string } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${relay.url}/backchannel-logout`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': init.type ?? FORM },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

const form = (token: string): string => new URLSearchParams({ logout_token: token }).toString();
const logoutToken = (): Promise<string> => issuer.logoutToken({ sub: SUB, sid: SID });

describe('what the gate answers before it reads a body', () => {
  it('405 to another method: its body, Allow, its metric; the token it carried is not read', async () => {
    const relay = await relayWith();
    const answer = await post(relay, form(await logoutToken()), { method: 'PUT' });
    expect(answer).toMatchObject({ status: 405, body: { error: 'invalid_request', error_description: 'POST only' } });
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await answered(relay, 405, 'method')).toBe(1);
    expect(await counts(relay)).toMatchObject({ accepted: 0, refused: 0 });
  });

  it('415 to another content type, with the connection closed; a form type in any case, with parameters and spaces, is a form', async () => {
    const relay = await relayWith();
    const answer = await post(relay, form(await logoutToken()), { type: 'text/plain' });
    expect(answer).toMatchObject({
      status: 415,
      body: { error: 'invalid_request', error_description: 'application/x-www-form-urlencoded only' },
    });
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answered(relay, 415, 'content-type')).toBe(1);
    expect(await counts(relay)).toMatchObject({ accepted: 0, refused: 0 });

    const spelled = await post(relay, form(await logoutToken()), {
      type: ' Application/X-WWW-Form-URLEncoded ; charset=UTF-8',
    });
    expect(spelled.status).toBe(200);
  });

  it('415 to a POST with no content type at all', async () => {
    const relay = await relayWith();
    const response = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      body: new Blob([form(await logoutToken())]),
    });
    expect(response.status).toBe(415);
  });

  it('403 to a source outside the allow-list: its body, the connection closed, a warning line, its metric; the token is not read', async () => {
    const relay = await relayWith({ allowSources: '192.0.2.0/24' });
    const answer = await post(relay, form(await logoutToken()));
    expect(answer).toMatchObject({ status: 403, body: { error: 'access_denied' } });
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answered(relay, 403, 'SOURCE_NOT_ALLOWED')).toBe(1);
    expect(lines(relay, 'logout refused')).toEqual([
      expect.objectContaining({
        code: 'SOURCE_NOT_ALLOWED',
        msg: 'logout POST from outside the allowed source ranges',
      }),
    ]);
    expect(await counts(relay)).toMatchObject({ accepted: 0, refused: 0 });
  });

  it('429 over the per-source rate: slow_down, a Retry-After of the seconds left, a line with the source hashed; the token is not read', async () => {
    const relay = await relayWith({ ingressPerMinute: 1 });
    expect((await post(relay, form(await logoutToken()))).status).toBe(200);
    const answer = await post(relay, form(await logoutToken()));
    expect(answer).toMatchObject({ status: 429, body: { error: 'slow_down' } });
    expect(answer.headers.get('connection')).toBe('close');
    // One a minute: the next is most of a minute away, not a second.
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await answered(relay, 429, 'rate-limited')).toBe(1);
    const [line] = lines(relay, 'logout refused');
    expect(line).toMatchObject({ code: 'RATE_LIMITED', msg: 'logout POST over the per-source rate' });
    expect(line?.['source']).toEqual(expect.any(String));
    expect(JSON.stringify(line)).not.toContain('127.0.0.1');
    expect(await counts(relay)).toMatchObject({ accepted: 1, refused: 0 });
  });

  it('413 to a declared length over the limit at once, before any of the body comes, and nothing read after', async () => {
    // The request timeout is long, so only the declared length can explain a prompt answer.
    const relay = await relayWith({ maxBodyBytes: 1024, requestTimeoutMs: 120_000, headersTimeoutMs: 60_000 });
    const text = await new Promise<string>((resolve) => {
      const socket = connect(relay.port, '127.0.0.1');
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
      socket.on('connect', () =>
        socket.write(
          `POST /backchannel-logout HTTP/1.1\r\nHost: relay\r\nContent-Type: ${FORM}\r\nContent-Length: 1025\r\n\r\n`,
        ),
      );
    });
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      error: 'invalid_request',
      error_description: 'body too large',
    });
    expect(await answered(relay, 413, 'body-too-large')).toBe(1);
    // Answered, the request is not read on (it would fail as cut off, a 500).
    await quietFor(300);
    expect(await answered(relay, 500, 'server-error')).toBe(0);
  });

  it('a body of exactly the limit is read, and its logout accepted', async () => {
    const relay = await relayWith({ maxBodyBytes: 2048 });
    const token = form(await logoutToken());
    const exact = `${token}&pad=${'x'.repeat(2048 - token.length - 5)}`;
    expect(exact.length).toBe(2048);
    expect((await post(relay, exact)).status).toBe(200);
    expect(await counts(relay)).toMatchObject({ accepted: 1 });
  });

  it('413 to a streamed body over the limit: its body and the connection closed', async () => {
    const relay = await relayWith({ maxBodyBytes: 1024 });
    const response = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`logout_token=${'a'.repeat(2048)}`));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'body too large' });
    expect(await answered(relay, 413, 'body-too-large')).toBe(1);
  });
});

describe('what the ingress answers to the body', () => {
  it.each([
    ['no logout_token', 'state=x'],
    ['an empty logout_token', 'logout_token='],
  ])('400 LOGOUT_TOKEN_MISSING to %s: its body, a line, its metric, counted refused', async (_what, body) => {
    const relay = await relayWith();
    const answer = await post(relay, body);
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'exactly one logout_token is required' },
    });
    expect(await answered(relay, 400, 'LOGOUT_TOKEN_MISSING')).toBe(1);
    expect(lines(relay, 'logout refused')).toEqual([
      expect.objectContaining({ code: 'LOGOUT_TOKEN_MISSING', msg: 'logout refused' }),
    ]);
    expect(await counts(relay)).toMatchObject({ refused: 1, accepted: 0 });
  });

  it('400 LOGOUT_TOKEN_MISSING to two tokens, even when both are good', async () => {
    const relay = await relayWith();
    const both = `${form(await logoutToken())}&${form(await logoutToken())}`;
    expect(await post(relay, both)).toMatchObject({ status: 400 });
    expect(await answered(relay, 400, 'LOGOUT_TOKEN_MISSING')).toBe(1);
    expect(await counts(relay)).toMatchObject({ refused: 1, accepted: 0 });
  });

  it('a POST whose client goes away mid-body is logged as failed and counted 500, not as a logout', async () => {
    const relay = await relayWith();
    await new Promise<void>((resolve) => {
      const socket = connect(relay.port, '127.0.0.1', () => {
        socket.write(
          `POST /backchannel-logout HTTP/1.1\r\nHost: relay\r\nContent-Type: ${FORM}\r\nContent-Length: 500\r\n\r\nlogout_token=abc`,
        );
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    await until(async () => (await answered(relay, 500, 'server-error')) === 1, 10_000, 'the 500 counted');
    expect(lines(relay, 'logout failed')).toEqual([
      expect.objectContaining({ err: 'Error', msg: 'a logout POST could not be handled' }),
    ]);
    expect(await counts(relay)).toMatchObject({ accepted: 0, refused: 0 });
  });
});

describe('a failure while handling a POST', () => {
  it('is answered 500 server_error to the client still waiting, and counted', async () => {
    // The log sink failing on the accepted line stands for any fault after the token was read.
    const failingLog = pino(
      {
        hooks: {
          logMethod(args, method) {
            if ((args[0] as { event?: unknown } | undefined)?.event === 'logout accepted')
              throw new Error('log sink failed');
            return method.apply(this, args);
          },
        },
      },
      { write: () => undefined },
    );
    const relay = await relayWith({}, { logger: failingLog });
    expect(await post(relay, form(await logoutToken()))).toMatchObject({
      status: 500,
      body: { error: 'server_error' },
    });
    expect(await answered(relay, 500, 'server-error')).toBe(1);
  });
});

describe('what acceptance answers', () => {
  it('accepted: 200 with no body, a line with sub and sid hashed, its metric, counted', async () => {
    const relay = await relayWith();
    const answer = await post(relay, form(await logoutToken()));
    expect(answer).toMatchObject({ status: 200, body: null });
    expect(await answered(relay, 200, 'accepted')).toBe(1);
    const [line] = lines(relay, 'logout accepted');
    expect(line).toMatchObject({ msg: 'logout accepted', sub: expect.any(String), sid: expect.any(String) });
    expect(JSON.stringify(line)).not.toContain(SUB);
    expect(JSON.stringify(line)).not.toContain(SID);
    expect(await counts(relay)).toEqual(expect.objectContaining({ accepted: 1, acceptedPending: 0, refused: 0 }));
  });

  it('refused: 400 naming the rule, a line without a store note while the store is up, counted refused', async () => {
    const relay = await relayWith();
    const answer = await post(
      relay,
      form(await issuer.logoutToken({ sub: SUB, sid: SID, iss: 'https://impostor.invalid' })),
    );
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'LOGOUT_TOKEN_ISSUER_MISMATCH' },
    });
    expect(await answered(relay, 400, 'LOGOUT_TOKEN_ISSUER_MISMATCH')).toBe(1);
    const [line] = lines(relay, 'logout refused');
    expect(line).toMatchObject({ code: 'LOGOUT_TOKEN_ISSUER_MISMATCH', msg: 'logout refused' });
    expect(line).not.toHaveProperty('store');
    expect(await counts(relay)).toMatchObject({ refused: 1, accepted: 0 });
  });

  it('503 while the issuer’s keys cannot be had: its body, Retry-After 5, a warning line, its metric, counted unavailable', async () => {
    const relay = await relayWith({}, { keys: () => Promise.reject(new Error('the issuer is unreachable')) });
    const answer = await post(relay, form(await logoutToken()));
    expect(answer).toMatchObject({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: "The issuer's keys are unavailable; retry later." },
    });
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(await answered(relay, 503, 'keys-unavailable')).toBe(1);
    expect(lines(relay, 'logout not checked')).toEqual([
      expect.objectContaining({ reason: 'keys-unavailable', msg: "the issuer's keys are unavailable" }),
    ]);
    expect(await counts(relay)).toMatchObject({ unavailable: 1, refused: 0, accepted: 0 });
  });

  it('503, not 400, when the keys were had but their set fails under the check', async () => {
    const relay = await relayWith(
      {},
      {
        keys: () =>
          Promise.resolve({
            jwks: () => Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
            algorithms: ['RS256'],
          } as never),
      },
    );
    expect((await post(relay, form(await logoutToken()))).status).toBe(503);
    expect(await counts(relay)).toMatchObject({ unavailable: 1, refused: 0 });
  });

  it('a replay check that fails while the store says it is up (a command timed out): accepted pending, delivered here', async () => {
    const relay = await relayWith({}, { store: (parts) => faultyMemoryStore(parts) });
    const store = relay.store as FaultyStore;
    const ws = await workstationOn(relay, { sub: SUB, sid: SID });
    store.failReplayChecks(1);
    const token = await logoutToken();
    expect(await post(relay, form(token))).toMatchObject({ status: 200, body: null });
    await until(() => ws.logouts.length === 1, 5_000, 'the logout delivered');
    expect(await answered(relay, 200, 'accepted-pending')).toBe(1);
    expect(await counts(relay)).toMatchObject({ accepted: 1, acceptedPending: 1 });
  });

  describe('while the store is away', () => {
    let relay: TestRelay;
    let store: FaultyStore;
    let ws: TestWorkstation;
    beforeAll(async () => {
      relay = await relayWith({}, { store: (parts) => faultyMemoryStore(parts) });
      store = relay.store as FaultyStore;
      ws = await workstationOn(relay, { sub: SUB, sid: SID });
      store.setAvailable(false);
    });

    it('accepted pending: 200, passed to its workstation, a warning line saying how many got it, both counts', async () => {
      const token = await logoutToken();
      expect(await post(relay, form(token))).toMatchObject({ status: 200, body: null });
      await until(() => ws.logouts.length === 1, 5_000, 'the logout delivered');
      expect(ws.logouts[0]?.logoutToken).toBe(token);
      expect(await answered(relay, 200, 'accepted-pending')).toBe(1);
      const [line] = lines(relay, 'logout accepted pending');
      expect(line).toMatchObject({
        delivered: 1,
        sub: expect.any(String),
        sid: expect.any(String),
        msg: 'logout accepted and passed to this replica; kept until Redis takes it',
      });
      expect(JSON.stringify(line)).not.toContain(SUB);
      expect(await counts(relay)).toMatchObject({ accepted: 1, acceptedPending: 1 });
    });

    it('the same token again is refused as replayed by this replica’s own memory, with the store noted', async () => {
      const token = await logoutToken();
      expect((await post(relay, form(token))).status).toBe(200);
      const again = await post(relay, form(token));
      expect(again).toMatchObject({ status: 400, body: { error_description: 'LOGOUT_TOKEN_REPLAYED' } });
      expect(lines(relay, 'logout refused').at(-1)).toMatchObject({
        code: 'LOGOUT_TOKEN_REPLAYED',
        store: 'unavailable',
      });
    });
  });
});
