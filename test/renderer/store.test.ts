import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activityThrottleMs, createShellStore, flushWaitMs } from '../../renderer/store';
import type { Draft, Result, SessionView, ShellApi } from '../../preload/contract';

const clinician = { name: 'Dr Asha Patel', roleName: 'Nurse', orgName: 'Ward 7', orgCode: 'RX1' };
const active: SessionView = {
  kind: 'active',
  clinician,
  sessionSecondsLeft: 40_000,
  sessionEndingSoon: false,
  signingInAgain: null,
  notice: null,
  draftStorage: 'protected',
};
const warning: SessionView = {
  kind: 'warning',
  clinician,
  secondsLeft: 60,
  sessionSecondsLeft: 39_000,
  sessionEndingSoon: false,
  signingInAgain: null,
  notice: null,
  draftStorage: 'protected',
};
const locked: SessionView = {
  kind: 'locked',
  reason: 'idle',
  clinician,
  unlocking: false,
  lockedAt: 1_800_000_000_000,
  notice: null,
};
const saved: Draft = { id: 'draft-1', patient: 'Jane Doe', text: 'Obs stable', updatedAt: 1 };

function fakeApi() {
  let viewListener: ((v: SessionView) => void) | null = null;
  const loads: Array<(r: Result<{ drafts: Draft[] }>) => void> = [];
  const saves: Array<{ draft: Draft; resolve: (r: Result<{ savedAt: number }>) => void }> = [];
  const ack = () => Promise.resolve<Result<null>>({ ok: true, value: null });
  const api = {
    getView: vi.fn(() =>
      Promise.resolve<Result<SessionView>>({ ok: true, value: { kind: 'signed-out', notice: null } }),
    ),
    onView: vi.fn((l: (v: SessionView) => void) => {
      viewListener = l;
      return () => {
        viewListener = null;
      };
    }),
    signIn: vi.fn(ack),
    cancelSignIn: vi.fn(ack),
    stillHere: vi.fn(ack),
    reportActivity: vi.fn(),
    unlock: vi.fn(ack),
    signInAsSomeoneElse: vi.fn(ack),
    lock: vi.fn(ack),
    renewSession: vi.fn(ack),
    changeRole: vi.fn(ack),
    signOut: vi.fn(() => Promise.resolve<Result<null>>({ ok: false, code: 'internal-error' })),
    loadDrafts: vi.fn(() => new Promise<Result<{ drafts: Draft[] }>>((resolve) => loads.push(resolve))),
    saveDraft: vi.fn(
      (draft: Draft) => new Promise<Result<{ savedAt: number }>>((resolve) => saves.push({ draft, resolve })),
    ),
  } satisfies ShellApi;
  return { api, loads, saves, push: (v: SessionView) => viewListener?.(v), subscribed: () => viewListener !== null };
}

let clock = 0;
function setup() {
  const fake = fakeApi();
  let ids = 0;
  const store = createShellStore({ api: fake.api, newId: () => `new-${++ids}`, now: () => clock });
  const stop = store.getState().start();
  return { ...fake, store, stop };
}

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_000_000;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('views', () => {
  it('asks for the current view at start and follows pushes', async () => {
    const { store, push } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().view).toEqual({ kind: 'signed-out', notice: null });
    push(locked);
    expect(store.getState().view).toEqual(locked);
  });

  it('does not let the answer to the first getView overwrite a view pushed meanwhile', async () => {
    const { store, push } = setup();
    push(locked);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().view).toEqual(locked);
  });

  it('stops listening when stopped', () => {
    const { stop, subscribed } = setup();
    stop();
    expect(subscribed()).toBe(false);
  });
});

describe('drafts', () => {
  it('loads the saved draft when the session becomes active', async () => {
    const { store, push, loads, api } = setup();
    push(active);
    expect(api.loadDrafts).toHaveBeenCalledTimes(1);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().draft).toEqual(saved);
    push(warning);
    expect(api.loadDrafts).toHaveBeenCalledTimes(1);
  });

  it('starts a new empty draft with a fresh id when there is none', async () => {
    const { store, push, loads } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [] } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().draft).toEqual({ id: 'new-1', patient: '', text: '', updatedAt: clock });
  });

  it('drops the draft entirely when the session locks', async () => {
    const { store, push, loads } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    push(locked);
    expect(store.getState().draft).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain('Jane Doe');
  });

  it('ignores drafts that arrive after the session locked (a stale answer)', async () => {
    const { store, push, loads } = setup();
    push(active);
    push(locked);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().draft).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain('Jane Doe');
  });

  it('ignores a stale load even if the session is active again by then', async () => {
    const { store, push, loads } = setup();
    push(active);
    push(locked);
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [{ ...saved, patient: 'Stale' }] } });
    loads[1]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().draft?.patient).toBe('Jane Doe');
  });

  it('autosaves once, 500 ms after typing stops, and reports Saved', async () => {
    const { store, push, loads, saves, api } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ text: 'Obs stable.' });
    await vi.advanceTimersByTimeAsync(300);
    store.getState().editDraft({ text: 'Obs stable. BP' });
    expect(store.getState().save).toEqual({ kind: 'saving' });
    await vi.advanceTimersByTimeAsync(499);
    expect(api.saveDraft).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
    expect(saves[0]?.draft.text).toBe('Obs stable. BP');
    saves[0]?.resolve({ ok: true, value: { savedAt: 1 } });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().save).toEqual({ kind: 'saved' });
  });

  it('shows why a save failed', async () => {
    const { store, push, loads, saves } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ patient: 'John' });
    await vi.advanceTimersByTimeAsync(500);
    saves[0]?.resolve({ ok: false, code: 'not-active' });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().save).toEqual({ kind: 'failed', code: 'not-active' });
  });

  it('saves again when typing carried on during a save', async () => {
    const { store, push, loads, saves } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ text: 'a' });
    await vi.advanceTimersByTimeAsync(500);
    store.getState().editDraft({ text: 'ab' });
    saves[0]?.resolve({ ok: true, value: { savedAt: 1 } });
    await vi.advanceTimersByTimeAsync(500);
    expect(saves.map((s) => s.draft.text)).toEqual(['a', 'ab']);
  });

  it('saves at once when the idle warning appears', async () => {
    const { store, push, loads, api } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ text: 'unsaved' });
    push(warning);
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
  });

  it('hands main the last unsaved keystrokes when the session locks, then forgets them', async () => {
    const { store, push, loads, api } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ text: 'typed just before the lock' });
    push(locked);
    expect(api.saveDraft).toHaveBeenCalledWith(expect.objectContaining({ text: 'typed just before the lock' }));
    expect(store.getState().draft).toBeNull();
    await vi.advanceTimersByTimeAsync(2000);
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
  });

  it('does not accept edits while locked', () => {
    const { store, push } = setup();
    push(locked);
    store.getState().editDraft({ text: 'x' });
    expect(store.getState().draft).toBeNull();
  });
});

describe('activity and actions', () => {
  it('reports activity at most once a second, and only in the workspace', () => {
    const { store, push, api } = setup();
    push(locked);
    store.getState().reportActivity();
    expect(api.reportActivity).not.toHaveBeenCalled();
    push(active);
    store.getState().reportActivity();
    clock += activityThrottleMs - 1;
    store.getState().reportActivity();
    clock += 1;
    store.getState().reportActivity();
    expect(api.reportActivity).toHaveBeenCalledTimes(2);
  });

  it('ignores a double press but lets Cancel through while sign-in is still being answered', () => {
    const { store, api } = setup();
    api.signIn.mockImplementation(() => new Promise(() => undefined));
    store.getState().act('signIn');
    store.getState().act('signIn');
    store.getState().act('cancelSignIn');
    expect(api.signIn).toHaveBeenCalledTimes(1);
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1);
  });

  it('records a failed action code and clears it on the next screen', async () => {
    const { store, push } = setup();
    push(active);
    store.getState().act('signOut');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().actionError).toBe('internal-error');
    push({ kind: 'ended', reason: 'sign-out' });
    expect(store.getState().actionError).toBeNull();
  });

  it.each(['signOut', 'signInAsSomeoneElse', 'lock'] as const)(
    '%s sends the last keystrokes first and waits for them to be kept',
    async (action) => {
      const { store, push, loads, saves, api } = setup();
      push(active);
      loads[0]?.({ ok: true, value: { drafts: [saved] } });
      await vi.advanceTimersByTimeAsync(0);
      store.getState().editDraft({ text: 'Obs stable, review at 14:00' });
      // Within the autosave pause: nothing sent yet.
      expect(saves).toHaveLength(0);
      store.getState().act(action);
      expect(saves.map((s) => s.draft.text)).toEqual(['Obs stable, review at 14:00']);
      expect(api[action]).not.toHaveBeenCalled();
      saves[0]?.resolve({ ok: true, value: { savedAt: 2 } });
      await vi.advanceTimersByTimeAsync(0);
      expect(api[action]).toHaveBeenCalledTimes(1);
    },
  );

  it('a last save that never answers holds a sign-out for at most a moment', async () => {
    const { store, push, loads, saves, api } = setup();
    push(active);
    loads[0]?.({ ok: true, value: { drafts: [saved] } });
    await vi.advanceTimersByTimeAsync(0);
    store.getState().editDraft({ text: 'unsent' });
    store.getState().act('signOut');
    expect(saves).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(flushWaitMs - 1);
    expect(api.signOut).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.signOut).toHaveBeenCalledTimes(1);
  });

  it('reports the first input after the idle warning appears at once, whatever the throttle: it is the answer', () => {
    const { store, push, api } = setup();
    push(active);
    store.getState().reportActivity();
    expect(api.reportActivity).toHaveBeenCalledTimes(1);
    clock += 200;
    push(warning);
    store.getState().reportActivity();
    expect(api.reportActivity).toHaveBeenCalledTimes(2);
    clock += 200;
    store.getState().reportActivity();
    expect(api.reportActivity).toHaveBeenCalledTimes(2);
  });

  it('keeps where the caret was across a lock for the same clinician, and forgets it at an end', () => {
    const { store, push } = setup();
    push(active);
    store.getState().rememberCaret({ field: 'text', position: 11 });
    push(locked);
    expect(store.getState().caret).toEqual({ field: 'text', position: 11 });
    push(active);
    expect(store.getState().caret).toEqual({ field: 'text', position: 11 });
    push({ kind: 'ended', reason: 'sign-out' });
    expect(store.getState().caret).toBeNull();
    // Only while the note is on screen.
    store.getState().rememberCaret({ field: 'patient', position: 3 });
    expect(store.getState().caret).toBeNull();
  });
});
