import { describe, expect, it } from 'vitest';
import { benchNames, parseBenchArgs } from '../../../bench/lib/cli';

describe('parseBenchArgs', () => {
  it('runs every benchmark, in order, when nothing is named', () => {
    expect(parseBenchArgs([])).toEqual({ kind: 'run', only: benchNames });
  });

  it('runs only the named ones, in the runner order, whichever way they are written', () => {
    expect(parseBenchArgs(['--only', 'shell'])).toEqual({ kind: 'run', only: ['shell'] });
    expect(parseBenchArgs(['--only=shell,engine'])).toEqual({ kind: 'run', only: ['engine', 'shell'] });
    expect(parseBenchArgs(['--only', 'drafts', '--only', 'signin'])).toEqual({
      kind: 'run',
      only: ['signin', 'drafts'],
    });
  });

  it('names an unknown benchmark and lists the real ones', () => {
    const parsed = parseBenchArgs(['--only', 'shel']);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toMatch(/"shel".*engine, signin, drafts, wake, relay, shell/);
  });

  it('refuses --only without a name, and options it does not know', () => {
    expect(parseBenchArgs(['--only']).kind).toBe('error');
    expect(parseBenchArgs(['--only='])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/needs a benchmark name/),
    });
    expect(parseBenchArgs(['--fast'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/"--fast"/) });
  });

  it('answers --help', () => {
    expect(parseBenchArgs(['--only', 'shell', '--help'])).toEqual({ kind: 'help' });
  });
});
