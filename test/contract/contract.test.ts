import { describe, expect, it, vi } from 'vitest';
import { endReasons, lockReasons } from '../../main/core/session/vocabulary';
import {
  DraftSchema,
  EndReasonSchema,
  LockReasonSchema,
  NoticeSchema,
  SessionViewSchema,
  dispatch,
  invokeChannelNames,
  limits,
  methodChannels,
  noticeCodes,
  refusalCodes,
  transportErrorCodes,
  parseRequest,
  unsafeViewFallback,
  viewForRenderer,
} from '../../preload/contract';
import type { Draft, Result, SessionView, ShellBackend } from '../../preload/contract';

const clinician = {
  name: 'Dr Asha Patel',
  roleName: 'Clinical Practitioner',
  orgName: 'Ward 7, St Elsewhere',
  orgCode: 'RX1',
};
const activeView: SessionView = {
  kind: 'active',
  clinician,
  sessionSecondsLeft: 42_000,
  sessionEndingSoon: false,
  signingInAgain: null,
  notice: null,
  draftStorage: 'protected',
};
const draft: Draft = {
  id: '6f1c2f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  patient: 'Jane Doe 943 476 5919',
  text: 'Obs stable.',
  updatedAt: 1_700_000_000_000,
};

function fakeBackend(overrides: Partial<ShellBackend> = {}): ShellBackend {
  const ack = (): Result<null> => ({ ok: true, value: null });
  return {
    getView: () => ({ ok: true, value: activeView }),
    signIn: ack,
    cancelSignIn: ack,
    stillHere: ack,
    unlock: ack,
    signInAsSomeoneElse: ack,
    lock: ack,
    renewSession: ack,
    changeRole: ack,
    signOut: ack,
    loadDrafts: () => ({ ok: true, value: { drafts: [draft] } }),
    saveDraft: () => ({ ok: true, value: { savedAt: 5 } }),
    reportActivity: () => undefined,
    subscribe: () => () => undefined,
    ...overrides,
  };
}

describe('schemas', () => {
  it('accepts every kind of session view', () => {
    const views: SessionView[] = [
      { kind: 'signed-out', notice: null },
      { kind: 'signed-out', notice: { code: 'SIGNIN_PROVIDER_ERROR', message: 'Sign-in did not finish. Try again.' } },
      { kind: 'signing-in', purpose: 'unlock', notice: null },
      activeView,
      {
        kind: 'warning',
        clinician,
        secondsLeft: 42,
        sessionSecondsLeft: 100,
        sessionEndingSoon: false,
        signingInAgain: null,
        notice: null,
        draftStorage: 'memory-only',
      },
      {
        kind: 'locked',
        reason: 'os-lock',
        clinician: { ...clinician, roleName: null },
        unlocking: false,
        lockedAt: 1_800_000_000_000,
        notice: null,
      },
      { kind: 'ended', reason: 'different-user' },
    ];
    for (const view of views) expect(SessionViewSchema.parse(view)).toEqual(view);
  });

  it('rejects a view carrying an extra field such as a token, rather than stripping it silently', () => {
    expect(SessionViewSchema.safeParse({ ...activeView, accessToken: 'eyJ...' }).success).toBe(false);
    expect(SessionViewSchema.safeParse({ ...activeView, clinician: { ...clinician, sub: '123' } }).success).toBe(false);
    expect(viewForRenderer({ ...activeView, refreshToken: 'r' })).toBeNull();
    expect(viewForRenderer(activeView)).toEqual(activeView);
  });

  it('rejects unknown kinds, reasons and negative or fractional countdowns', () => {
    expect(SessionViewSchema.safeParse({ kind: 'unlocked' }).success).toBe(false);
    expect(SessionViewSchema.safeParse({ kind: 'ended', reason: 'bored' }).success).toBe(false);
    expect(SessionViewSchema.safeParse({ ...activeView, sessionSecondsLeft: -1 }).success).toBe(false);
    expect(SessionViewSchema.safeParse({ ...activeView, sessionSecondsLeft: 1.5 }).success).toBe(false);
  });

  it('takes lock and end reasons from the engine, so the two lists cannot drift', () => {
    expect(LockReasonSchema.options).toEqual([...lockReasons]);
    expect(EndReasonSchema.options).toEqual([...endReasons]);
    // The engine never locks for a back-channel logout: it ends the session.
    expect(LockReasonSchema.safeParse('backchannel-logout').success).toBe(false);
    expect(EndReasonSchema.safeParse('backchannel-logout').success).toBe(true);
  });

  it("gives a notice the ShellError's own code, or the engine's refusal of a sign-in while working, and nothing else", () => {
    const message = 'Sign-in did not finish. Try again.';
    for (const code of [
      'SIGNIN_NETWORK',
      'SIGNIN_CANCELLED',
      'IPC_INVALID',
      'INTERNAL',
      'different-user',
      'past-limit',
    ])
      expect(NoticeSchema.safeParse({ code, message }).success, code).toBe(true);
    // The kebab spelling notices had before, a made-up code, another vocabulary's code: all refused.
    for (const code of ['signin-network', 'sign-in-failed', 'view-unavailable', 'not-active', 'SIGNIN_NOPE', ''])
      expect(NoticeSchema.safeParse({ code, message }).success, code).toBe(false);
    expect(new Set(noticeCodes).size).toBe(noticeCodes.length);
    // The fallback for a view that failed its schema is itself a valid view, with a notice code of the list.
    expect(SessionViewSchema.safeParse(unsafeViewFallback).success).toBe(true);
  });

  it('holds drafts to their size limits', () => {
    expect(DraftSchema.safeParse(draft).success).toBe(true);
    expect(DraftSchema.safeParse({ ...draft, text: 'x'.repeat(limits.textChars) }).success).toBe(true);
    expect(DraftSchema.safeParse({ ...draft, text: 'x'.repeat(limits.textChars + 1) }).success).toBe(false);
    expect(DraftSchema.safeParse({ ...draft, patient: 'p'.repeat(limits.patientChars + 1) }).success).toBe(false);
    expect(DraftSchema.safeParse({ ...draft, id: 'a'.repeat(limits.draftIdChars + 1) }).success).toBe(false);
    expect(DraftSchema.safeParse({ ...draft, id: '../../etc/passwd' }).success).toBe(false);
    expect(DraftSchema.safeParse({ ...draft, text: 42 }).success).toBe(false);
    expect(DraftSchema.safeParse({ ...draft, owner: 'someone-else' }).success).toBe(false);
  });
});

describe('refusal codes', () => {
  it('are one list of plain kebab-case codes, which the compatibility names all come from', () => {
    expect(new Set(refusalCodes).size).toBe(refusalCodes.length);
    for (const code of refusalCodes) expect(code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    for (const code of Object.values(transportErrorCodes)) expect(refusalCodes).toContain(code);
    expect([...refusalCodes].sort()).toEqual(
      [
        'bad-request',
        'bad-response',
        'card-reinsert-required',
        'card-required',
        'disconnected',
        'draft-invalid',
        'drafts-limit-reached',
        'internal-error',
        'not-active',
        'storage-failed',
        'unknown-channel',
        'wrong-sender',
        'wrong-state',
      ].sort(),
    );
  });
});

describe('parseRequest', () => {
  it('knows every channel and ties each ShellApi method to one of them', () => {
    expect(new Set(Object.values(methodChannels))).toEqual(new Set(invokeChannelNames));
    expect(new Set(invokeChannelNames).size).toBe(Object.keys(methodChannels).length);
  });

  it('accepts no payload as undefined or null, and refuses one where none belongs', () => {
    expect(parseRequest('session:sign-in', undefined)).toMatchObject({ ok: true });
    expect(parseRequest('session:sign-in', null)).toMatchObject({ ok: true });
    expect(parseRequest('session:sign-in', { next: 'x' })).toEqual({ ok: false, code: 'bad-request' });
  });

  it('refuses unknown channels', () => {
    expect(parseRequest('session:get-token', undefined)).toEqual({ ok: false, code: 'unknown-channel' });
    expect(parseRequest(7, undefined)).toEqual({ ok: false, code: 'unknown-channel' });
  });
});

describe('dispatch', () => {
  it('passes a valid draft to the backend and returns its outcome', async () => {
    const saveDraft = vi.fn(() => ({ ok: true as const, value: { savedAt: 99 } }));
    const result = await dispatch(fakeBackend({ saveDraft }), 'drafts:save', draft);
    expect(result).toEqual({ ok: true, value: { savedAt: 99 } });
    expect(saveDraft).toHaveBeenCalledWith(draft);
  });

  it('returns bad-request for bad input without calling the backend or echoing the content', async () => {
    const saveDraft = vi.fn(() => ({ ok: true as const, value: { savedAt: 1 } }));
    const secretish = 'PATIENT-CONTENT-' + 'y'.repeat(limits.textChars);
    const result = await dispatch(fakeBackend({ saveDraft }), 'drafts:save', { ...draft, text: secretish });
    expect(result).toEqual({ ok: false, code: 'bad-request' });
    expect(JSON.stringify(result)).not.toContain('PATIENT-CONTENT');
    expect(saveDraft).not.toHaveBeenCalled();
  });

  it('passes through backend refusals such as not-active', async () => {
    const result = await dispatch(
      fakeBackend({ loadDrafts: () => ({ ok: false, code: 'not-active' }) }),
      'drafts:load',
      undefined,
    );
    expect(result).toEqual({ ok: false, code: 'not-active' });
  });

  it('turns a backend exception into internal-error without its message', async () => {
    const result = await dispatch(
      fakeBackend({
        signIn: () => {
          throw new Error('token=abc');
        },
      }),
      'session:sign-in',
      undefined,
    );
    expect(result).toEqual({ ok: false, code: 'internal-error' });
  });

  it('refuses to send a response that does not match the schema (a leaked secret field)', async () => {
    const leaky = fakeBackend({
      getView: () => ({ ok: true, value: { ...activeView, idToken: 'eyJ' } as unknown as SessionView }),
    });
    expect(await dispatch(leaky, 'session:get-view', undefined)).toEqual({ ok: false, code: 'bad-response' });
  });

  it('does not forward a backend error code that is not a plain code', async () => {
    // A backend that ignores its types: the code is checked at run time too.
    const odd = fakeBackend({
      signOut: () => ({ ok: false, code: 'Bearer eyJhbGciOi...' }) as unknown as Result<null>,
    });
    expect(await dispatch(odd, 'session:sign-out', undefined)).toEqual({ ok: false, code: 'internal-error' });
  });

  it('forwards only codes of the one refusal vocabulary, and turns any other into internal-error', async () => {
    for (const code of refusalCodes) {
      expect(
        await dispatch(fakeBackend({ unlock: () => ({ ok: false, code }) }), 'session:unlock', undefined),
        code,
      ).toEqual({ ok: false, code });
    }
    for (const code of ['STORAGE_FAILED', 'storage_failed', 'signin-cancelled', 'wrong-widget', '']) {
      const backend = fakeBackend({ saveDraft: () => ({ ok: false, code }) as unknown as Result<{ savedAt: number }> });
      expect(await dispatch(backend, 'drafts:save', draft), code).toEqual({ ok: false, code: 'internal-error' });
    }
  });

  it('calls a method without a payload with no argument, and one with a payload with exactly the parsed payload', async () => {
    const signIn = vi.fn((): Result<null> => ({ ok: true, value: null }));
    const saveDraft = vi.fn(() => ({ ok: true as const, value: { savedAt: 1 } }));
    const backend = fakeBackend({ signIn, saveDraft });
    await dispatch(backend, 'session:sign-in', null);
    await dispatch(backend, 'drafts:save', draft);
    expect(signIn.mock.calls).toEqual([[]]);
    expect(saveDraft.mock.calls).toEqual([[draft]]);
  });
});
