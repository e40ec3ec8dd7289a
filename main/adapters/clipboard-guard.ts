/**
 * The clipboard at a lock, an end and a hand-over: cleared when, and only when, it still holds
 * text the shell's page copied. What the clinician copied from another application is never
 * touched, and no copied text is kept: only a SHA-256 of it, in memory.
 *
 * How main knows what the page copied, without running code in the page: the shell's own code
 * never writes the clipboard, its permission handlers deny the async Clipboard API and there is
 * no context menu, so the clinician copies with the keyboard, and every key reaches main first
 * as 'before-input-event'. On a copy or cut
 * shortcut the guard reads the clipboard before the page acts and again a little later, and
 * remembers the hash of text that appeared in between. At the moment of the sweep it reads the
 * clipboard once more and clears it if that text's hash is one it remembers.
 *
 * What this does not do (docs/security.md, "The lock without the renderer"): it cannot keep the
 * page's copies out of Windows clipboard history or the cloud clipboard. Electron 45's
 * `clipboard.write()` can put raw Windows formats such as `ExcludeClipboardContentFromMonitorProcessing`
 * beside the text, atomically ("electron application/osclipboard;format=..."), but only on
 * what main itself writes; the page's copy is written by Chromium before main sees it, and
 * history has recorded it by then. A copy made by script on some other gesture (an injected
 * script calling execCommand('copy') on a click) is not seen either.
 */
import { createHash } from 'node:crypto';
import type { Clipboard, Event as ElectronEvent, Input, WebContents } from 'electron';
import type { OnFault } from '../core/faults';

export type ClipboardLike = Pick<Clipboard, 'readText' | 'clear'>;

export interface ClipboardGuardDeps {
  /** Electron's clipboard. On Linux its `selection` (the PRIMARY selection) is swept too. */
  clipboard: ClipboardLike & { readonly selection?: ClipboardLike };
  platform: NodeJS.Platform;
  /** When to look for the page's copy after the shortcut (the page writes asynchronously). */
  readAfterMs?: readonly number[];
  onError?: OnFault;
}

export interface ClipboardGuard {
  /** Watches a shell page's copy and cut shortcuts; returns the function that stops. */
  watch(contents: Pick<WebContents, 'on' | 'removeListener'>): () => void;
  /**
   * Clears the clipboard (and the Linux selection) if it holds text the shell copied. `forget`:
   * the clinician is gone, so what they copied is forgotten once checked. Resolves true if it cleared.
   */
  sweep(options?: { forget?: boolean }): Promise<boolean>;
  /** How many copied texts are remembered (as hashes). */
  remembered(): number;
  dispose(): void;
}

export const defaultReadAfterMs: readonly number[] = [150, 750];
/** Enough for a shift of copying; the oldest are forgotten first. */
export const maxRemembered = 200;

export function clipboardTextHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

type KeyFacts = Pick<Input, 'type' | 'key' | 'code' | 'control' | 'meta' | 'shift' | 'alt'>;

/** Pure: is this key press a copy or cut in Chromium on this platform? */
export function isCopyShortcut(input: KeyFacts, platform: NodeJS.Platform): boolean {
  if (input.type !== 'keyDown' || input.alt) return false;
  const key = input.key.toLowerCase();
  const letter = (l: 'c' | 'x'): boolean => key === l || input.code === `Key${l.toUpperCase()}`;
  const primary = platform === 'darwin' ? input.meta : input.control;
  if (primary && (letter('c') || letter('x'))) return true;
  if (platform === 'darwin') return false;
  // The older Windows and Linux shortcuts: Ctrl+Insert copies, Shift+Delete cuts.
  if (input.control && !input.shift && (input.key === 'Insert' || input.code === 'Insert')) return true;
  return input.shift && !input.control && (input.key === 'Delete' || input.code === 'Delete');
}

async function readText(board: ClipboardLike): Promise<string | null> {
  try {
    return await board.readText();
  } catch {
    return null;
  }
}

export function createClipboardGuard(deps: ClipboardGuardDeps): ClipboardGuard {
  const { clipboard, platform } = deps;
  const readAfterMs = deps.readAfterMs ?? defaultReadAfterMs;
  let hashes = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const remember = (hash: string): void => {
    hashes.delete(hash);
    hashes.add(hash);
    for (const oldest of hashes) {
      if (hashes.size <= maxRemembered) break;
      hashes.delete(oldest);
    }
  };

  /** Remember the text now on the clipboard if it is not what was there before the shortcut. */
  const record = async (before: Promise<string | null>): Promise<void> => {
    const [was, now] = await Promise.all([before, readText(clipboard)]);
    // A failed read tells nothing; an unchanged clipboard means the page copied nothing new.
    if (was === null || now === null || now === '' || now === was) return;
    remember(clipboardTextHash(now));
  };

  const boards = (): ClipboardLike[] =>
    platform === 'linux' && clipboard.selection ? [clipboard, clipboard.selection] : [clipboard];

  return {
    watch(contents) {
      const onInput = (event: ElectronEvent, input: Input): void => {
        // A prevented key (the page is under the lock surface) never reaches the page.
        if (event.defaultPrevented || !isCopyShortcut(input, platform)) return;
        const before = readText(clipboard);
        for (const ms of readAfterMs) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            void record(before);
          }, ms);
          timers.add(timer);
        }
      };
      contents.on('before-input-event', onInput);
      return () => void contents.removeListener('before-input-event', onInput);
    },
    async sweep(options = {}) {
      const known = hashes;
      if (options.forget) hashes = new Set();
      if (known.size === 0) return false;
      let cleared = false;
      for (const board of boards()) {
        const text = await readText(board);
        if (text === null || text === '' || !known.has(clipboardTextHash(text))) continue;
        board.clear();
        cleared = true;
      }
      return cleared;
    },
    remembered: () => hashes.size,
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      hashes = new Set();
    },
  };
}
