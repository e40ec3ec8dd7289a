// Main's lock surface on its own (main/adapters/lock-surface.ts): the view over the page, what it
// shows, and its page's life, on the fake Electron. windows.test.ts checks it inside the shell
// window; the lock guard's tests check when it goes up and comes down.
import { createHash } from 'node:crypto';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createLockSurface,
  lockSurfaceColor,
  lockSurfaceContentSecurityPolicy,
  lockSurfaceFailedHtml,
  lockSurfaceFailedUrl,
  lockSurfaceHtml,
  lockSurfaceUrl,
  lockSurfaceWebPreferences,
} from '../../main/adapters/lock-surface';
import type { LockSurfaceDeps } from '../../main/adapters/lock-surface';
import { secureWebPreferences } from '../../main/adapters/lockdown';
import { FakeBrowserWindow, FakeSession, FakeWebContentsView, resetFakeElectron } from './fake-electron';

beforeEach(() => {
  resetFakeElectron();
});

afterEach(() => {
  resetFakeElectron();
});

/** A surface over a fresh 1280×860 window, as the window factory makes it. */
function surfaceOver(options: { onError?: (code: string) => void } = {}) {
  const win = new FakeBrowserWindow({ width: 1280, height: 860 });
  const deps = { WebContentsView: FakeWebContentsView } as unknown as LockSurfaceDeps;
  const surface = createLockSurface(deps, win as unknown as BrowserWindow, options.onError as never);
  const view = FakeWebContentsView.created.at(-1)!;
  return { win, surface, view, contents: view.webContents };
}

/** The text a reader sees in one of the surface's pages: each heading and paragraph, tags removed. */
function visibleText(html: string): { title: string; heading: string; paragraphs: string[] } {
  const inner = (tag: string): string[] =>
    [...html.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'g'))].map((match) => match[1] ?? '');
  return { title: inner('title')[0] ?? '', heading: inner('h1')[0] ?? '', paragraphs: inner('p') };
}

/** The inline style's rules: selector → property → value. */
function styleRules(html: string): Map<string, Map<string, string>> {
  const style = /<style>(.*)<\/style>/.exec(html)?.[1] ?? '';
  const rules = new Map<string, Map<string, string>>();
  for (const [, selectors = '', body = ''] of style.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const declarations = new Map(
      body.split(';').map((declaration) => {
        const [property = '', ...value] = declaration.split(':');
        return [property.trim(), value.join(':').trim()] as const;
      }),
    );
    for (const selector of selectors.split(',')) rules.set(selector.trim(), declarations);
  }
  return rules;
}

const pages = [
  ['"please wait"', lockSurfaceHtml, lockSurfaceUrl],
  ['"could not start"', lockSurfaceFailedHtml, lockSurfaceFailedUrl],
] as const;

describe('the view over the page', () => {
  it('covers the whole window from the moment it is made, before anyone calls show()', () => {
    const { win, surface, view } = surfaceOver();
    expect(win.onScreen()).toBe(view);
    expect(view.getBounds()).toEqual({ x: 0, y: 0, width: 1280, height: 860 });
    expect(surface.isShown()).toBe(true);
  });

  it('hide() uncovers the page and show() covers it again; isShown() says which', () => {
    const { win, surface, view } = surfaceOver();
    surface.hide();
    expect(win.onScreen()).toBe('page');
    expect(surface.isShown()).toBe(false);
    surface.show();
    expect(win.onScreen()).toBe(view);
    expect(surface.isShown()).toBe(true);
  });

  it('follows the content view when it is laid out anew (bounds-changed with no resize)', () => {
    const { win, view } = surfaceOver();
    Object.assign(win.options, { width: 1920, height: 1080 });
    win.contentView.emit('bounds-changed');
    expect(view.getBounds()).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
    expect(win.onScreen()).toBe(view);
  });

  it('closes devtools should they ever open on the surface', () => {
    const { contents } = surfaceOver();
    contents.emit('devtools-opened');
    expect(contents.devToolsClosed).toBe(1);
  });

  it('uses only the preferences of a static page: the shared secure ones, no script, no images, no devtools', () => {
    expect(lockSurfaceWebPreferences()).toEqual({
      ...secureWebPreferences,
      partition: expect.stringMatching(/^(?!persist:)./),
      javascript: false,
      images: false,
      devTools: false,
    });
  });

  it('lives in a session of its own: not the default session, not a persistent one', () => {
    const { contents } = surfaceOver();
    expect(contents.session).not.toBe(FakeSession.fromPartition(''));
    expect(contents.session.partition).not.toBe('');
    expect(contents.session.partition).not.toMatch(/^persist:/);
  });
});

describe('its pages', () => {
  it('shows "please wait" at first; showFailure() covers the page with "could not start" and loads it only once', () => {
    const { win, surface, view, contents } = surfaceOver();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl]);
    surface.hide();
    surface.showFailure();
    expect(win.onScreen()).toBe(view);
    expect(surface.isShown()).toBe(true);
    surface.showFailure();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl, lockSurfaceFailedUrl]);
  });

  it('showWaiting() brings "please wait" back after a failure, once, and loads nothing when it is already there', () => {
    const { surface, contents } = surfaceOver();
    surface.showWaiting();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl]);
    surface.showFailure();
    surface.showWaiting();
    surface.showWaiting();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl, lockSurfaceFailedUrl, lockSurfaceUrl]);
  });

  it('once disposed, loads nothing and throws nothing, and a second dispose is harmless', () => {
    const { surface, contents } = surfaceOver();
    surface.dispose();
    expect(contents.isDestroyed()).toBe(true);
    expect(() => surface.showFailure()).not.toThrow();
    expect(() => surface.showWaiting()).not.toThrow();
    expect(() => surface.dispose()).not.toThrow();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl]);
  });

  it('after a failure page, a dispose leaves it as it is: "please wait" is not loaded into closed contents', () => {
    const { surface, contents } = surfaceOver();
    surface.showFailure();
    surface.dispose();
    expect(() => surface.showWaiting()).not.toThrow();
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl, lockSurfaceFailedUrl]);
  });

  it('reports a page of its own that failed to load, but not one replaced by the other page (-3)', async () => {
    const onError = vi.fn<(code: string) => void>();
    const { surface, contents } = surfaceOver({ onError });
    surface.showFailure(); // aborts the loading "please wait" with ERR_ABORTED
    await Promise.resolve();
    expect(onError).not.toHaveBeenCalled();
    contents.failLoad(-6);
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError).toHaveBeenCalledWith('lock-surface-load-failed');
  });

  it('with no fault reporter, a failed load of its page is swallowed: no unhandled rejection in main', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { contents } = surfaceOver();
      contents.failLoad(-6);
      // Node reports an unhandled rejection after the microtasks of the turn that made it.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('what the pages show', () => {
  it.each(pages)('the %s page is served exactly as written (its data: URL decodes to it)', (_name, html, url) => {
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(url.slice(url.indexOf(',') + 1))).toBe(html);
  });

  it.each(pages)('the %s page is a standards-mode English UTF-8 document titled with the app name', (_name, html) => {
    expect(html.startsWith('<!doctype html><html lang="en"><head><meta charset="utf-8">')).toBe(true);
    expect(html.endsWith('</html>')).toBe(true);
    expect(visibleText(html).title).toBe('Clinical Workstation Shell');
  });

  it.each(pages)(
    'the %s page carries the content security policy, whose style hash is that of its style',
    (_n, html) => {
      const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
      expect(meta?.[1]).toBe(lockSurfaceContentSecurityPolicy);
      const style = /<style>(.*)<\/style>/.exec(html)?.[1] ?? '';
      const hash = createHash('sha256').update(style).digest('base64');
      expect(lockSurfaceContentSecurityPolicy).toContain(`style-src 'sha256-${hash}'`);
    },
  );

  it('the policy allows nothing but that style, including what default-src does not cover (base-uri, form-action)', () => {
    const directives = lockSurfaceContentSecurityPolicy.split('; ').map((d) => d.split(' '));
    expect(directives.map(([name]) => name)).toEqual(['default-src', 'style-src', 'base-uri', 'form-action']);
    for (const [name, ...sources] of directives)
      if (name !== 'style-src') expect(sources, `${name}`).toEqual(["'none'"]);
  });

  it.each(pages)(
    'the %s page paints white text on the surface colour, so nothing changes colour as it loads',
    (_n, html) => {
      const page = styleRules(html).get('body');
      expect(page?.get('background')).toBe(lockSurfaceColor);
      expect(page?.get('color')).toBe('#ffffff');
      expect(page?.get('margin')).toBe('0');
      expect(page?.get('height')).toBe('100%');
    },
  );

  it.each(pages)(
    'the %s page centres its message and sets its words large enough to read across a ward',
    (_n, html) => {
      const rules = styleRules(html);
      const main = rules.get('main');
      expect([main?.get('display'), main?.get('flex-direction'), main?.get('justify-content')]).toEqual([
        'flex',
        'column',
        'center',
      ]);
      expect(main?.get('height')).toBe('100%');
      const rem = (selector: string): number => Number.parseFloat(rules.get(selector)?.get('font-size') ?? '0');
      expect(rem('h1')).toBeGreaterThanOrEqual(2);
      expect(rem('p')).toBeGreaterThanOrEqual(1.5);
    },
  );

  it('"please wait" says what is happening, that the screen comes back, and to tell IT if it does not', () => {
    const { heading, paragraphs } = visibleText(lockSurfaceHtml);
    expect(heading).toBe('Please wait');
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toMatch(/locking or changing hands/);
    expect(paragraphs[0]).toMatch(/back in a moment/);
    expect(paragraphs[1]).toMatch(/tell IT/);
  });

  it('"could not start" says the shell could not load, that saved notes are kept, and to tell IT', () => {
    const { heading, paragraphs } = visibleText(lockSurfaceFailedHtml);
    expect(heading).toBe('The shell could not start');
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toMatch(/could not load its screens/);
    expect(paragraphs[0]).toMatch(/Saved notes are kept/);
    expect(paragraphs[1]).toMatch(/^Tell IT/);
  });
});

describe('its own renderer dying or hanging (issue 24)', () => {
  it('covers nothing once its renderer is gone, in the fake as in Electron, and is reloaded; it counts as painting only once its page loaded again', () => {
    const onError = vi.fn();
    const { win, surface, view, contents } = surfaceOver({ onError });
    const lost = vi.fn();
    const painted = vi.fn();
    surface.onLost(lost);
    surface.onPainted(painted);
    expect(win.onScreen()).toBe(view);
    expect(surface.isPainting()).toBe(true);

    contents.crash();
    expect(surface.isPainting()).toBe(false);
    expect(lost).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith('lock-surface-gone');
    // Reloaded at once (its own page again).
    expect(contents.loadedUrls).toEqual([lockSurfaceUrl, lockSurfaceUrl]);
    expect(surface.isPainting()).toBe(false);
    contents.finishLoad();
    expect(surface.isPainting()).toBe(true);
    expect(painted).toHaveBeenCalledTimes(1);
  });

  it('the fake: a surface whose renderer died does not cover the page, though it once loaded its page', () => {
    const { win, contents } = surfaceOver();
    contents.finishLoad();
    contents.process = 'gone';
    expect(win.onScreen()).toBe('page');
  });

  it('a hung surface is killed (nothing clinical in its renderer), then takes the crash path', async () => {
    vi.useFakeTimers();
    try {
      const { surface, contents } = surfaceOver();
      contents.hang();
      expect(surface.isPainting()).toBe(false);
      expect(contents.crashRequests).toBe(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(contents.loadedUrls).toHaveLength(2);
      contents.finishLoad();
      expect(surface.isPainting()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('after the failure page, a crash reloads the failure page, not "please wait"', () => {
    const { surface, contents } = surfaceOver();
    surface.showFailure();
    contents.crash();
    expect(contents.loadedUrls.at(-1)).toBe(lockSurfaceFailedUrl);
  });

  it('its first page loading is not a recovery: nobody is told it painted again', () => {
    const { surface, contents } = surfaceOver();
    const painted = vi.fn();
    surface.onPainted(painted);
    contents.finishLoad();
    expect(painted).not.toHaveBeenCalled();
    expect(surface.isPainting()).toBe(true);
  });

  it('with no fault reporter, a surface that keeps dying stays lost and throws nothing', () => {
    const { surface, contents } = surfaceOver();
    expect(() => {
      for (let i = 0; i < 4; i += 1) {
        contents.crash();
        if (i < 3) contents.finishLoad();
      }
    }).not.toThrow();
    expect(contents.loadedUrls).toHaveLength(4);
    expect(surface.isPainting()).toBe(false);
  });

  it('a crash or a hang reported as its window closes neither reloads nor kills: the contents are gone', () => {
    const { surface, contents } = surfaceOver();
    surface.dispose();
    expect(contents.isDestroyed()).toBe(true);
    expect(() => contents.crash()).not.toThrow();
    expect(() => contents.hang()).not.toThrow();
    expect(contents.loadedUrls).toHaveLength(1);
    expect(contents.crashRequests).toBe(0);
  });

  it('stops reloading a surface that keeps dying, and says so; it stays lost', () => {
    const onError = vi.fn();
    const { surface, contents } = surfaceOver({ onError });
    for (let i = 0; i < 4; i += 1) {
      contents.crash();
      if (i < 3) contents.finishLoad();
    }
    expect(onError).toHaveBeenCalledWith('lock-surface-crash-loop');
    expect(contents.loadedUrls).toHaveLength(4);
    expect(surface.isPainting()).toBe(false);
  });
});
