/**
 * One rule for tests that need a service from Debian (redis-server, pcscd and vsmartcard,
 * dbus-daemon and python3-dbusmock, gnome-keyring's Secret Service): where it is installed they
 * run; where it is missing they skip on a developer's machine, with the reason in the title; and
 * in CI, which installs every one of them (.ci/run), a missing one FAILS instead of skipping, so
 * a broken install can never pass as a skip. CI is any non-empty value of the CI variable other
 * than "false" or "0" (GitHub Actions and GitLab set "true", others "1").
 */
import { describe } from 'vitest';
import { inCi } from './ci';

export { inCi, isCi } from './ci';

export interface Needed {
  /** True when the tests are skipped: the service is missing and this is not CI. */
  readonly skipped: boolean;
  /** The title with the reason it is skipped, when it is. */
  title(title: string): string;
  /** describe, or describe.skip. */
  readonly describe: (title: string, suite: () => void) => void;
}

/** `missing`: why the service cannot be used here (what is not installed), or null when it can. */
export function needs(missing: string | null, ci: boolean = inCi): Needed {
  const skipped = missing !== null && !ci;
  return {
    skipped,
    title: (title) => (skipped ? `${title} (SKIPPED: ${missing}; .ci/run installs it)` : title),
    describe: (title, suite) => (skipped ? describe.skip : describe)(title, suite),
  };
}
