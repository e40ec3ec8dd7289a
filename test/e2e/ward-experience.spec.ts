/**
 * The ward experience (issue 14): a calm idle warning that moves nothing and takes no keystroke,
 * at the sizes ward PCs and zoomed-in clinicians use.
 */
import { MINUTE, expect, test } from './fixtures';

const doctor = 'dr-okafor'; // AAL3: 15-minute idle limit, warning 60 s before

for (const size of [
  { name: '1280×800', width: 1280, height: 800 },
  { name: '1024×600', width: 1024, height: 600 },
  { name: '1280×800 at 200 %', width: 640, height: 400 },
]) {
  test(`typing through the idle warning loses no keystroke and moves nothing (${size.name})`, async ({
    shell,
    page,
  }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await shell.signInAs(doctor);
    await shell.writeNote('Jane Doe', 'Obs stable.');
    const note = page.getByTestId('draft-text');
    await note.focus();
    await note.press('End');
    const before = await note.boundingBox();

    await shell.advance(14 * MINUTE + 5_000);
    const warning = page.getByTestId('idle-warning');
    await expect(warning).toBeVisible();
    // Nothing moved, the note kept the focus, and the warning's button is on screen whole.
    expect(await note.boundingBox()).toEqual(before);
    await expect(note).toBeFocused();
    const button = await page.getByTestId('still-here').boundingBox();
    expect(button).not.toBeNull();
    if (button !== null) {
      expect(button.y).toBeGreaterThanOrEqual(0);
      expect(button.y + button.height).toBeLessThanOrEqual(size.height);
      expect(button.x + button.width).toBeLessThanOrEqual(size.width);
    }
    await expect(page.getByTestId('idle-warning').getByRole('alert')).toHaveText('Are you still there?');

    // The clinician just carries on typing: every character lands in the note, and typing answers the warning.
    await page.keyboard.type(' Hello there', { delay: 20 });
    await expect(note).toHaveValue('Obs stable. Hello there');
    await expect(warning).toBeHidden();
  });
}

test('the lock screen says who locked it, when, why, and that the work is kept; unlocking puts the clinician back at the caret', async ({
  shell,
  page,
}) => {
  await shell.signInAs(doctor);
  await shell.writeNote('Jane Doe', 'Obs stable. Review at 14:00.');
  const note = page.getByTestId('draft-text');
  await note.focus();
  // The caret after "Obs stable." (character 11).
  await note.evaluate((el) => (el as HTMLTextAreaElement).setSelectionRange(11, 11));
  await note.press('ArrowRight');
  await note.press('ArrowLeft');

  await shell.advance(15 * MINUTE);
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('lock-reason')).toHaveText(
    'This workstation locked because it was not used for a while.',
  );
  await expect(page.getByTestId('work-kept')).toHaveText('Your work is kept for you. Only you can open it again.');
  await expect(page.getByRole('status').filter({ has: page.getByTestId('lock-reason') })).toBeVisible();
  await expect(page.getByText('Locked by')).toBeVisible();
  await expect(page.getByTestId('locked-name')).toHaveText('Dr Amira Okafor');
  const lockedAt = await page.getByTestId('locked-at').textContent();
  const expected = await page.evaluate(
    (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false }),
    (await shell.session()).now.wall,
  );
  expect(lockedAt).toBe(expected);

  await shell.unlockAs(doctor);
  await expect(note).toHaveValue('Obs stable. Review at 14:00.');
  await expect(note).toBeFocused();
  expect(await note.evaluate((el) => (el as HTMLTextAreaElement).selectionStart)).toBe(11);
});
