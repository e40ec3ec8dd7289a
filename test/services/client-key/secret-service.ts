import { AsyncEntry } from '@napi-rs/keyring';
import { inCi } from '../../support/needs';

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

/** In CI (which runs the tests in a Secret Service, scripts/test.mjs) a missing one fails (test/support/needs.ts). */
export const requireKeyring = inCi;
