import { describe, expect, it } from 'vitest';
import { isCi, needs } from './needs';

describe('needs: a missing Debian service skips locally and fails in CI', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('CI=%s is CI: %s', (value, expected) => {
    expect(isCi(value === undefined ? {} : { CI: value })).toBe(expected);
  });

  it('present: runs, title unchanged', () => {
    const n = needs(null, false);
    expect(n.skipped).toBe(false);
    expect(n.title('relay replicas')).toBe('relay replicas');
  });

  it('missing on a developer machine: skipped, the title says why', () => {
    const n = needs('redis-server is not installed', false);
    expect(n.skipped).toBe(true);
    expect(n.title('relay replicas')).toBe(
      'relay replicas (SKIPPED: redis-server is not installed; .ci/run installs it)',
    );
  });

  it('missing in CI: not skipped, so the tests run and fail on what is missing', () => {
    const n = needs('redis-server is not installed', true);
    expect(n.skipped).toBe(false);
    expect(n.title('relay replicas')).toBe('relay replicas');
  });
});
