/**
 * The ward loses NHS Care Identity (issue 21): the keep-alive refresh goes unanswered while the
 * clinician is typing, and the workspace says so calmly at the foot of the window, moving nothing
 * and taking no keystroke; when CIS2 answers again the note goes, and the note being typed is
 * exactly as typed. The idle warning comes first on screen; a lock during the outage says that
 * unlocking needs NHS Care Identity, in the same words as a failed unlock.
 *
 * Times, as the harness has them: the sandbox's access tokens last 300 s, the session refreshes
 * on the keep-alive heartbeat (every 60 s) once the token is within 60 s of expiry, so the
 * keep-alive at 240 s after the sign-in refreshes; an unanswered refresh is tried again after
 * 15 s, doubling each time, each wait jittered down to half, at the first heartbeat after it. The
 * refresh is real HTTP to the sandbox: its answer (or none) comes after the advance that asked.
 */
import type { Page, TestInfo } from '@playwright/test';
import { captureScreen } from './capture';
import { MINUTE, expect, test } from './fixtures';
import type { Shell } from './fixtures';

const doctor = 'dr-okafor'; // AAL3: 15-minute idle limit, the warning a minute before
/** From the sign-in to just past the keep-alive that refreshes the 300 s access token. */
const REFRESH_DUE_MS = 250_000;
/** The longest wait after the second unanswered refresh in a row (15 s doubled). */
const SECOND_RETRY_MS = 30_000;

const lostWords =
  'NHS Care Identity cannot be reached at the moment. You can keep working. Your work is saved on this workstation.';
const backWords = 'NHS Care Identity can be reached again.';

type Outage = { mode: 'drop' | 'unavailable'; scope?: 'token-endpoint' | 'everything' } | { mode: null };

async function outage(shell: Shell, body: Outage): Promise<void> {
  const answer = (await shell.harness.control('POST', '/control/cis2/outage', body)) as { outage: unknown };
  expect(answer.outage).toEqual(body.mode === null ? null : { scope: 'token-endpoint', ...body });
}

async function unreachableInView(shell: Shell): Promise<boolean | undefined> {
  const snap = (await shell.session()) as unknown as { view: { cis2Unreachable?: boolean } };
  return snap.view.cis2Unreachable;
}

/**
 * Records, in the page, each new thing the note's live region says and every focus change, so the
 * test can tell what was announced (and how often) and that nothing moved the focus.
 */
async function watchAnnouncementsAndFocus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="cis2-unreachable-announcement"]');
    if (region === null) throw new Error('the live region is not in the workspace');
    const seen = { said: [] as string[], focusMoves: 0 };
    (window as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver(() => {
      const text = region.textContent ?? '';
      if (text !== '' && text !== seen.said.at(-1)) seen.said.push(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
    document.addEventListener('focusin', () => (seen.focusMoves += 1), true);
    document.addEventListener('focusout', () => (seen.focusMoves += 1), true);
  });
}

const seenInPage = (page: Page): Promise<{ said: string[]; focusMoves: number }> =>
  page.evaluate(() => (window as unknown as { seen: { said: string[]; focusMoves: number } }).seen);

/**
 * Where the bottom of the caret's line is on screen, measured with a copy of the note laid out
 * alike (the textarea's own layout is not open to script): the text up to the caret, then a mark.
 */
const caretBottom = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const note = document.querySelector<HTMLTextAreaElement>('[data-testid="draft-text"]');
    if (note === null) throw new Error('no note');
    const style = getComputedStyle(note);
    const copy = document.createElement('div');
    for (const name of ['font', 'lineHeight', 'letterSpacing', 'padding', 'border', 'boxSizing', 'width'] as const)
      copy.style[name] = style[name];
    Object.assign(copy.style, {
      position: 'absolute',
      visibility: 'hidden',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'break-word',
    });
    copy.textContent = note.value.slice(0, note.selectionEnd);
    const mark = document.createElement('span');
    mark.textContent = '\u200b';
    copy.append(mark);
    document.body.append(copy);
    const bottom = mark.offsetTop + mark.offsetHeight;
    copy.remove();
    return note.getBoundingClientRect().top + bottom - note.scrollTop;
  });

const capture = (page: Page, testInfo: TestInfo, name: string): Promise<void> =>
  captureScreen(page, testInfo, name, { fullPage: false });

for (const size of [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1024x600', width: 1024, height: 600 },
  // 1280x800 at 200 % zoom: the page lays out in 640x400 CSS pixels.
  { name: '1280x800-at-200', width: 640, height: 400 },
]) {
  test(`CIS2 unanswered: a calm note comes while the clinician types, takes no keystroke, and goes when CIS2 answers (${size.name})`, async ({
    shell,
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    await shell.signInAs(doctor);
    await shell.writeNote('Jane Doe', 'Obs stable.');
    const note = page.getByTestId('draft-text');
    await note.focus();
    await note.press('End');
    const before = await note.boundingBox();
    await watchAnnouncementsAndFocus(page);
    const cis2Note = page.getByTestId('cis2-unreachable');
    await expect(cis2Note).toBeHidden();

    // The ward's network drops the token endpoint's connections; the keep-alive refresh goes unanswered.
    await outage(shell, { mode: 'drop' });
    const advancing = shell.advance(REFRESH_DUE_MS);
    // The clinician types all the while: until the note is on screen, and on after it.
    const words = ' Comfortable, eating and drinking.';
    let typed = '';
    for (let i = 0; !(await cis2Note.isVisible()); i += 1) {
      if (i > 3000) throw new Error('the note did not come while typing');
      const key = words[i % words.length] ?? ' ';
      await page.keyboard.type(key);
      typed += key;
    }
    expect((await advancing).status).toBe('active');
    await page.keyboard.type(' BP 120/80.', { delay: 20 });
    typed += ' BP 120/80.';

    await expect(note).toHaveValue(`Obs stable.${typed}`);
    await expect(note).toBeFocused();
    // The note does not move for it, and the caret stays above it: the page scrolls (as on any
    // keystroke near the foot of the window) only when a keystroke's caret would be under it.
    const noteTop = (await cis2Note.boundingBox())?.y ?? 0;
    const after = await note.boundingBox();
    const shift = (before?.y ?? 0) - (after?.y ?? 0);
    const caret = await caretBottom(page);
    expect(caret).toBeLessThanOrEqual(noteTop);
    expect(caret).toBeGreaterThan((after?.y ?? Infinity) + 16); // a line inside the note, not a stray measure
    expect({ ...after, y: 0 }).toEqual({ ...before, y: 0 });
    if (caret + shift <= noteTop) expect(shift).toBe(0);
    else expect(shift).toBeGreaterThan(0);
    await expect(page.getByRole('heading', { name: 'Cannot reach NHS Care Identity' })).toBeVisible();
    await expect(page.getByTestId('cis2-unreachable-announcement')).toHaveText(lostWords);
    // Nothing in it can be reached with Tab or take a keystroke.
    expect(await cis2Note.locator('button, a, input, textarea, select, [tabindex]').count()).toBe(0);
    // It leaves most of the window to the note, even at 200 % (a 400 px high window), and sits at its foot.
    const box = await cis2Note.boundingBox();
    expect(box?.height ?? Infinity).toBeLessThanOrEqual(size.height * 0.3);
    expect(Math.round((box?.y ?? 0) + (box?.height ?? 0))).toBe(size.height);
    expect(await unreachableInView(shell)).toBe(true);
    // Writing on down the note: the caret the browser keeps in view stays above the note at the foot.
    const more = `${'\n'.repeat(25)}Plan: review at 14:00.`;
    await page.keyboard.type(more);
    typed += more;
    await expect(note).toHaveValue(`Obs stable.${typed}`);
    expect(await caretBottom(page)).toBeLessThanOrEqual((await cis2Note.boundingBox())?.y ?? 0);
    await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
    await capture(page, testInfo, `cis2-unreachable-${size.name}`);

    // Still out a minute later: the retries go unanswered, and nothing more is said.
    await shell.os('idle', { seconds: 0 });
    await shell.advance(MINUTE);
    await expect(cis2Note).toBeVisible();
    expect((await shell.session()).status).toBe('active');

    // The network is back: the next retry is answered, the note goes, and that is said once.
    // The retry during the minute went unanswered too (the second in a row): the next waits 30 s at most.
    await outage(shell, { mode: null });
    await shell.advance(SECOND_RETRY_MS);
    await expect(cis2Note).toBeHidden();
    await expect(page.getByTestId('cis2-unreachable-announcement')).toHaveText(backWords);
    expect(await unreachableInView(shell)).toBe(false);
    await expect(note).toHaveValue(`Obs stable.${typed}`);
    await expect(note).toBeFocused();
    expect(await seenInPage(page)).toEqual({ said: [lostWords, backWords], focusMoves: 0 });
    const recovered = (await shell.harness.control('GET', '/control/audit?event=token.refresh-recovered')) as {
      lines: unknown[];
    };
    expect(recovered.lines.length).toBeGreaterThanOrEqual(1);
  });
}

test('during an outage the idle warning comes first, and the lock screen says unlocking needs NHS Care Identity', async ({
  shell,
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Obs stable.');
  await outage(shell, { mode: 'drop' });
  await shell.advance(REFRESH_DUE_MS);
  const cis2Note = page.getByTestId('cis2-unreachable');
  await expect(cis2Note).toBeVisible();

  // Nobody at the keyboard: the idle warning takes the foot of the window; the calm note steps back.
  await shell.advance(15 * MINUTE - REFRESH_DUE_MS - 30_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await expect(cis2Note).toBeHidden();
  // "I'm still here": the warning goes and the note comes back, CIS2 still out of reach.
  await page.getByTestId('still-here').click();
  await expect(page.getByTestId('idle-warning')).toBeHidden();
  await expect(cis2Note).toBeVisible();

  // It locks during the outage.
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'manual');
  const onLock = page.getByTestId('lock-cis2-unreachable');
  await expect(onLock.getByRole('heading', { name: 'Cannot reach the sign-in service' })).toBeVisible();
  await expect(onLock).toContainText(
    'NHS Care Identity could not be reached when this workstation locked. Unlocking needs NHS Care Identity: if it still cannot be reached, check the network is connected, then try again.',
  );
  await expect(page.getByTestId('work-kept')).toHaveText('Your work is kept for you. Only you can open it again.');
  await capture(page, testInfo, 'locked-cis2-unreachable');

  // Unlocking while CIS2 is still out: the failed unlock's notice says it, in the same heading, once.
  await page.getByTestId('unlock').click();
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('notice-title')).toHaveText('Cannot reach the sign-in service');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(onLock).toBeHidden();

  // The network is back: unlocking works, and the note is as it was.
  await outage(shell, { mode: null });
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await expect(page.getByTestId('draft-text')).toHaveValue('Obs stable.');
  await expect(cis2Note).toBeHidden();
});

test('IT locks at the first unanswered refresh: the lock says why, and only adds what to do', async ({
  shell,
  page,
}) => {
  await shell.harness.control('POST', '/control/policy', { unansweredRefreshLimitSeconds: 0 });
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Obs stable.');
  await outage(shell, { mode: 'unavailable' });
  await shell.advance(REFRESH_DUE_MS);
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'cis2-unreachable');
  await expect(page.getByTestId('lock-cis2-unreachable')).toContainText(
    'If it still cannot be reached when you unlock, check the network is connected, then try again.',
  );
  await expect(page.getByTestId('unlock')).toHaveText('Unlock');
});
