/**
 * Whether this run is CI: any non-empty value of the CI variable other than "false" or "0"
 * (GitHub Actions and GitLab set "true", others "1"). In CI every Debian service the tests need
 * is installed (.ci/run), so a missing one fails rather than skips (test/support/needs.ts).
 * Free of any test runner, so Playwright specs use it too.
 */
export function isCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

export const inCi = isCi();
