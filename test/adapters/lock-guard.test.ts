// The lock without the renderer (issue 10, "Nothing outlives a lock"): the lock guard, the real
// window factory and the real IPC server, on the fake Electron, driven by a session service that
// keeps the real loop's order (state, view, change listeners).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clipboardSweepFor, defaultHandOverMs, isWorking } from '../../main/adapters/lock-guard';
import type { SessionState } from '../../main/core/session';
import { FakeBrowserWindow, FakeClipboard, FakeSession, FakeWebContentsView } from './fake-electron';
import { coverAtEachView, fake, startShell, viewsSent } from './lock-guard-fixtures';
import { nonWorking, states } from './session-fixtures';

beforeEach(() => {
  vi.useFakeTimers();
  FakeBrowserWindow.created = [];
  FakeWebContentsView.created = [];
  FakeSession.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the lock surface goes up without the renderer', () => {
  it.each(nonWorking)(
    'synchronously on the transition into %s, before any view reaches the renderer',
    (_status, target) => {
      const { session, win, load } = startShell();
      const page = load();
      expect(page.onScreen()).toBe('page');
      const covered = coverAtEachView(page);

      session.go(target);

      expect(page.onScreen()).not.toBe('page');
      expect(covered.length).toBeGreaterThan(0);
      expect(covered.every(Boolean)).toBe(true);
      // The page that showed clinical content is the one covered (at an end it is still current, handing over).
      expect(win()).toBe(page);
    },
  );

  it('covers the page behind a hung renderer: the surface is a view in main, not something the page draws', () => {
    const { session, load } = startShell();
    const page = load();
    // A hung renderer processes nothing: the view is sent, never applied.
    page.webContents.send = () => undefined;
    session.go(states.locked('A'));
    expect(page.onScreen()).toBeInstanceOf(FakeWebContentsView);
  });
});

describe('the surface comes down only into a lock screen or a working state', () => {
  it('stays up while the renderer never confirms: the restarted page never finishes loading', async () => {
    const { session, win, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    // Thrown away by a reload, not a kill (a kill asks for a crash dump of the page on Windows and macOS).
    expect([page.webContents.crashRequests, page.webContents.reloads]).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(win()).toBe(page);
    expect(page.onScreen()).not.toBe('page');
  });

  it('never uncovers the page that was working, even when it says it loaded: only a page born in the lock comes out', async () => {
    const { session, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    // The working document, still alive during the hand-over, reports a load (an injected script can navigate nothing, but a late event is not proof).
    page.webContents.finishLoad();
    expect(page.onScreen()).not.toBe('page');
    await vi.advanceTimersByTimeAsync(defaultHandOverMs - 1);
    expect(page.onScreen()).not.toBe('page');
    expect(page.webContents.reloads).toBe(0);
  });

  it('comes down once the page reloaded in the lock has loaded; its lock screen gets the locked view and its Unlock works', async () => {
    const { session, load, ask } = startShell();
    const page = load();
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    await vi.advanceTimersByTimeAsync(10); // the kill's process-gone arrives
    expect(page.onScreen()).not.toBe('page');
    page.webContents.finishLoad();
    expect(page.onScreen()).toBe('page');
    expect(await ask(page.webContents, 'getView')).toMatchObject({ ok: true, value: { kind: 'locked' } });
    expect(await ask(page.webContents, 'unlock')).toEqual({ ok: true, value: null });
    expect(session.backend.unlock).toHaveBeenCalledTimes(1);
    // The deliberate kill was not a crash: the session was not asked to lock again.
    expect(session.lockBeforeReload).not.toHaveBeenCalled();
  });

  it('comes down at once into a working state, and an unlock during the hand-over cancels the restart', async () => {
    const { session, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs / 2);
    session.go(states.active('A'));
    expect(page.onScreen()).toBe('page');
    await vi.advanceTimersByTimeAsync(defaultHandOverMs * 5);
    expect(page.webContents.crashRequests).toBe(0);
    expect(page.onScreen()).toBe('page');
  });

  it('does not cover a page born in the lock when it moves between lock-type states', async () => {
    const { session, load } = startShell(states.locked('A'));
    const page = load();
    expect(page.onScreen()).toBe('page');
    for (const next of [states.reauthenticating('A'), states.locked('A'), states.reauthenticating('A')]) {
      session.go(next);
      expect(page.onScreen()).toBe('page');
    }
    await vi.advanceTimersByTimeAsync(defaultHandOverMs * 5);
    expect(page.webContents.crashRequests).toBe(0);
  });

  it('a page that loads while working is uncovered; the warning is working too', () => {
    const { session, load } = startShell(states.active('A'));
    const page = load();
    session.go(states.warning('A'));
    expect(page.onScreen()).toBe('page');
  });

  it('never shows a page outside a working state that has been in one, or an old window, whatever happens (property)', async () => {
    const stateArb = fc.constantFrom<SessionState>(
      states.active('A'),
      states.warning('A'),
      states.locked('A'),
      states.reauthenticating('A'),
      states.active('B'),
      states.locked('B'),
      states.ended(),
      states.signedOut(),
      states.signingIn(),
    );
    const step = fc.oneof(
      stateArb.map((state) => ({ kind: 'go' as const, state })),
      fc.constant({ kind: 'finishLoad' as const }),
      fc.constant({ kind: 'readyToShow' as const }),
      fc.constant({ kind: 'hang' as const }),
      fc.constant({ kind: 'crash' as const }),
      fc.integer({ min: 1, max: 3 * defaultHandOverMs }).map((ms) => ({ kind: 'wait' as const, ms })),
    );
    await fc.assert(
      fc.asyncProperty(stateArb, fc.array(step, { maxLength: 40 }), async (initial, steps) => {
        FakeBrowserWindow.created = [];
        FakeSession.reset();
        const { session, guard } = startShell(initial);
        // Per window: the reload count when its current document began, and whether that document has seen a working state.
        const seenWork = new Map<FakeBrowserWindow, { reloads: number; worked: boolean }>();
        const observe = (): void => {
          const current = guard.current() ? fake(guard.current()!) : null;
          for (const w of FakeBrowserWindow.created) {
            const doc = seenWork.get(w);
            if (doc === undefined || doc.reloads !== w.webContents.reloads)
              seenWork.set(w, { reloads: w.webContents.reloads, worked: false });
            if (w === current && isWorking(session.state())) seenWork.get(w)!.worked = true;
          }
        };
        const check = (): void => {
          const current = guard.current() ? fake(guard.current()!) : null;
          for (const w of FakeBrowserWindow.created) {
            // A page (and its partition) serves one clinician at most.
            const names = new Set(
              w.webContents.sent.flatMap((m) => (m.args[0] as { clinician?: { name: string } }).clinician?.name ?? []),
            );
            expect(names.size, `one window was sent the views of ${[...names].join(' and ')}`).toBeLessThanOrEqual(1);
            if (w.isDestroyed() || w.onScreen() !== 'page') continue;
            expect(w, 'an old window shows its page').toBe(current);
            if (!isWorking(session.state()))
              expect(seenWork.get(w)!.worked, `a worked-in page shows in ${session.state().status}`).toBe(false);
          }
        };
        observe();
        for (const s of steps) {
          const w = guard.current() ? fake(guard.current()!) : null;
          if (s.kind === 'go') session.go(s.state);
          else if (s.kind === 'finishLoad' && w?.webContents.process === 'alive') w.webContents.finishLoad();
          else if (s.kind === 'readyToShow') w?.emit('ready-to-show');
          else if (s.kind === 'hang') w?.webContents.hang();
          else if (s.kind === 'crash' && w?.webContents.process === 'alive') w.webContents.crash();
          else if (s.kind === 'wait') await vi.advanceTimersByTimeAsync(s.ms);
          check();
          observe();
        }
        guard.dispose();
      }),
      { numRuns: 300 },
    );
  });
});

describe('quitting', () => {
  it('a stopped guard opens, restarts and uncovers nothing (the session ends at shutdown after it stops)', async () => {
    const { session, guard, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    guard.dispose();
    session.go(states.ended());
    page.webContents.finishLoad();
    await vi.advanceTimersByTimeAsync(defaultHandOverMs * 3);
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(page.webContents.crashRequests).toBe(0);
    expect(page.onScreen()).not.toBe('page');
  });

  it('a page event after the stop moves nothing to a new window', () => {
    const { session, guard, load } = startShell(states.locked('A'));
    const page = load();
    guard.dispose();
    session.go(states.signedOut());
    page.webContents.finishLoad();
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });
});

describe('a page reloaded while the session is still working', () => {
  it('counts as having shown clinical content: it is covered at the next lock and thrown away', async () => {
    const { session, load } = startShell();
    const page = load();
    // A crash whose lock did nothing (the session stayed active): the page reloads while working.
    session.lockBeforeReload.mockImplementation(() => undefined);
    page.webContents.crash();
    await vi.advanceTimersByTimeAsync(10);
    expect(page.webContents.reloads).toBe(1);
    page.webContents.finishLoad();
    expect(page.onScreen()).toBe('page');
    session.go(states.locked('A'));
    page.webContents.finishLoad();
    expect(page.onScreen()).not.toBe('page');
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    expect(page.webContents.reloads).toBe(2);
  });
});

describe('unresponsive', () => {
  it('locks the session, then kills the renderer and reloads it into the locked state', async () => {
    const { session, load } = startShell();
    const page = load();
    const order: string[] = [];
    session.lockBeforeReload.mockImplementation(() => {
      order.push(`lock while renderer ${page.webContents.process}`);
      if (isWorking(session.state())) session.go(states.locked('A'));
    });
    page.webContents.hang();
    expect(page.onScreen()).not.toBe('page');
    await vi.advanceTimersByTimeAsync(10);
    expect(order[0]).toBe('lock while renderer alive');
    expect(session.state().status).toBe('locked');
    expect(page.webContents.crashRequests).toBe(1);
    expect(page.webContents.reloads).toBe(1);
    page.webContents.finishLoad();
    expect(page.onScreen()).toBe('page');
    expect(viewsSent(page).at(-1)).toBe('locked');
  });
});

describe('a fresh partition per clinician', () => {
  const lockedDown = (w: FakeBrowserWindow) => {
    const { webContents: contents } = w;
    const navigations = ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview'].map((name) =>
      contents.count(name),
    );
    return {
      webPreferences: { ...w.options.webPreferences, partition: 'the partition' },
      navigations,
      newWindows: contents.windowOpenHandler?.({ url: 'https://example.org' } as never),
      permissionCheck: contents.session.permissionCheckHandler?.(contents, 'media', 'app://shell', {}),
      downloads: contents.session.count('will-download'),
      appProtocol: contents.session.protocol.handlers.has('app'),
      surface: w.contentView.children.length,
    };
  };

  it('a clinician change: a new window on a new partition, locked down the same; the old session is cleared', async () => {
    const { session, win, load, ask } = startShell();
    const first = load();
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs + 10);
    first.webContents.finishLoad();
    const firstSession = first.webContents.session;

    session.go(states.active('B'));

    const second = win();
    expect(second).not.toBe(first);
    expect(second.webContents.session.partition).not.toBe(firstSession.partition);
    expect(second.webContents.session.partition).toMatch(/^shell-/);
    expect(lockedDown(second)).toEqual(lockedDown(first));
    expect(lockedDown(second)).toMatchObject({
      navigations: [1, 1, 1, 1],
      newWindows: { action: 'deny' },
      permissionCheck: false,
      downloads: 1,
      appProtocol: true,
      surface: 1,
    });
    // B's view never reached A's page, and A's page is no longer heard.
    expect(viewsSent(first)).not.toContain('active');
    expect(await ask(first.webContents, 'loadDrafts')).toEqual({ ok: false, code: 'wrong-sender' });
    expect(first.onScreen()).not.toBe('page');

    // The old window goes once the new one is on screen, and its session is emptied.
    expect([firstSession.storageCleared, firstSession.cacheCleared]).toEqual([0, 0]);
    load(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.isDestroyed()).toBe(true);
    expect([firstSession.storageCleared, firstSession.cacheCleared]).toEqual([1, 1]);
    expect(firstSession.protocol.handlers.has('app')).toBe(false);
    expect(second.onScreen()).toBe('page');
  });

  it('a hand-over straight from a working page moves at once: the next clinician is never served in the old page', () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.locked('A'));
    // Within the hand-over, before the page was thrown away, someone else is working.
    session.go(states.active('B'));
    const second = win();
    expect(second).not.toBe(first);
    expect(viewsSent(first)).toEqual(['locked']);
    expect(first.onScreen()).not.toBe('page');
  });

  it.each([
    ['ended', states.ended()],
    ['signed-out', states.signedOut()],
  ])('%s: the covered page may hand over its last keystrokes, then moves to a new partition', async (_name, end) => {
    const { session, win, load, ask } = startShell();
    const first = load();
    const firstSession = first.webContents.session;
    session.go(end);
    const draft = { id: 'd1', patient: 'P', text: 'last words', updatedAt: 1 };
    expect(await ask(first.webContents, 'saveDraft', draft)).toMatchObject({ ok: true });
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);

    const second = win();
    expect(second).not.toBe(first);
    expect(second.webContents.session.partition).not.toBe(firstSession.partition);
    expect(await ask(first.webContents, 'saveDraft', draft)).toEqual({ ok: false, code: 'wrong-sender' });
    load(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.isDestroyed()).toBe(true);
    expect([firstSession.storageCleared, firstSession.cacheCleared]).toEqual([1, 1]);
    expect(second.onScreen()).toBe('page');
    expect(viewsSent(second)).toEqual([]);
    expect(await ask(second.webContents, 'getView')).toMatchObject({ ok: true, value: { kind: end.status } });
  });

  it('the next clinician signs in on the fresh partition; a sign-in on a page no clinician used keeps it', async () => {
    const { session, win, load } = startShell(states.signedOut());
    const first = load();
    session.go(states.signingIn());
    session.go(states.active('A'));
    expect(win()).toBe(first);
    session.go(states.ended());
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    const second = load(win());
    session.go(states.signedOut());
    session.go(states.active('B'));
    expect(win()).toBe(second);
    expect(FakeBrowserWindow.created.map((w) => w.webContents.session.partition)).toHaveLength(
      new Set(FakeBrowserWindow.created.map((w) => w.webContents.session.partition)).size,
    );
  });
});

describe('the clipboard at a lock, an end and a hand-over', () => {
  /** The clinician copies in the page: the key reaches main first, then Chromium writes the clipboard. */
  async function copyInPage(page: FakeBrowserWindow, board: FakeClipboard, text: string): Promise<void> {
    if (page.webContents.press({ key: 'c', code: 'KeyC', control: true })) await board.writeText(text);
    await vi.advanceTimersByTimeAsync(1000);
  }

  it.each([
    ['a lock', states.locked('A')],
    ['an end', states.ended()],
    ['a hand-over', states.active('B')],
  ])('clears it at %s when it holds the text the shell copied', async (_when, next) => {
    const board = new FakeClipboard();
    await board.writeText('copied in another app');
    const { session, load } = startShell(states.active('A'), { clipboard: board });
    const page = load();
    await copyInPage(page, board, 'Bed 4: allergic to penicillin');
    session.go(next);
    await vi.advanceTimersByTimeAsync(0);
    expect(board.text).toBe('');
    expect(board.clears).toBe(1);
  });

  it.each([
    ['a lock', states.locked('A')],
    ['an end', states.ended()],
    ['a hand-over', states.active('B')],
  ])('leaves it at %s when it holds what the clinician copied from another application', async (_when, next) => {
    const board = new FakeClipboard();
    const { session, load } = startShell(states.active('A'), { clipboard: board });
    const page = load();
    await copyInPage(page, board, 'Bed 4: allergic to penicillin');
    await board.writeText('a phone number from the intranet');
    session.go(next);
    await vi.advanceTimersByTimeAsync(0);
    expect(board.text).toBe('a phone number from the intranet');
    expect(board.clears).toBe(0);
  });

  it('sweeps at a lock, an end and a hand-over, and forgets what was copied at an end or hand-over only', () => {
    expect(clipboardSweepFor(states.locked('A'), states.active('A'))).toEqual({ sweep: true, forget: false });
    expect(clipboardSweepFor(states.reauthenticating('A'), states.warning('A'))).toEqual({
      sweep: true,
      forget: false,
    });
    expect(clipboardSweepFor(states.ended(), states.active('A'))).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.signedOut(), states.locked('A'))).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.active('B'), states.locked('A'))).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.active('A'), states.locked('A'))).toEqual({ sweep: false, forget: false });
    expect(clipboardSweepFor(states.reauthenticating('A'), states.locked('A'))).toEqual({
      sweep: false,
      forget: false,
    });
  });

  it('sweeps and forgets at an end that follows no clinician (a sign-in given up), and not at a sign-in', () => {
    expect(clipboardSweepFor(states.signedOut(), states.signingIn())).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.ended(), states.signingIn())).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.ended(), states.signedOut())).toEqual({ sweep: true, forget: true });
    expect(clipboardSweepFor(states.signingIn(), states.signedOut())).toEqual({ sweep: false, forget: false });
    expect(clipboardSweepFor(states.active('A'), states.signingIn())).toEqual({ sweep: false, forget: false });
  });

  it('does not sweep again when an end is followed by the same end', () => {
    expect(clipboardSweepFor(states.signedOut(), states.signedOut())).toEqual({ sweep: false, forget: false });
    expect(clipboardSweepFor(states.ended(), states.ended())).toEqual({ sweep: false, forget: false });
  });
});
