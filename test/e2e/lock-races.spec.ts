/**
 * Nothing outlives a lock: the races and missing signals that must still end on the lock
 * screen, and the last keystrokes that must still reach their owner. The real renderer in
 * Chromium, the real services, the CIS2 sandbox; time moved by the harness clock.
 */
import { HOUR, MINUTE, expect, test } from './fixtures';
import type { Shell } from './fixtures';

const doctor = 'dr-okafor'; // AAL3 smartcard: 15-minute idle limit
const nurse = 'nurse-hughes'; // AAL2

async function waitForBrowser(shell: Shell): Promise<void> {
  await expect
    .poll(async () => ((await shell.session()) as unknown as { pendingSignIn: boolean }).pendingSignIn)
    .toBe(true);
}

test('an OS lock during a sign-in abandons it: completing it in the browser afterwards shows nobody the workspace', async ({
  shell,
  page,
}) => {
  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('screen-signing-in')).toBeVisible();
  await waitForBrowser(shell);
  // The smartcard is pulled and Windows locks, before the browser sign-in is finished.
  const locked = await shell.os('lock-screen');
  expect(locked.status).toBe('signed-out');
  await expect(page.getByTestId('screen-signed-out')).toBeVisible();
  // Whoever finishes the sign-in in the browser now reaches a closed door.
  await shell.completeSignIn(doctor).catch(() => undefined);
  await shell.os('unlock-screen');
  expect((await shell.session()).status).toBe('signed-out');
  await expect(page.getByTestId('screen-workspace')).toHaveCount(0);
});

test('an OS lock during an unlock keeps the lock: the unlock in the browser is abandoned', async ({ shell, page }) => {
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Before the lock.');
  await shell.os('lock-screen');
  await page.getByTestId('unlock').click();
  await waitForBrowser(shell);
  await shell.os('lock-screen');
  await shell.completeSignIn(doctor).catch(() => undefined);
  await shell.os('unlock-screen');
  expect((await shell.session()).status).toBe('locked');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  expect(await shell.dom()).not.toContain('Before the lock');
  // A new unlock, after the lock, lets the same clinician back in to the same note.
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('draft-text')).toHaveValue('Before the lock.');
});

test('a sleep the OS never reported locks within a second of waking', async ({ shell, page }) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Unreported sleep note.');
  // Two hours asleep: the wall clock moves, the monotonic clock stops, no suspend or resume.
  const woke = await shell.advance(2 * HOUR, true);
  expect(woke.status).toBe('active');
  const second = await shell.advance(1_000);
  expect(second).toMatchObject({ status: 'locked', reason: 'idle' });
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  expect(await shell.dom()).not.toContain('Unreported sleep note');
});

test('signing out within 100 ms of typing keeps every character for the clinician', async ({ shell, page }) => {
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Obs stable.');
  await page.getByTestId('draft-text').press('End');
  await page.keyboard.type(' Review at 14:00, K+ 5.9', { delay: 5 });
  await page.getByTestId('sign-out').click({ delay: 0 });
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('draft-text')).toHaveValue('Obs stable. Review at 14:00, K+ 5.9');
});

test('a logout from CIS2 just after typing keeps the last keystrokes for their owner alone', async ({
  shell,
  page,
  harness,
}) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Dressing changed.');
  await page.getByTestId('draft-text').press('End');
  await page.keyboard.type(' Next change Friday.', { delay: 5 });
  const ended = (await harness.control('POST', '/control/backchannel-logout', { clinician: nurse })) as {
    status: string;
  };
  expect(ended.status).toBe('ended');
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  // Someone else signs in: nothing of the note.
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('draft-text')).toHaveValue('');
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  // The nurse gets every character back.
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(nurse);
  await expect(page.getByTestId('draft-text')).toHaveValue('Dressing changed. Next change Friday.');
});

test('a sign-in that proves one factor only gets the strict 15-minute limit, through the real provider', async ({
  shell,
  page,
}) => {
  await shell.signInAs('locum-reid');
  await shell.advance(14 * MINUTE + 59_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  const after = await shell.advance(1_000);
  expect(after).toMatchObject({ status: 'locked', reason: 'idle' });
  await expect(page.getByTestId('screen-locked')).toBeVisible();
});

test('a faulty OS idle reading locks the workstation rather than freezing it, and the clinician unlocks to the same note', async ({
  shell,
  page,
}) => {
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Before the fault.');
  const after = await shell.os('idle', { seconds: 'NaN' });
  expect(after).toMatchObject({ status: 'locked', reason: 'fault' });
  await expect(page.getByTestId('lock-reason')).toHaveAttribute('data-reason', 'fault');
  expect(await shell.dom()).not.toContain('Before the fault');
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('draft-text')).toHaveValue('Before the fault.');
});

test('IT tightens the idle limit mid-shift: it applies from the next unlock; loosening waits for the next sign-in', async ({
  shell,
  page,
  harness,
}) => {
  await shell.signInAs(doctor); // AAL3: 15 minutes
  await harness.control('POST', '/control/policy', { idleLimitSeconds: { AAL3: 5 * 60 }, warningLeadSeconds: 30 });
  await shell.os('lock-screen');
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  expect(await shell.advance(5 * MINUTE)).toMatchObject({ status: 'locked', reason: 'idle' });
  // IT lets it go back to 15 minutes: the running session keeps 5 until the next sign-in.
  await harness.control('POST', '/control/policy', {});
  await shell.unlockAs(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  expect(await shell.advance(5 * MINUTE)).toMatchObject({ status: 'locked', reason: 'idle' });
  await page.getByTestId('sign-in-as-someone-else').click();
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  expect((await shell.advance(10 * MINUTE)).status).toBe('active');
});
