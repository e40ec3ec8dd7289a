/**
 * The clinician's story end to end: the real renderer in Chromium, the real services in
 * Node, sign-in against the CIS2 sandbox, time moved by the harness clock.
 */
import { HOUR, MINUTE, expect, test } from './fixtures';

const doctor = 'dr-okafor'; // AAL3 smartcard: 15-minute idle limit
const nurse = 'nurse-hughes'; // AAL2

test('a note survives an idle lock for its owner and is never shown to another clinician', async ({ shell, page }) => {
  await shell.signInAs(doctor);
  await expect(page.getByTestId('clinician-name')).toContainText('Okafor');
  const note = 'Obs stable overnight. Plan: repeat U&Es at 14:00 — “check K⁺” 🩺\nSecond line.';
  await shell.writeNote('Jane Doe 943 476 5919', note);

  // 14 min of idle: the warning (60 s lead) is on screen, and the note is still there.
  await shell.advance(14 * MINUTE + 1_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await expect(page.getByTestId('idle-countdown')).toContainText('0:59');
  await shell.advance(60 * 1_000);
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'idle');
  const locked = await shell.dom();
  expect(locked).not.toContain('Jane Doe');
  expect(locked).not.toContain('repeat U&amp;Es');
  expect(locked).not.toContain('check K⁺');

  // The same clinician unlocks: the note is back exactly as saved.
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await expect(page.getByTestId('draft-patient')).toHaveValue('Jane Doe 943 476 5919');
  await expect(page.getByTestId('draft-text')).toHaveValue(note);

  // Lock again, and a different clinician takes over: no note for them.
  await shell.os('lock-screen');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await page.getByTestId('sign-in-as-someone-else').click();
  await shell.completeSignIn(nurse);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await expect(page.getByTestId('clinician-name')).toContainText('Hughes');
  await expect(page.getByTestId('draft-patient')).toHaveValue('');
  await expect(page.getByTestId('draft-text')).toHaveValue('');
  expect(await shell.dom()).not.toContain('Jane Doe');

  // The nurse signs out; the doctor signs in again and gets the note back.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('draft-patient')).toHaveValue('Jane Doe 943 476 5919');
  await expect(page.getByTestId('draft-text')).toHaveValue(note);
});

test('activity during the warning keeps the session', async ({ shell, page }) => {
  await shell.signInAs(doctor);
  await shell.advance(14 * MINUTE + 30_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await page.getByTestId('still-here').click();
  await expect(page.getByTestId('idle-warning')).toBeHidden();
  await shell.advance(10 * MINUTE);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  expect((await shell.session()).status).toBe('active');
});

test('the clinician can lock when stepping away, and unlock to the same note', async ({ shell, page }) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Obs due at 16:00.');
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'manual');
  expect(await shell.dom()).not.toContain('Obs due at');
  await shell.unlockAs(nurse);
  await expect(page.getByTestId('draft-text')).toHaveValue('Obs due at 16:00.');
});

test('a screen-lock event locks at once', async ({ shell, page }) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Wound dressing changed.');
  const after = await shell.os('lock-screen');
  expect(after.status).toBe('locked');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'os-lock');
  expect(await shell.dom()).not.toContain('Wound dressing');
});

test('after a 2-hour sleep the shell is locked before any workspace is shown', async ({ shell, page }) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Asleep note text.');
  // Record every screen the renderer shows from here on.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenScreens: string[] }).seenScreens = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid^="screen-"]'))
        seen.push(el.getAttribute('data-testid') ?? '');
    }).observe(document.body, { childList: true, subtree: true });
  });
  await shell.os('suspend');
  await shell.advance(2 * HOUR, true);
  const resumed = await shell.os('resume');
  expect(resumed.status).toBe('locked');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  const seen = await page.evaluate(() => (window as unknown as { seenScreens: string[] }).seenScreens);
  expect(seen.at(-1)).toBe('screen-locked');
  expect(seen.slice(seen.indexOf('screen-locked'))).not.toContain('screen-workspace');
  expect(await shell.dom()).not.toContain('Asleep note text');
});

test('12 hours of constant activity still ends in re-authentication', async ({ shell, page, harness }) => {
  // A PC one clinician uses (ActivityCountedFrom = os-account): input anywhere on the account counts.
  await harness.control('POST', '/control/policy', { activityCountedFrom: 'os-account' });
  await shell.signInAs(nurse);
  let snap = await shell.session();
  for (let elapsed = 0; elapsed < 12 * HOUR && snap.status !== 'locked'; elapsed += 10 * MINUTE) {
    await shell.os('idle', { seconds: 0 }); // the OS saw input just now
    snap = await shell.advance(10 * MINUTE);
  }
  expect(snap.status).toBe('locked');
  expect(snap.reason).toBe('absolute-limit');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'absolute-limit');
});

test('signing out with the network down ends the session at once', async ({ shell, page, harness }) => {
  await shell.signInAs(doctor);
  await harness.sandbox.close(); // CIS2 unreachable from here on
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await expect(page.getByTestId('ended-reason')).toHaveAttribute('data-reason', 'sign-out');
  expect(harness.services.signIn.tokens.hasSession()).toBe(false);
});

test('signed out elsewhere: a valid CIS2 logout token ends the session and keeps the note for its owner', async ({
  shell,
  page,
  harness,
}) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Written before the logout.');
  // A logout for someone else changes nothing.
  const other = (await harness.control('POST', '/control/backchannel-logout', { clinician: doctor })) as {
    accepted: boolean;
    status: string;
  };
  expect(other).toMatchObject({ accepted: true, status: 'active' });
  const mine = (await harness.control('POST', '/control/backchannel-logout', { clinician: nurse })) as {
    accepted: boolean;
    status: string;
  };
  expect(mine).toMatchObject({ accepted: true, status: 'ended' });
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await expect(page.getByTestId('ended-reason')).toHaveAttribute('data-reason', 'backchannel-logout');
  expect(await shell.dom()).not.toContain('Written before the logout');
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(nurse);
  await expect(page.getByTestId('draft-text')).toHaveValue('Written before the logout.');
});
