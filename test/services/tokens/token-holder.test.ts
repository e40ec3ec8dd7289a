import { describe, expect, it } from 'vitest';
import { createTokenHolder } from '../../../main/services/tokens/token-holder';
import type { HeldTokens, RefreshedTokens } from '../../../main/services/tokens/token-holder';

const held = (over: Partial<HeldTokens> = {}): HeldTokens => ({
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: 'id-1',
  expiresAt: 1_000_000,
  issuer: 'https://issuer.example',
  subject: 'sub-1',
  ...over,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup() {
  let now = 0;
  const calls: string[] = [];
  let next = deferred<RefreshedTokens>();
  const holder = createTokenHolder({
    now: () => now,
    refreshMarginMs: 60_000,
    // The top of the retry's jitter: each wait is its ceiling (15 s, 30 s, …), so times are exact.
    random: () => 1,
    refresh: (rt) => {
      calls.push(rt);
      return next.promise;
    },
  });
  return {
    holder,
    calls,
    setNow: (t: number) => (now = t),
    answer: (r: Partial<RefreshedTokens>) =>
      next.resolve({
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        idToken: null,
        expiresAt: 2_000_000,
        issuer: null,
        subject: null,
        ...r,
      }),
    failWith: (e: unknown) => next.reject(e),
    reset: () => (next = deferred<RefreshedTokens>()),
  };
}

describe('TokenHolder', () => {
  it('is signed-out before anything is stored', async () => {
    expect(await setup().holder.getAccessToken()).toEqual({ ok: false, reason: 'signed-out' });
  });

  it('hands out the held token without refreshing while it is outside the margin', async () => {
    const t = setup();
    t.holder.store(held());
    expect(await t.holder.getAccessToken()).toEqual({ ok: true, token: 'at-1' });
    expect(t.calls).toEqual([]);
  });

  it('shares one refresh between concurrent callers and uses the rotated refresh token next time', async () => {
    const t = setup();
    t.holder.store(held());
    t.setNow(950_000);
    const results = Promise.all([t.holder.getAccessToken(), t.holder.getAccessToken(), t.holder.getAccessToken()]);
    t.answer({});
    expect(await results).toEqual(Array(3).fill({ ok: true, token: 'at-2' }));
    expect(t.calls).toEqual(['rt-1']);
    t.reset();
    t.setNow(1_950_000);
    const again = t.holder.getAccessToken();
    t.answer({ accessToken: 'at-3', refreshToken: 'rt-3', expiresAt: 3_000_000 });
    expect(await again).toEqual({ ok: true, token: 'at-3' });
    expect(t.calls).toEqual(['rt-1', 'rt-2']);
  });

  it('refuses a refresh that changes iss or sub, and stays failed', async () => {
    for (const change of [{ subject: 'someone-else' }, { issuer: 'https://impostor.example' }]) {
      const t = setup();
      const failures: string[] = [];
      t.holder.onRefreshOutcome((o) => failures.push(o.kind === 'refused' ? o.error.code : o.kind));
      t.holder.store(held());
      t.setNow(950_000);
      const r = t.holder.getAccessToken();
      t.answer(change);
      expect(await r).toEqual({ ok: false, reason: 'refresh-refused' });
      expect(await t.holder.getAccessToken()).toEqual({ ok: false, reason: 'refresh-refused' });
      expect(failures).toEqual(['TOKEN_REFRESH_FAILED']);
    }
  });

  it('turns a refresh that failed its checks into refresh-refused, never an exception', async () => {
    const t = setup();
    t.holder.onRefreshOutcome(() => {
      throw new Error('a listener that breaks');
    });
    t.holder.store(held());
    t.setNow(950_000);
    const r = t.holder.getAccessToken();
    t.failWith(new Error('invalid_grant'));
    expect(await r).toEqual({ ok: false, reason: 'refresh-refused' });
  });

  it('wipe is immediate and discards a refresh that lands afterwards', async () => {
    const t = setup();
    t.holder.store(held());
    t.holder.beginAttempt({ codeVerifier: 'v', state: 's', nonce: 'n' });
    t.setNow(950_000);
    const r = t.holder.getAccessToken();
    t.holder.wipe();
    expect(t.holder.hasSession()).toBe(false);
    expect(t.holder.attempt()).toBeNull();
    expect(t.holder.peekForRevocation()).toBeNull();
    t.answer({});
    expect(await r).toEqual({ ok: false, reason: 'signed-out' });
    expect(await t.holder.getAccessToken()).toEqual({ ok: false, reason: 'signed-out' });
  });

  it('endAttempt leaves a newer attempt alone', () => {
    const t = setup();
    t.holder.beginAttempt({ codeVerifier: 'v1', state: 's1', nonce: 'n1' });
    t.holder.beginAttempt({ codeVerifier: 'v2', state: 's2', nonce: 'n2' });
    t.holder.endAttempt('s1');
    expect(t.holder.attempt()?.state).toBe('s2');
    t.holder.endAttempt('s2');
    expect(t.holder.attempt()).toBeNull();
  });

  describe('while CIS2 does not answer', () => {
    const offline = () => new TypeError('fetch failed');

    it('keeps the tokens, reports unanswered once per try, waits before trying again, and reports the recovery', async () => {
      const t = setup();
      const outcomes: unknown[] = [];
      t.holder.onRefreshOutcome((o) => outcomes.push(o));
      t.holder.store(held());
      t.setNow(950_000);
      const first = t.holder.getAccessToken();
      t.failWith(offline());
      expect(await first).toEqual({ ok: false, reason: 'unreachable' });
      expect(t.holder.hasSession()).toBe(true);
      expect(t.holder.currentIdToken()).toBe('id-1');
      expect(outcomes).toEqual([
        { kind: 'unanswered', cause: 'network', detail: null, attempt: 1, unreachableForMs: 0, retryInMs: 15_000 },
      ]);
      // Within the wait: no request, no new report.
      t.reset();
      t.setNow(964_999);
      expect(t.holder.retryDue()).toBe(false);
      expect(await t.holder.getAccessToken()).toEqual({ ok: false, reason: 'unreachable' });
      expect(t.calls).toEqual(['rt-1']);
      // The wait over: one try with the same refresh token, and the next wait doubles.
      t.setNow(965_000);
      expect(t.holder.retryDue()).toBe(true);
      const second = t.holder.getAccessToken();
      t.failWith(offline());
      expect(await second).toEqual({ ok: false, reason: 'unreachable' });
      expect(t.calls).toEqual(['rt-1', 'rt-1']);
      expect(outcomes[1]).toMatchObject({ attempt: 2, unreachableForMs: 15_000, retryInMs: 30_000 });
      t.reset();
      t.setNow(995_000);
      const third = t.holder.getAccessToken();
      t.answer({});
      expect(await third).toEqual({ ok: true, token: 'at-2' });
      expect(outcomes[2]).toEqual({ kind: 'recovered', unreachableForMs: 45_000, attempts: 2 });
      expect(t.holder.retryDue()).toBe(false);
    });

    it('grows the wait to five minutes and no further, jittered within half of it', async () => {
      const random = [0, 0.999];
      for (const r of random) {
        let now = 950_000;
        const waits: number[] = [];
        const holder = createTokenHolder({
          now: () => now,
          refreshMarginMs: 60_000,
          refresh: () => Promise.reject(offline()),
          random: () => r,
        });
        holder.onRefreshOutcome((o) => {
          if (o.kind === 'unanswered') waits.push(o.retryInMs);
        });
        holder.store(held());
        for (let i = 0; i < 8; i += 1) {
          await holder.getAccessToken();
          now += waits.at(-1) ?? 0;
        }
        const ceilings = [15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000];
        expect(waits).toEqual(ceilings.map((c) => (r === 0 ? c / 2 : Math.round(c * (0.5 + 0.5 * r)))));
      }
    });

    it('a clock set back does not stall the retries: a wait longer than the longest is over', async () => {
      const t = setup();
      t.holder.store(held());
      t.setNow(950_000);
      const first = t.holder.getAccessToken();
      t.failWith(offline());
      await first;
      t.setNow(950_000 - 3_600_000);
      // The token is inside its margin by this clock too, and the wait now looks an hour long.
      expect(t.holder.retryDue()).toBe(true);
    });

    it('a refusal after an outage ends it: refused, and no more retries', async () => {
      const t = setup();
      const kinds: string[] = [];
      t.holder.onRefreshOutcome((o) => kinds.push(o.kind));
      t.holder.store(held());
      t.setNow(950_000);
      const first = t.holder.getAccessToken();
      t.failWith(offline());
      await first;
      t.reset();
      t.setNow(1_000_000);
      const second = t.holder.getAccessToken();
      t.failWith(
        Object.assign(new Error('invalid_grant'), {
          code: 'OAUTH_RESPONSE_BODY_ERROR',
          error: 'invalid_grant',
          status: 400,
        }),
      );
      expect(await second).toEqual({ ok: false, reason: 'refresh-refused' });
      expect(kinds).toEqual(['unanswered', 'refused']);
      expect(t.holder.retryDue()).toBe(false);
      expect(t.holder.hasSession()).toBe(false);
    });

    it('a new sign-in (store) and a wipe both end the outage', async () => {
      const t = setup();
      t.holder.store(held());
      t.setNow(950_000);
      const first = t.holder.getAccessToken();
      t.failWith(offline());
      await first;
      t.setNow(970_000);
      expect(t.holder.retryDue()).toBe(true);
      t.holder.store(held({ expiresAt: 2_000_000 }));
      expect(t.holder.retryDue()).toBe(false);
      expect(await t.holder.getAccessToken()).toEqual({ ok: true, token: 'at-1' });
      t.holder.wipe();
      expect(t.holder.retryDue()).toBe(false);
    });
  });
});
