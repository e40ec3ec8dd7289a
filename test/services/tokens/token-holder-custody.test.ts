// The token holder's custody rules at their edges: the logger's redaction list follows exactly
// what the holder holds (every secret taken is registered, every secret let go is forgotten), a
// refresh that lands after sign-out or after another clinician's sign-in never touches the new
// session, and the refresh margin and the retry's clock-back rule at their exact boundaries.
import { describe, expect, it } from 'vitest';
import { redactionListForTests } from '../../../main/services/logger';
import { createTokenHolder } from '../../../main/services/tokens/token-holder';
import type { HeldTokens, RefreshedTokens, RefreshOutcome } from '../../../main/services/tokens/token-holder';

const held = (tag: string, over: Partial<HeldTokens> = {}): HeldTokens => ({
  accessToken: `access-token-${tag}`,
  refreshToken: `refresh-token-${tag}`,
  idToken: `id-token-${tag}`,
  expiresAt: 1_000_000,
  issuer: 'https://issuer.example',
  subject: 'sub-1',
  ...over,
});

const renewed = (tag: string, over: Partial<RefreshedTokens> = {}): RefreshedTokens => ({
  accessToken: `access-token-${tag}`,
  refreshToken: `refresh-token-${tag}`,
  idToken: null,
  expiresAt: 2_000_000,
  issuer: null,
  subject: null,
  ...over,
});

/** A holder whose every refresh call gets its own answer, given by the test in call order. */
function setup(refreshMarginMs = 60_000) {
  let now = 0;
  const calls: Array<{ refreshToken: string; answer(r: RefreshedTokens): void; fail(e: unknown): void }> = [];
  const outcomes: RefreshOutcome[] = [];
  const holder = createTokenHolder({
    now: () => now,
    refreshMarginMs,
    random: () => 1,
    refresh: (refreshToken) =>
      new Promise<RefreshedTokens>((resolve, reject) => calls.push({ refreshToken, answer: resolve, fail: reject })),
  });
  holder.onRefreshOutcome((o) => outcomes.push(o));
  return { holder, calls, outcomes, setNow: (t: number) => (now = t) };
}

const live = () => new Set(redactionListForTests().live);
const flush = () => new Promise((r) => setImmediate(r));

describe("the logger's redaction list follows the holder", () => {
  it('registers the held tokens and the attempt secrets, and forgets each one the holder lets go', async () => {
    const t = setup();
    t.holder.beginAttempt({ codeVerifier: 'verifier-abcdefgh', state: 'state-abcdefgh', nonce: 'nonce-abcdefgh' });
    expect(live()).toEqual(new Set(['verifier-abcdefgh', 'state-abcdefgh', 'nonce-abcdefgh']));
    t.holder.endAttempt('some-other-state');
    expect(live()).toEqual(new Set(['verifier-abcdefgh', 'state-abcdefgh', 'nonce-abcdefgh']));
    t.holder.endAttempt('state-abcdefgh');
    expect(live()).toEqual(new Set());

    t.holder.store(held('a'));
    expect(live()).toEqual(new Set(['access-token-a', 'refresh-token-a', 'id-token-a']));
    // Rotation: the new access and refresh tokens replace the old ones in the list; the ID token stays.
    t.setNow(950_000);
    const r = t.holder.getAccessToken();
    t.calls[0]?.answer(renewed('b'));
    expect(await r).toEqual({ ok: true, token: 'access-token-b' });
    expect(live()).toEqual(new Set(['access-token-b', 'refresh-token-b', 'id-token-a']));
    expect(redactionListForTests().retired.length).toBeGreaterThanOrEqual(2);

    t.holder.wipe();
    expect(live()).toEqual(new Set());
  });

  it('holds no ID token when none was issued, and registers nothing for it', () => {
    const t = setup();
    t.holder.store(held('n', { idToken: null }));
    expect(t.holder.currentIdToken()).toBeNull();
    expect(live()).toEqual(new Set(['access-token-n', 'refresh-token-n']));
    t.holder.wipe();
  });

  it('forgets every token when CIS2 refuses the refresh', async () => {
    const t = setup();
    t.holder.store(held('r'));
    t.setNow(950_000);
    const r = t.holder.getAccessToken();
    t.calls[0]?.fail(
      Object.assign(new Error('invalid_grant'), { name: 'ResponseBodyError', error: 'invalid_grant', status: 400 }),
    );
    expect(await r).toEqual({ ok: false, reason: 'refresh-refused' });
    expect(live()).toEqual(new Set());
    expect(t.holder.currentIdToken()).toBeNull();
    expect(t.holder.peekForRevocation()).toBeNull();
  });
});

describe('what a refresh keeps and tells', () => {
  it('takes a new ID token when CIS2 sends one, and keeps the old one when it does not', async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(950_000);
    const first = t.holder.getAccessToken();
    t.calls[0]?.answer(renewed('b', { idToken: 'id-token-b' }));
    await first;
    expect(t.holder.currentIdToken()).toBe('id-token-b');
    expect(t.holder.hasSession()).toBe(true);
    expect(t.holder.peekForRevocation()).toEqual({
      refreshToken: 'refresh-token-b',
      accessToken: 'access-token-b',
      idToken: 'id-token-b',
    });
    t.setNow(1_950_000);
    const second = t.holder.getAccessToken();
    t.calls[1]?.answer(renewed('c', { idToken: null, expiresAt: 3_000_000 }));
    await second;
    expect(t.holder.currentIdToken()).toBe('id-token-b');
    t.holder.wipe();
  });

  it('refuses without asking CIS2 when there is no refresh token, and says why', async () => {
    const t = setup();
    t.holder.store(held('x', { refreshToken: null }));
    t.setNow(950_000);
    expect(await t.holder.getAccessToken()).toEqual({ ok: false, reason: 'refresh-refused' });
    expect(t.calls).toEqual([]);
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o?.kind === 'refused' && o.refusal).toBe('no-refresh-token');
    expect(o?.kind === 'refused' && o.error.message).toBe(
      'Your sign-in has expired and cannot be renewed; sign in again to carry on.',
    );
  });

  it("keeps CIS2's refusal as the error's cause and tells the clinician their work is kept", async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(950_000);
    const refusal = Object.assign(new Error('invalid_grant'), {
      name: 'ResponseBodyError',
      error: 'invalid_grant',
      status: 400,
    });
    const r = t.holder.getAccessToken();
    t.calls[0]?.fail(refusal);
    await r;
    const o = t.outcomes[0];
    expect(o?.kind).toBe('refused');
    if (o?.kind !== 'refused') return;
    expect(o.error.code).toBe('TOKEN_REFRESH_FAILED');
    expect(o.error.cause).toBe(refusal);
    expect(o.error.message).toBe(
      'NHS Care Identity refused to renew your sign-in; sign in again to carry on. Your work is kept.',
    );
  });

  it('says a renewal for another identity was refused', async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(950_000);
    const r = t.holder.getAccessToken();
    t.calls[0]?.answer(renewed('b', { subject: 'someone-else' }));
    await r;
    const o = t.outcomes[0];
    expect(o?.kind === 'refused' && o.refusal).toBe('other-identity');
    expect(o?.kind === 'refused' && o.error.message).toBe(
      'CIS2 renewed the sign-in for a different identity, so it was refused; sign in again to carry on.',
    );
  });

  it('refreshes when exactly the margin is left, not only inside it', async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(1_000_000 - 60_001);
    expect(await t.holder.getAccessToken()).toEqual({ ok: true, token: 'access-token-a' });
    expect(t.calls).toHaveLength(0);
    t.setNow(1_000_000 - 60_000);
    const r = t.holder.getAccessToken();
    expect(t.calls).toHaveLength(1);
    t.calls[0]?.answer(renewed('b'));
    expect(await r).toEqual({ ok: true, token: 'access-token-b' });
    t.holder.wipe();
  });

  it('ends an attempt safely when none is in progress', () => {
    const t = setup();
    expect(() => t.holder.endAttempt('state-abcdefgh')).not.toThrow();
    expect(t.holder.attempt()).toBeNull();
  });
});

describe('a refresh that lands late', () => {
  it("is thrown away after sign-out and another clinician's sign-in, whether it succeeded or failed", async () => {
    for (const ending of ['answered', 'refused'] as const) {
      const t = setup();
      t.holder.store(held('a'));
      t.setNow(950_000);
      const late = t.holder.getAccessToken();
      t.holder.wipe();
      t.holder.store(held('b', { subject: 'sub-2', expiresAt: 5_000_000 }));
      if (ending === 'answered') t.calls[0]?.answer(renewed('stale'));
      else
        t.calls[0]?.fail(
          Object.assign(new Error('invalid_grant'), { name: 'ResponseBodyError', error: 'invalid_grant', status: 400 }),
        );
      expect(await late).toEqual({ ok: false, reason: 'signed-out' });
      expect(t.outcomes).toEqual([]);
      expect(t.holder.hasSession()).toBe(true);
      expect(await t.holder.getAccessToken()).toEqual({ ok: true, token: 'access-token-b' });
      expect(live()).toEqual(new Set(['access-token-b', 'refresh-token-b', 'id-token-b']));
      t.holder.wipe();
    }
  });

  it("does not end the next session's refresh sharing: a third caller joins the refresh in flight", async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(950_000);
    const late = t.holder.getAccessToken();
    t.holder.wipe();
    t.holder.store(held('b'));
    const current = t.holder.getAccessToken();
    expect(t.calls.map((c) => c.refreshToken)).toEqual(['refresh-token-a', 'refresh-token-b']);
    t.calls[0]?.answer(renewed('stale'));
    await late;
    await flush();
    const joined = t.holder.getAccessToken();
    expect(t.calls).toHaveLength(2);
    t.calls[1]?.answer(renewed('c'));
    expect(await current).toEqual({ ok: true, token: 'access-token-c' });
    expect(await joined).toEqual({ ok: true, token: 'access-token-c' });
    t.holder.wipe();
  });
});

describe("the retry's waits at their edges", () => {
  const offline = () => new TypeError('fetch failed');

  it('a caller during a retry shares it even if the clock stepped back meanwhile', async () => {
    const t = setup();
    t.holder.store(held('a'));
    t.setNow(950_000);
    const first = t.holder.getAccessToken();
    t.calls[0]?.fail(offline());
    await first;
    t.setNow(965_000);
    const retry = t.holder.getAccessToken();
    t.setNow(951_000);
    const during = t.holder.getAccessToken();
    expect(t.calls).toHaveLength(2);
    t.calls[1]?.answer(renewed('b'));
    expect(await retry).toEqual({ ok: true, token: 'access-token-b' });
    expect(await during).toEqual({ ok: true, token: 'access-token-b' });
    t.holder.wipe();
  });

  it('a wait of exactly the longest is still a wait; only a longer one means the clock went back', async () => {
    // A margin wider than the token's life: every call wants a refresh, whatever the clock says.
    const t = setup(10_000_000);
    t.holder.store(held('a'));
    t.setNow(950_000);
    const first = t.holder.getAccessToken();
    t.calls[0]?.fail(offline());
    await first;
    // Retry due at 965 000; the longest wait is 300 000 ms.
    t.setNow(665_000);
    expect(t.holder.retryDue()).toBe(false);
    expect(await t.holder.getAccessToken()).toEqual({ ok: false, reason: 'unreachable' });
    expect(t.calls).toHaveLength(1);
    t.setNow(664_999);
    expect(t.holder.retryDue()).toBe(true);
    t.holder.wipe();
    expect(t.holder.retryDue()).toBe(false);
  });
});
