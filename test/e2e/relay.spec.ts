/**
 * CIS2 ends a clinician's session elsewhere (their smartcard pulled with Identity Agent set to
 * end it): CIS2 posts a logout token to the trust's relay, the relay passes it to the ward PC,
 * and the shell checks it itself before it ends the session. The real sandbox, the real relay,
 * the real services and renderer; the relay connection is a real WebSocket.
 */
import { expect, test } from './fixtures';

const nurse = 'nurse-hughes';
const doctor = 'dr-okafor';

test('pulling the smartcard ends the session on the ward PC within seconds, and the note waits for its owner', async ({
  shell,
  page,
  harness,
}) => {
  await shell.signInAs(nurse);
  await shell.writeNote('John Smith', 'Dressing changed at 10:00.');
  // The workstation is listening on the relay for this session.
  await expect.poll(() => harness.relay.health().counts.registered, { timeout: 5_000 }).toBe(1);
  const started = Date.now();
  const result = (await harness.control('POST', '/control/cis2/end-session', { clinician: nurse })) as {
    relayStatus: number;
    ended: boolean;
    status: string;
    reason: string;
  };
  expect(result).toMatchObject({ relayStatus: 200, ended: true, status: 'ended' });
  expect(Date.now() - started).toBeLessThan(2_000);
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await expect(page.getByTestId('ended-reason')).toHaveAttribute('data-reason', 'backchannel-logout');
  expect(await shell.dom()).not.toContain('Dressing changed');
  // The nurse signs in again and gets the note back. Not within the second of the logout: a
  // logout naming only the clinician, issued in the same second (CIS2's times are whole seconds)
  // as an authentication, is taken to name it too, so the shell errs towards ending a session.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn(nurse);
  await expect(page.getByTestId('draft-text')).toHaveValue('Dressing changed at 10:00.');
});

test("another clinician's card changes nothing on this ward PC", async ({ shell, page, harness }) => {
  await shell.signInAs(nurse);
  await expect.poll(() => harness.relay.health().counts.registered, { timeout: 5_000 }).toBe(1);
  const result = (await harness.control('POST', '/control/cis2/end-session', { clinician: doctor })) as {
    relayStatus: number;
    ended: boolean;
    status: string;
  };
  expect(result).toMatchObject({ relayStatus: 200, ended: false, status: 'active' });
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
});
