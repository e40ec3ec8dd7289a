import { AsyncEntry } from '@napi-rs/keyring';

/**
 * Whether a real Secret Service answers. Tests that need one run under
 *   dbus-run-session -- sh -c 'echo -n x | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null; npx vitest run test/services/client-key'
 * Without one they skip locally (the reason is in the test name) and FAIL when CI is set.
 */
export async function secretServiceAvailable(): Promise<boolean> {
  const probe = new AsyncEntry('uk.nhs.clinical-workstation-shell.test-probe', `probe-${process.pid}`);
  try {
    await probe.setPassword('probe');
    await probe.deletePassword();
    return true;
  } catch {
    return false;
  }
}

export const requireKeyring = Boolean(process.env['CI']);
