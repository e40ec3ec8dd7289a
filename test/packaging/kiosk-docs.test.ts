// docs/kiosk.md (issue 14 item 8): every file of this repository it names exists, and the Linux
// autostart examples it ships are complete enough for systemd and an XDG session to run them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './builder-config';

const read = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');
const doc = read('docs/kiosk.md');

/** Repository paths in `code` spans and Markdown links (relative to docs/). */
function namedPaths(markdown: string): string[] {
  const code = [
    ...markdown.matchAll(/`((?:main|preload|renderer|packaging|docs|scripts|assets|policy-templates)\/[^`\s]+)`/g),
  ].map((m) => m[1]!);
  const links = [...markdown.matchAll(/\]\(([^)#:]+\.md)(?:#[^)]*)?\)/g)].map((m) => path.posix.join('docs', m[1]!));
  return [...new Set([...code, ...links])];
}

/** key=value lines of a [section] in an INI-style file (desktop entry, systemd unit). */
function section(text: string, name: string): Map<string, string> {
  const lines = text.split('\n');
  const start = lines.indexOf(`[${name}]`);
  if (start < 0) return new Map();
  const end = lines.findIndex((l, i) => i > start && l.startsWith('['));
  return new Map(
    lines
      .slice(start + 1, end < 0 ? undefined : end)
      .filter((l) => /^[A-Za-z][\w-]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('docs/kiosk.md', () => {
  it('names the files it talks about, and each exists', () => {
    const paths = namedPaths(doc);
    expect(paths).toEqual(
      expect.arrayContaining([
        'packaging/linux/clinical-workstation-shell.service',
        'packaging/linux/clinical-workstation-shell.desktop',
        'main/adapters/app-lifecycle.ts',
        'main/adapters/window-focus.ts',
      ]),
    );
    expect(paths.filter((p) => !existsSync(path.join(repoRoot, p)))).toEqual([]);
  });

  it('the path finder catches a file that does not exist', () => {
    const missing = namedPaths('see `packaging/linux/no-such-file.service` and [x](nowhere.md)').filter(
      (p) => !existsSync(path.join(repoRoot, p)),
    );
    expect(missing).toEqual(['packaging/linux/no-such-file.service', 'docs/nowhere.md']);
  });

  it('says what handleFatalError does: relaunch, signed out, not in a loop', () => {
    const source = read('main/adapters/app-lifecycle.ts');
    expect(source).toMatch(/export function handleFatalError/);
    expect(source).toMatch(/export const maxCrashRelaunches = 3;/);
    expect(source).toMatch(/export const crashRelaunchWindowMs = 10 \* 60_000;/);
    expect(doc).toMatch(/at most 3 times within 10 minutes/);
    expect(doc).toMatch(/\*\*signed out\*\*/);
  });
});

describe('the Linux autostart examples', () => {
  const program = '/usr/bin/clinical-workstation-shell';

  it('the systemd user unit starts the shell with the graphical session and restarts it on failure', () => {
    const unit = read('packaging/linux/clinical-workstation-shell.service');
    expect(section(unit, 'Service').get('ExecStart')).toBe(program);
    expect(section(unit, 'Service').get('Restart')).toBe('on-failure');
    expect(section(unit, 'Install').get('WantedBy')).toBe('graphical-session.target');
    expect(section(unit, 'Unit').get('PartOf')).toBe('graphical-session.target');
  });

  it('the XDG autostart entry is an application entry that runs the shell', () => {
    const entry = section(read('packaging/linux/clinical-workstation-shell.desktop'), 'Desktop Entry');
    expect(entry.get('Type')).toBe('Application');
    expect(entry.get('Name')).toBe('Clinical Workstation Shell');
    expect(entry.get('Exec')).toBe(program);
  });

  it("both examples' program is /usr/bin/ + electron-builder.yml's executableName (the link electron-builder's deb makes)", () => {
    const executableName = /^\s*executableName:\s*(\S+)\s*$/m.exec(read('electron-builder.yml'))?.[1];
    expect(executableName).toBeDefined();
    expect(program).toBe(`/usr/bin/${executableName}`);
  });
});
