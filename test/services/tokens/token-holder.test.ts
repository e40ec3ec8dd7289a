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
});
