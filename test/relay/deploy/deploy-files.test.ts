// What a trust's platform team installs beside the built relay (relay/deploy/): the systemd unit,
// checked by systemd's own `systemd-analyze verify` and `security`, and the container image
// definition, checked for its shape (Docker is not available to build it here). Both start the
// entry point docs/relay.md names, and the image's health check (the built healthcheck.mjs) is run
// against a live answer, a 503 and a closed port.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../support/needs';
import { buildRelayOutside, removeFolder } from '../fixtures/built-relay';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (p: string): string => readFileSync(path.join(root, p), 'utf8');
const unitText = read('relay/deploy/cws-relay.service');
const containerfile = read('relay/deploy/Containerfile');

/** The entry point docs/relay.md names: `node /opt/cws-relay/main.mjs`. */
const ENTRY = ['node', '/opt/cws-relay/main.mjs'];

/** `Key=value` lines of a unit file's [Service] section (a key may repeat). */
function serviceSection(text: string): [string, string][] {
  const section = /^\[Service\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return section
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

const systemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
const systemd = needs(systemdAnalyze ? null : 'systemd-analyze is not installed');

describe('the systemd unit (relay/deploy/cws-relay.service)', () => {
  const settings = new Map(serviceSection(unitText));

  it('starts the documented entry point, as a dynamic user with a state folder and a stop timeout over 10 s', () => {
    expect(settings.get('ExecStart')).toBe(`/usr/bin/${ENTRY.join(' ')}`);
    expect(read('docs/relay.md')).toContain(`\`${ENTRY.join(' ')}\``);
    expect(settings.get('DynamicUser')).toBe('yes');
    expect(settings.get('StateDirectory')).toBe('cws-relay');
    expect(settings.get('EnvironmentFile')).toBe('/etc/cws-relay/relay.env');
    expect(settings.get('Restart')).toBe('on-failure');
    expect(Number(settings.get('TimeoutStopSec'))).toBeGreaterThan(10);
    expect(settings.get('KillSignal')).toBe('SIGTERM');
  });

  it('is sandboxed: no privileges or capabilities, read-only system, IP and Unix sockets only', () => {
    expect(Object.fromEntries(settings)).toMatchObject({
      NoNewPrivileges: 'yes',
      CapabilityBoundingSet: '',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      SystemCallFilter: '@system-service',
    });
  });

  systemd.describe(systemd.title('checked by systemd-analyze'), () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'cws-relay-unit-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** The unit with its node replaced (verify needs ExecStart's program to exist: here, this test's own node). */
    function unitWithNode(node: string): string {
      const file = path.join(dir, 'cws-relay.service');
      writeFileSync(file, unitText.replace('ExecStart=/usr/bin/node ', `ExecStart=${node} `));
      return file;
    }

    const analyze = (...args: string[]) => spawnSync('systemd-analyze', args, { encoding: 'utf8' });

    it('verify finds nothing to say about it (and does about a unit whose program is missing)', () => {
      const good = analyze('verify', unitWithNode(process.execPath));
      expect({ status: good.status, stderr: good.stderr.trim() }).toEqual({ status: 0, stderr: '' });
      const missing = analyze('verify', unitWithNode(path.join(dir, 'no-such-node')));
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/not executable/);
    });

    it('rates its exposure at most 2.0 of 10 (systemd-analyze security)', () => {
      const result = analyze('security', '--offline=true', '--threshold=20', unitWithNode(process.execPath));
      expect(result.status, result.stdout.split('\n').slice(-2).join('\n')).toBe(0);
    });
  });
});

/** Each stage of a Containerfile: its FROM line and its instructions (continuation lines joined). */
function stages(text: string): { from: string; name: string | undefined; lines: string[] }[] {
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: { from: string; name: string | undefined; lines: string[] }[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from?.[1] !== undefined) out.push({ from: from[1], name: from[2], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const instruction = (lines: string[], name: string): string[] =>
  lines.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

describe('the container image (relay/deploy/Containerfile)', () => {
  const [build, runtime, ...more] = stages(containerfile);

  it('builds in one stage and runs in another that holds only the built relay', () => {
    expect(more).toEqual([]);
    expect(build?.name).toBe('build');
    expect(instruction(build?.lines ?? [], 'RUN')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build:relay']),
    );
    for (const copy of instruction(build?.lines ?? [], 'COPY')) {
      for (const source of copy.split(/\s+/).slice(0, -1))
        expect(existsSync(path.join(root, source)), source).toBe(true);
    }
    expect(runtime?.from).toMatch(/node:22/);
    const copies = instruction(runtime?.lines ?? [], 'COPY');
    expect(copies).toEqual([expect.stringMatching(/^--from=build\b.*\/src\/dist\/relay\/ \/opt\/cws-relay\/$/)]);
    expect(instruction(runtime?.lines ?? [], 'RUN')).toEqual([]);
  });

  it('runs the documented entry point as a non-root user, with a health check and its ports', () => {
    const lines = runtime?.lines ?? [];
    const [user] = instruction(lines, 'USER');
    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(0|root)$/);
    expect(instruction(lines, 'CMD').map((c) => JSON.parse(c) as unknown)).toEqual([ENTRY]);
    expect(instruction(lines, 'HEALTHCHECK')).toEqual([
      expect.stringMatching(/ CMD \["node", "\/opt\/cws-relay\/healthcheck\.mjs"\]$/),
    ]);
    expect(instruction(lines, 'EXPOSE')).toEqual(['8787 8788']);
  });

  describe('what the image runs, from the build', () => {
    let folder: string;
    beforeAll(() => {
      folder = buildRelayOutside();
    });
    afterAll(() => removeFolder(folder));

    it('holds main.mjs and healthcheck.mjs, and no dependency to install', () => {
      expect(existsSync(path.join(folder, 'main.mjs'))).toBe(true);
      const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg['dependencies']).toBeUndefined();
      expect(pkg['main']).toBe('main.mjs');
    });

    it('the health check exits 0 only while readiness answers 2xx', async () => {
      let status = 200;
      const server = createServer((req, res) => res.writeHead(req.url === '/readyz' ? status : 404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // Asynchronously: the server answering it is in this process.
      const check = (url: string) =>
        new Promise<number | null>((resolve) =>
          execFile(
            process.execPath,
            [path.join(folder, 'healthcheck.mjs')],
            { env: { RELAY_HEALTHCHECK_URL: url }, timeout: 10_000 },
            (error) => resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : null),
          ),
        );
      try {
        expect(await check(`${base}/readyz`)).toBe(0);
        status = 503;
        expect(await check(`${base}/readyz`)).toBe(1);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expect(await check(`${base}/readyz`)).toBe(1);
    });
  });
});
