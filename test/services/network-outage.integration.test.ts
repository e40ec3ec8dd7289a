/**
 * Issue 21 through the real services (session service, CIS2 sign-in, token holder, draft vault,
 * audit) against the CIS2 sandbox, as the harness runs them: the ward's network drops, CIS2
 * answers 503, stays unreachable for 40 minutes while the clinician types, or revokes the
 * clinician's refresh token. Only the last locks. The session's clock is the harness's manual
 * clock (the keep-alive refresh keeps it too); the sandbox and every HTTP request are real.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from '../harness/harness';
import type { Harness } from '../harness/harness';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The sandbox's access tokens live 5 minutes; the shell refreshes within a minute of expiry. */
const intoRefreshMargin = 4 * MINUTE + 5 * SECOND;

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness({ secretStore: 'memory' });
});
afterEach(() => harness.close());

const backend = () => harness.services.session.backend;
const status = () => harness.services.session.state().status;
const view = () => harness.services.session.view();
type Line = Record<string, unknown>;
const audit = async (event: string): Promise<Line[]> =>
  ((await harness.control('GET', `/control/audit?event=${event}`)) as { lines: Line[] }).lines;
const outage = (body: Record<string, unknown>) => harness.control('POST', '/control/cis2/outage', body);

/** Moves the session's clock in steps of `stepMs`, as a ward PC's time passes, the clinician typing each step. */
async function workFor(ms: number, stepMs = 30 * SECOND): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    backend().reportActivity();
    await harness.control('POST', '/control/clock/advance', { ms: Math.min(stepMs, ms - done) });
    await settleRefresh();
    expect(status(), `still working ${Math.round((done + stepMs) / SECOND)} s in`).toBe('active');
  }
}

/** The keep-alive refresh is real HTTP: wait for the one in flight (if any) to be answered or not. */
async function settleRefresh(): Promise<void> {
  const tokens = harness.services.signIn.tokens;
  // getAccessToken shares the refresh in flight, and makes none while a retry's wait runs.
  await tokens.getAccessToken();
  await harness.services.session.settled();
}

async function signInAsNurse(): Promise<void> {
  await backend().signIn();
  await harness.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
  expect(status()).toBe('active');
}

const note = { id: 'note-1', patient: 'Jane Doe', text: 'Obs stable overnight.', updatedAt: 1 };

describe('the ward network drops at refresh time (issue 21)', () => {
  it('six minutes of dropped connections: working throughout, the outage noted once per try, then a successful refresh', async () => {
    await signInAsNurse();
    expect((await backend().saveDraft(note)).ok).toBe(true);
    await outage({ mode: 'drop' });
    await workFor(intoRefreshMargin + 6 * MINUTE);
    expect(view()).toMatchObject({ kind: 'active', cis2Unreachable: true });
    const unanswered = await audit('token.refresh-unanswered');
    expect(unanswered.length).toBeGreaterThanOrEqual(3);
    expect(unanswered[0]).toMatchObject({ causeClass: 'network', attempt: 1, outcome: 'failure' });
    expect(await audit('token.refresh-failed')).toEqual([]);

    await outage({ mode: null });
    // The next try comes at most the longest wait (5 min) later.
    await workFor(5 * MINUTE + 30 * SECOND);
    expect(view()).toMatchObject({ kind: 'active', cis2Unreachable: false });
    const [recovered] = await audit('token.refresh-recovered');
    expect(recovered).toMatchObject({ attempts: unanswered.length, outcome: 'success' });
    expect(Number(recovered?.['unreachableForMs'])).toBeGreaterThanOrEqual(6 * MINUTE);
    expect(await backend().loadDrafts()).toEqual({ ok: true, value: { drafts: [note] } });
    expect(await audit('session.locked')).toEqual([]);
  });

  it('CIS2 answering 503 for six minutes is an unanswered refresh (server-error), not a refusal', async () => {
    await signInAsNurse();
    await outage({ mode: 'unavailable' });
    await workFor(intoRefreshMargin + 6 * MINUTE);
    const [first] = await audit('token.refresh-unanswered');
    expect(first).toMatchObject({ causeClass: 'server-error', detail: 'HTTP 503' });
    await outage({ mode: null });
    await workFor(5 * MINUTE + 30 * SECOND);
    expect(await audit('token.refresh-recovered')).toHaveLength(1);
    expect(await audit('session.locked')).toEqual([]);
  });

  it('a 40-minute outage with the clinician typing: never locked, the note exactly as typed, tries spaced out to 5 minutes', async () => {
    await signInAsNurse();
    await outage({ mode: 'drop', scope: 'everything' });
    let text = '';
    for (let minute = 0; minute < 40; minute += 1) {
      text += `Minute ${minute}. `;
      expect((await backend().saveDraft({ ...note, text, updatedAt: minute + 2 })).ok).toBe(true);
      await workFor(MINUTE);
    }
    expect(await backend().loadDrafts()).toEqual({ ok: true, value: { drafts: [{ ...note, text, updatedAt: 41 }] } });
    const tries = await audit('token.refresh-unanswered');
    // 15 s doubling to 5 min, each wait half to all of its ceiling: over ~36 minutes of outage,
    // at least 7 tries and never more than about one a minute once the waits have grown.
    expect(tries.length).toBeGreaterThanOrEqual(7);
    expect(tries.length).toBeLessThanOrEqual(24);
    expect(Math.max(...tries.map((t) => Number(t['retryInMs'])))).toBeLessThanOrEqual(5 * MINUTE);
    expect(await audit('session.locked')).toEqual([]);
  });

  it('CIS2 revoking the refresh token locks within one keep-alive interval, the note kept', async () => {
    await signInAsNurse();
    expect((await backend().saveDraft(note)).ok).toBe(true);
    await harness.control('POST', '/control/cis2/revoke-refresh', { clinician: 'nurse-hughes' });
    await harness.control('POST', '/control/clock/advance', { ms: intoRefreshMargin });
    await settleRefresh();
    // The keep-alive runs once a minute: at most one more minute to the refused refresh.
    await harness.control('POST', '/control/clock/advance', { ms: MINUTE });
    await settleRefresh();
    expect(harness.services.session.state()).toMatchObject({ status: 'locked', reason: 'refresh-refused' });
    expect((await audit('token.refresh-failed'))[0]).toMatchObject({
      refusal: 'invalid-grant',
      oauthError: 'invalid_grant',
    });
    await backend().unlock();
    await harness.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
    expect(await backend().loadDrafts()).toEqual({ ok: true, value: { drafts: [note] } });
  });

  it('IT’s UnansweredRefreshLimitSeconds locks at its limit during an outage, and unlocking needs CIS2', async () => {
    await harness.control('POST', '/control/policy', { unansweredRefreshLimitSeconds: 120 });
    await signInAsNurse();
    await outage({ mode: 'drop' });
    await harness.control('POST', '/control/clock/advance', { ms: intoRefreshMargin });
    await settleRefresh();
    expect(status()).toBe('active');
    const [first] = await audit('token.refresh-unanswered');
    expect(first).toBeDefined();
    backend().reportActivity();
    await harness.control('POST', '/control/clock/advance', { ms: 119 * SECOND });
    await settleRefresh();
    expect(status()).toBe('active');
    await harness.control('POST', '/control/clock/advance', { ms: SECOND });
    expect(harness.services.session.state()).toMatchObject({ status: 'locked', reason: 'cis2-unreachable' });
    expect(view()).toMatchObject({ kind: 'locked', cis2Unreachable: true });
  });

  it('sign-out while offline is immediate; the revocation CIS2 missed is recorded', async () => {
    await signInAsNurse();
    await outage({ mode: 'drop', scope: 'everything' });
    await backend().signOut();
    expect(status()).toBe('ended');
    expect(harness.services.signIn.tokens.hasSession()).toBe(false);
    await expect.poll(async () => (await audit('token.revocation-failed')).length, { timeout: 10_000 }).toBe(1);
  });

  it('an unlock whose code exchange CIS2 does not answer fails with the unreachable notice and loses nothing', async () => {
    await signInAsNurse();
    expect((await backend().saveDraft(note)).ok).toBe(true);
    await backend().lock();
    await outage({ mode: 'drop' });
    await backend().unlock();
    await harness.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
    expect(view()).toMatchObject({ kind: 'locked', notice: { code: 'SIGNIN_NETWORK' } });
    await outage({ mode: null });
    await backend().unlock();
    await harness.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
    expect(status()).toBe('active');
    expect(await backend().loadDrafts()).toEqual({ ok: true, value: { drafts: [note] } });
  });
});
