/**
 * What the smartcard means for the renderer's requests and views, around the session backend
 * (the composition root and the harness wrap `session.backend` with it, as they wrap it with the
 * lock guard):
 * - RequireSmartcard: a sign-in or an unlock cannot start without a card in a reader (or while
 *   the readers cannot be seen); it is refused with 'card-required', which the renderer words as
 *   "Insert your smartcard to sign in." Nothing else is refused: sign-out, Lock and saving the
 *   last keystrokes never wait on a card.
 * - The lock screen's prompt: a locked view carries `smartcard: 'in' | 'out'` while the readers
 *   can be seen, and is sent again when a card goes in or out. A card never unlocks by itself;
 *   the clinician still selects Unlock and authenticates with NHS Care Identity.
 * - Identity Agent: while its session lives (the card stays in the reader), CIS2 may answer
 *   prompt=login without asking for the PIN (NHS England's CIS2 session-management guidance), so
 *   anyone at the PC could unlock the clinician's session. A session that locked with a card in
 *   the reader therefore unlocks only after that card has left the reader and come back (Identity
 *   Agent asks for the PIN on insertion): until then Unlock is refused with
 *   'card-reinsert-required' and the lock screen says `smartcard: 'reinsert'`. The same holds
 *   for "Sign in as someone else", which must not ride on the locked clinician's card either.
 */
import type { SessionView, ShellBackend } from '../../../preload/contract';
import type { SmartcardSource } from './smartcard';

export interface SmartcardGateOptions {
  /** RequireSmartcard (machine policy). */
  readonly requireCard: boolean;
}

/** The locked view with the card's presence, where the readers can be seen. */
export function withCardPrompt(view: SessionView, present: boolean | null, reinsert: boolean): SessionView {
  if (view.kind !== 'locked' || present === null) return view;
  return { ...view, smartcard: reinsert ? 'reinsert' : present ? 'in' : 'out' };
}

/**
 * Whether the card has been out of the reader since the session locked with it in: watched from
 * the session's own views (not the renderer's subscription, which a crashed renderer would not
 * hold) and the card's changes.
 */
function reinsertWatch(backend: ShellBackend, card: Pick<SmartcardSource, 'cardPresent' | 'onCardChange'>) {
  let locked = false;
  // Stryker disable next-line BooleanLiteral: read only while locked, and set afresh each time the session locks
  let owed = false;
  backend.subscribe((view) => {
    const nowLocked = view.kind === 'locked';
    // A lock with the card in, or while the readers cannot be seen (the card may be in), owes a
    // removal the shell sees; the workspace back (or a new sign-in) settles it.
    if (nowLocked && !locked) owed = card.cardPresent() !== false;
    locked = nowLocked;
  });
  card.onCardChange(() => {
    if (card.cardPresent() === false) owed = false;
  });
  return { owed: () => locked && owed };
}

export function gateOnSmartcard(
  backend: ShellBackend,
  card: Pick<SmartcardSource, 'cardPresent' | 'onCardChange'>,
  options: SmartcardGateOptions,
): ShellBackend {
  const refused = { ok: false as const, code: 'card-required' as const };
  const reinsert = { ok: false as const, code: 'card-reinsert-required' as const };
  const cardIn = (): boolean => card.cardPresent() === true;
  const watch = reinsertWatch(backend, card);
  const prompt = (view: SessionView): SessionView => withCardPrompt(view, card.cardPresent(), watch.owed());
  const gated = <T>(start: () => T) => (watch.owed() ? reinsert : options.requireCard && !cardIn() ? refused : start());
  return {
    ...backend,
    async getView() {
      const result = await backend.getView();
      return result.ok ? { ok: true, value: prompt(result.value) } : result;
    },
    signIn: () => (options.requireCard && !cardIn() ? refused : backend.signIn()),
    unlock: () => gated(() => backend.unlock()),
    signInAsSomeoneElse: () => gated(() => backend.signInAsSomeoneElse()),
    subscribe(listener) {
      let last: SessionView | null = null;
      const send = (view: SessionView): void => {
        last = view;
        listener(prompt(view));
      };
      const stopViews = backend.subscribe(send);
      // A card in or out changes only the lock screen's prompt: the last view again, with it.
      const stopCard = card.onCardChange(() => {
        if (last?.kind === 'locked') listener(prompt(last));
      });
      return () => {
        stopCard();
        stopViews();
      };
    },
  };
}
