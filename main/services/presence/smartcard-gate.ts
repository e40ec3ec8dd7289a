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
 */
import type { SessionView, ShellBackend } from '../../../preload/contract';
import type { SmartcardSource } from './smartcard';

export interface SmartcardGateOptions {
  /** RequireSmartcard (machine policy). */
  readonly requireCard: boolean;
}

/** The locked view with the card's presence, where the readers can be seen. */
export function withCardPrompt(view: SessionView, present: boolean | null): SessionView {
  if (view.kind !== 'locked' || present === null) return view;
  return { ...view, smartcard: present ? 'in' : 'out' };
}

export function gateOnSmartcard(
  backend: ShellBackend,
  card: Pick<SmartcardSource, 'cardPresent' | 'onCardChange'>,
  options: SmartcardGateOptions,
): ShellBackend {
  const refused = { ok: false as const, code: 'card-required' as const };
  const cardIn = (): boolean => card.cardPresent() === true;
  return {
    ...backend,
    async getView() {
      const result = await backend.getView();
      return result.ok ? { ok: true, value: withCardPrompt(result.value, card.cardPresent()) } : result;
    },
    signIn: () => (options.requireCard && !cardIn() ? refused : backend.signIn()),
    unlock: () => (options.requireCard && !cardIn() ? refused : backend.unlock()),
    signInAsSomeoneElse: () => (options.requireCard && !cardIn() ? refused : backend.signInAsSomeoneElse()),
    subscribe(listener) {
      let last: SessionView | null = null;
      const send = (view: SessionView): void => {
        last = view;
        listener(withCardPrompt(view, card.cardPresent()));
      };
      const stopViews = backend.subscribe(send);
      // A card in or out changes only the lock screen's prompt: the last view again, with it.
      const stopCard = card.onCardChange(() => {
        if (last?.kind === 'locked') listener(withCardPrompt(last, card.cardPresent()));
      });
      return () => {
        stopCard();
        stopViews();
      };
    },
  };
}
