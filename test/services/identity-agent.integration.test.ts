/**
 * Issue 22, Identity Agent: while its session lives (the card stays in the reader), CIS2 may answer
 * prompt=login without asking for the PIN. Through the real services, the real smartcard source on
 * the harness's PC/SC reader, and the CIS2 sandbox: (a) an unlock whose auth_time is from before
 * now gets its own words and leaves the session locked; (b) a session locked with the card in is
 * not unlocked until the card has left the reader and come back, after which (c) a fresh
 * authentication unlocks it, the note intact.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShellBackend } from '../../preload/contract';
import { startHarness } from '../harness/harness';
import type { Harness } from '../harness/harness';

let harness: Harness;
let gated: ShellBackend;
beforeEach(async () => {
  harness = await startHarness({ secretStore: 'memory', smartcard: { cardIn: true } });
  const card = harness.smartcard;
  if (card === null) throw new Error('the harness was started with a smartcard reader');
  // What the renderer talks to: the session's backend behind the smartcard gate, as on a ward PC.
  gated = card.gate(harness.services.session.backend);
});
afterEach(() => harness.close());

const note = { id: 'note-1', patient: 'Jane Doe', text: 'Obs stable overnight.', updatedAt: 1 };
const view = () => harness.services.session.view();
const complete = () => harness.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
const card = (action: 'insert' | 'remove') => harness.control('POST', `/control/smartcard/${action}`);
const audit = async (event: string): Promise<Record<string, unknown>[]> =>
  ((await harness.control('GET', `/control/audit?event=${event}`)) as { lines: Record<string, unknown>[] }).lines;

async function signedInAndLocked(): Promise<void> {
  await gated.signIn();
  await complete();
  expect((await gated.saveDraft(note)).ok).toBe(true);
  expect(await gated.lock()).toEqual({ ok: true, value: null });
}

describe('Identity Agent sessions at the lock screen (issue 22)', () => {
  it('(a) an unlock CIS2 answered on an earlier authentication says to take the card out and put it back, and stays locked', async () => {
    await signedInAndLocked();
    await card('remove');
    await card('insert');
    harness.sandbox.misbehave('auth-time-stale');
    expect((await gated.unlock()).ok).toBe(true);
    await complete();
    expect(view()).toMatchObject({
      kind: 'locked',
      notice: {
        code: 'SIGNIN_AUTH_TIME_STALE',
        message: expect.stringContaining('Remove your smartcard, put it back, enter your PIN, then select Unlock.'),
      },
    });
    expect((await audit('reauth.failed')).at(-1)).toMatchObject({
      code: 'SIGNIN_AUTH_TIME_STALE',
      cause: 'AUTH_TIME_BEFORE_NOW',
    });
  });

  it('(a) an auth_time in the future is the clock, not the card: the general words', async () => {
    await signedInAndLocked();
    await card('remove');
    await card('insert');
    harness.sandbox.misbehave('auth-time-future');
    await gated.unlock();
    await complete();
    const v = view();
    expect(v.kind).toBe('locked');
    expect('notice' in v && v.notice?.message).not.toMatch(/smartcard/);
  });

  it('(b) with the card left in the reader, Unlock is refused until it goes out and back; (c) then a fresh authentication unlocks, the note intact', async () => {
    await signedInAndLocked();
    expect(await gated.getView()).toMatchObject({ ok: true, value: { kind: 'locked', smartcard: 'reinsert' } });
    expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
    expect(harness.services.session.state().status).toBe('locked');
    await card('remove');
    await card('insert');
    expect(await gated.getView()).toMatchObject({ ok: true, value: { kind: 'locked', smartcard: 'in' } });
    expect(await gated.unlock()).toEqual({ ok: true, value: null });
    await complete();
    expect(view().kind).toBe('active');
    expect(await gated.loadDrafts()).toEqual({ ok: true, value: { drafts: [note] } });
  });
});
