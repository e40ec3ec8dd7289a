// RequireSmartcard and the lock screen's card prompt, around a backend whose every request is
// counted: a refused sign-in or unlock never reaches the session, and a card going in or out
// re-sends the lock screen with the prompt (and never unlocks).
import { describe, expect, it, vi } from 'vitest';
import type { SessionView, ShellBackend } from '../../../preload/contract';
import { gateOnSmartcard } from '../../../main/services/presence/smartcard-gate';

const locked: SessionView = {
  kind: 'locked',
  reason: 'smartcard-removed',
  clinician: { name: 'Nurse A', roleName: null, orgName: null, orgCode: null },
  unlocking: false,
  lockedAt: 1,
  notice: null,
};

function setup(present: boolean | null, requireCard: boolean) {
  const card = { present, listeners: new Set<(p: boolean | null) => void>() };
  const views = new Set<(v: SessionView) => void>();
  const ok = { ok: true as const, value: null };
  const backend = {
    getView: vi.fn(async () => ({ ok: true as const, value: locked })),
    signIn: vi.fn(() => ok),
    unlock: vi.fn(() => ok),
    signInAsSomeoneElse: vi.fn(() => ok),
    signOut: vi.fn(() => ok),
    subscribe: (listener: (v: SessionView) => void) => (views.add(listener), () => views.delete(listener)),
  } as unknown as ShellBackend;
  const gated = gateOnSmartcard(
    backend,
    { cardPresent: () => card.present, onCardChange: (l) => (card.listeners.add(l), () => card.listeners.delete(l)) },
    { requireCard },
  );
  const setCard = (p: boolean | null): void => {
    card.present = p;
    for (const l of card.listeners) l(p);
  };
  return { backend, gated, setCard, emit: (v: SessionView) => views.forEach((l) => l(v)) };
}

describe('smartcard gate', () => {
  it('with RequireSmartcard, refuses a sign-in or unlock without a card (or while the readers cannot be seen), and lets sign-out through', async () => {
    for (const present of [false, null]) {
      const { backend, gated } = setup(present, true);
      expect(await gated.signIn()).toEqual({ ok: false, code: 'card-required' });
      expect(await gated.unlock()).toEqual({ ok: false, code: 'card-required' });
      expect(await gated.signInAsSomeoneElse()).toEqual({ ok: false, code: 'card-required' });
      expect(backend.signIn).not.toHaveBeenCalled();
      expect(backend.unlock).not.toHaveBeenCalled();
      expect(await gated.signOut()).toEqual({ ok: true, value: null });
    }
  });

  it('with a card in, or without RequireSmartcard, passes sign-in and unlock to the session', async () => {
    for (const [present, require] of [
      [true, true],
      [false, false],
      [null, false],
    ] as const) {
      const { backend, gated } = setup(present, require);
      expect(await gated.signIn()).toEqual({ ok: true, value: null });
      expect(await gated.unlock()).toEqual({ ok: true, value: null });
      expect(await gated.signInAsSomeoneElse()).toEqual({ ok: true, value: null });
      expect(backend.signIn).toHaveBeenCalledTimes(1);
      expect(backend.unlock).toHaveBeenCalledTimes(1);
      expect(backend.signInAsSomeoneElse).toHaveBeenCalledTimes(1);
    }
  });

  it('sends nothing for a card change before the first view, and nothing at all once unsubscribed', async () => {
    const { gated, setCard, emit } = setup(false, false);
    const seen: SessionView[] = [];
    const stop = gated.subscribe((v) => seen.push(v));
    expect(() => setCard(true)).not.toThrow();
    expect(seen).toEqual([]);
    emit(locked);
    // Locked with the card in: Identity Agent's removal is owed (below).
    expect(seen).toEqual([{ ...locked, smartcard: 'reinsert' }]);
    stop();
    emit(locked);
    setCard(false);
    expect(seen).toHaveLength(1);
  });

  it('adds the card prompt to the lock screen and sends it again when the card goes in, without unlocking', async () => {
    const { backend, gated, setCard, emit } = setup(false, false);
    expect(await gated.getView()).toEqual({ ok: true, value: { ...locked, smartcard: 'out' } });
    const seen: SessionView[] = [];
    gated.subscribe((v) => seen.push(v));
    emit(locked);
    setCard(true);
    expect(seen).toEqual([
      { ...locked, smartcard: 'out' },
      { ...locked, smartcard: 'in' },
    ]);
    expect(backend.unlock).not.toHaveBeenCalled();
    // Readers out of sight: no prompt at all rather than a wrong one.
    setCard(null);
    expect(seen.at(-1)).toEqual(locked);
  });

  it('never adds the prompt to a working view', async () => {
    const { gated, setCard, emit } = setup(true, false);
    const seen: SessionView[] = [];
    gated.subscribe((v) => seen.push(v));
    const active = { kind: 'signed-out', notice: null } as SessionView;
    emit(active);
    setCard(false);
    expect(seen).toEqual([active]);
  });

  describe('Identity Agent: a session that locked with the card in unlocks only after the card went out and back', () => {
    const working: SessionView = {
      kind: 'active',
      clinician:
        locked.kind === 'locked' ? locked.clinician : { name: 'x', roleName: null, orgName: null, orgCode: null },
      sessionSecondsLeft: 3600,
      sessionEndingSoon: false,
      signingInAgain: null,
      notice: null,
      draftStorage: 'protected',
    };
    const idleLock: SessionView = { ...locked, reason: 'idle' };

    it('refuses Unlock and "Sign in as someone else" until the card has left the reader, whatever RequireSmartcard says', async () => {
      for (const requireCard of [false, true]) {
        const { backend, gated, setCard, emit } = setup(true, requireCard);
        emit(working);
        emit(idleLock);
        expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
        expect(await gated.signInAsSomeoneElse()).toEqual({ ok: false, code: 'card-reinsert-required' });
        expect(backend.unlock).not.toHaveBeenCalled();
        expect(backend.signInAsSomeoneElse).not.toHaveBeenCalled();
        // Sign-out never waits on a card.
        expect(await gated.signOut()).toEqual({ ok: true, value: null });
        setCard(false);
        // Out, with RequireSmartcard: the card is needed back in; without it, the unlock may go.
        expect(await gated.unlock()).toEqual(
          requireCard ? { ok: false, code: 'card-required' } : { ok: true, value: null },
        );
        setCard(true);
        expect(await gated.unlock()).toEqual({ ok: true, value: null });
      }
    });

    it('the lock screen says to take the card out and put it back, then that it is in', async () => {
      const { gated, setCard, emit } = setup(true, false);
      const seen: SessionView[] = [];
      gated.subscribe((v) => seen.push(v));
      emit(working);
      emit(idleLock);
      expect(seen.at(-1)).toEqual({ ...idleLock, smartcard: 'reinsert' });
      expect(await gated.getView()).toMatchObject({ ok: true, value: { smartcard: 'reinsert' } });
      setCard(false);
      expect(seen.at(-1)).toEqual({ ...idleLock, smartcard: 'out' });
      setCard(true);
      expect(seen.at(-1)).toEqual({ ...idleLock, smartcard: 'in' });
    });

    it('a lock with no card in the reader asks nothing more, and a new lock after the workspace owes a new removal', async () => {
      const { gated, setCard, emit } = setup(false, false);
      emit(working);
      emit(idleLock);
      expect(await gated.unlock()).toEqual({ ok: true, value: null });
      setCard(true);
      // Still the same lock: the card went in after it, which is what Identity Agent's PIN needs.
      expect(await gated.unlock()).toEqual({ ok: true, value: null });
      emit(working);
      emit(idleLock);
      expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
    });

    it('the removal stays settled while the session re-sends its lock screen (an unlock starting, a notice)', async () => {
      const { gated, setCard, emit } = setup(true, false);
      emit(working);
      emit(idleLock);
      setCard(false);
      setCard(true);
      emit({ ...idleLock, unlocking: true });
      emit({ ...idleLock, unlocking: false });
      expect(await gated.unlock()).toEqual({ ok: true, value: null });
    });

    it('a card event with the card still in (a reader reporting again) does not settle the removal', async () => {
      const { gated, setCard, emit } = setup(true, false);
      emit(working);
      emit(idleLock);
      setCard(true);
      expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
    });

    it('a gate put around a session already locked with the card in owes the removal too', async () => {
      const { gated, emit } = setup(true, false);
      emit(idleLock);
      expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
    });

    it('watches the session itself: a lock owes the removal even when no renderer is subscribed', async () => {
      const { gated, emit } = setup(true, false);
      emit(working);
      emit(idleLock);
      expect(await gated.unlock()).toEqual({ ok: false, code: 'card-reinsert-required' });
    });
  });
});
