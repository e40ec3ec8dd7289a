import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clipboardTextHash,
  createClipboardGuard,
  defaultReadAfterMs,
  isCopyShortcut,
} from '../../main/adapters/clipboard-guard';
import { FakeClipboard, FakeWebContents, keyInput } from './fake-electron';
import { openShellWindow } from './shell-fixtures';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const settle = () => vi.advanceTimersByTimeAsync(Math.max(...defaultReadAfterMs) + 1);

function watched(platform: NodeJS.Platform = 'win32', options: { selection?: boolean } = {}) {
  const board = new FakeClipboard(options);
  const guard = createClipboardGuard({ clipboard: board, platform });
  const page = new FakeWebContents();
  guard.watch(page as never);
  /** A key press in the page; if the page gets it and it copies, Chromium writes `text` a moment later. */
  const press = async (key: Parameters<FakeWebContents['press']>[0], text?: string, afterMs = 20): Promise<void> => {
    const reached = page.press(key);
    await vi.advanceTimersByTimeAsync(afterMs);
    if (reached && text !== undefined) await board.writeText(text);
    await settle();
  };
  return { board, guard, page, press };
}

const ctrlC = { key: 'c', code: 'KeyC', control: true };

describe('isCopyShortcut', () => {
  it.each([
    ['win32', { key: 'c', code: 'KeyC', control: true }, true],
    ['win32', { key: 'X', code: 'KeyX', control: true, shift: true }, true],
    ['win32', { key: 'Insert', code: 'Insert', control: true }, true],
    ['win32', { key: 'Delete', code: 'Delete', shift: true }, true],
    ['linux', { key: 'c', code: 'KeyC', control: true }, true],
    // A layout where the C key types something else: Chromium's copy follows the key's position too.
    ['win32', { key: 'j', code: 'KeyC', control: true }, true],
    ['darwin', { key: 'c', code: 'KeyC', meta: true }, true],
    ['darwin', { key: 'c', code: 'KeyC', control: true }, false],
    ['darwin', { key: 'Delete', code: 'Delete', shift: true }, false],
    ['win32', { key: 'c', code: 'KeyC' }, false],
    ['win32', { key: 'v', code: 'KeyV', control: true }, false],
    ['win32', { key: 'c', code: 'KeyC', control: true, alt: true }, false],
    ['win32', { key: 'c', code: 'KeyC', control: true, type: 'keyUp' }, false],
  ] as const)('%s %o → %s', (platform, fields, expected) => {
    expect(isCopyShortcut(keyInput(fields), platform)).toBe(expected);
  });
});

describe('createClipboardGuard', () => {
  it('remembers text that the page put on the clipboard after a copy shortcut, and clears it at the sweep', async () => {
    const { board, guard, press } = watched();
    await board.writeText('from another app');
    await press(ctrlC, 'Bed 4: allergic to penicillin');
    expect(guard.remembered()).toBe(1);
    expect(await guard.sweep()).toBe(true);
    expect(board.text).toBe('');
  });

  it('sees a copy that lands late, up to the last read', async () => {
    const { board, guard, press } = watched();
    await press(ctrlC, 'slow copy', Math.max(...defaultReadAfterMs) - 5);
    expect(await guard.sweep()).toBe(true);
    expect(board.clears).toBe(1);
  });

  it('finds a copy when the lock comes a moment after it', async () => {
    const { board, guard, page } = watched();
    page.press(ctrlC);
    await vi.advanceTimersByTimeAsync(20);
    await board.writeText('copied just before the lock');
    await vi.advanceTimersByTimeAsync(200);
    expect(await guard.sweep()).toBe(true);
    expect(board.text).toBe('');
  });

  it('leaves what another application put there, even after a copy shortcut that copied nothing', async () => {
    const { board, guard, press } = watched();
    await board.writeText('copied in another app');
    await press(ctrlC);
    expect(guard.remembered()).toBe(0);
    expect(await guard.sweep()).toBe(false);
    expect(board.text).toBe('copied in another app');
  });

  it('leaves the clipboard once another application has replaced the shell text', async () => {
    const { board, guard, press } = watched();
    await press(ctrlC, 'note text');
    await board.writeText('something else');
    expect(await guard.sweep()).toBe(false);
    expect(board.clears).toBe(0);
  });

  it('ignores a key the page never got (the page is under the lock surface)', async () => {
    const board = new FakeClipboard();
    const guard = createClipboardGuard({ clipboard: board, platform: 'win32' });
    const { shell, contents } = openShellWindow();
    guard.watch(contents as never);
    expect(shell.isCovered()).toBe(true);
    expect(contents.press(ctrlC)).toBe(false);
    await board.writeText('typed elsewhere');
    await settle();
    expect(guard.remembered()).toBe(0);
    contents.finishLoad();
    shell.setCovered(false);
    expect(contents.press(ctrlC)).toBe(true);
    await board.writeText('copied in the page');
    await settle();
    expect(guard.remembered()).toBe(1);
  });

  it('remembers a SHA-256 of the text', () => {
    expect(clipboardTextHash('Bed 4: allergic to penicillin')).toBe(
      createHash('sha256').update('Bed 4: allergic to penicillin').digest('hex'),
    );
  });

  it('forgets what was copied when asked (the clinician has gone), after checking it', async () => {
    const { board, guard, press } = watched();
    await press(ctrlC, 'note text');
    expect(await guard.sweep({ forget: true })).toBe(true);
    expect(guard.remembered()).toBe(0);
    await board.writeText('note text');
    expect(await guard.sweep()).toBe(false);
    expect(board.text).toBe('note text');
  });

  it('on Linux also clears the PRIMARY selection when it holds the copied text', async () => {
    const { board, guard, press } = watched('linux', { selection: true });
    await board.selection!.writeText('note text');
    await press(ctrlC, 'note text');
    expect(await guard.sweep()).toBe(true);
    expect([board.text, board.selection!.text]).toEqual(['', '']);
  });

  it('on Linux leaves a selection that is not the shell text', async () => {
    const { board, guard, press } = watched('linux', { selection: true });
    await board.selection!.writeText('selected in a terminal');
    await press(ctrlC, 'note text');
    await guard.sweep();
    expect(board.selection!.text).toBe('selected in a terminal');
    expect(board.selection!.clears).toBe(0);
  });

  it('stops watching when told', async () => {
    const { board, guard, page } = watched();
    const other = new FakeWebContents();
    const stop = guard.watch(other as never);
    stop();
    other.press(ctrlC);
    await board.writeText('x');
    await settle();
    expect(guard.remembered()).toBe(0);
    expect(page.count('before-input-event')).toBe(1);
  });
});
