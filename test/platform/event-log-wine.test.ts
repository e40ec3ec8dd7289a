// The Windows Event Log calls (main/platform/event-log.ts) made for real: the module, bundled,
// runs in the Windows build of Node under Wine, with koffi's Windows binary loading Wine's
// advapi32. RegisterEventSourceW must give a handle, ReportEventW must return success for a
// warning record, and Wine's own trace of ReportEventW (its eventlog channel) must show the
// UTF-16 text exactly as the shell built it: the koffi signatures pass the string array whole.
// Runs where Wine and a Windows node.exe (CWS_WINDOWS_NODE, which .ci/run provides) are present;
// in CI a missing one fails (test/support/needs.ts).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { needs } from '../support/needs';

const windowsNode = process.env['CWS_WINDOWS_NODE'];
const wine = needs(
  spawnSync('wine', ['--version'], { stdio: 'ignore' }).status !== 0
    ? 'wine is not installed'
    : windowsNode === undefined || !existsSync(windowsNode)
      ? 'CWS_WINDOWS_NODE does not name a Windows node.exe'
      : null,
);

const repoRoot = path.resolve(import.meta.dirname, '../..');
let dir: string | undefined;
afterAll(() => {
  if (dir === undefined) return;
  // Wine's server for this prefix outlives node.exe for a few seconds: end it, then remove the prefix.
  spawnSync('wineserver', ['-k'], { stdio: 'ignore', env: { ...process.env, WINEPREFIX: path.join(dir, 'prefix') } });
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** A path as Wine's Z: drive shows it. */
const onZ = (p: string): string => `Z:${p.replace(/\//g, '\\')}`;

wine.describe(wine.title('the Event Log calls under Wine'), () => {
  it(
    'opens the source, reports a record successfully, passes the text whole, and closes',
    { timeout: 300_000 },
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cws-wine-eventlog-'));
      await build({
        entryPoints: {
          'event-log': path.join(repoRoot, 'main/platform/event-log.ts'),
          format: path.join(repoRoot, 'main/services/audit-sinks/event-log-format.ts'),
          line: path.join(repoRoot, 'main/services/audit-sinks/line.ts'),
        },
        bundle: true,
        format: 'esm',
        platform: 'node',
        external: ['koffi'],
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        logLevel: 'warning',
      });
      const json = JSON.stringify({
        level: 40,
        time: '2026-12-07T19:30:00.123Z',
        audit: true,
        event: 'session.locked',
        msg: 'The session was locked (Ward 7 – Bay 2).',
        host: 'WARD7-PC12',
        subject: '555000111222',
      });
      writeFileSync(
        path.join(dir, 'run.mjs'),
        [
          "import { writeFileSync } from 'node:fs';",
          "import { openEventLog } from './event-log.mjs';",
          "import { EVENT_SOURCE, eventLogRecord } from './format.mjs';",
          "import { auditLineOf } from './line.mjs';",
          `const record = eventLogRecord(auditLineOf(${JSON.stringify(json)}));`,
          'const log = openEventLog(EVENT_SOURCE);',
          'const reported = log === null ? null : log.report(record.type, record.eventId, record.text);',
          'log?.close();',
          'const afterClose = log === null ? null : log.report(4, 1, "x");',
          // A file, not standard output: Windows Node under Wine cannot write to a Unix pipe.
          'const result = { opened: log !== null, reported, afterClose, text: record.text };',
          "writeFileSync(new URL('./result.json', import.meta.url), JSON.stringify(result));",
        ].join('\n'),
      );
      const stderrFile = path.join(dir, 'stderr.txt');
      const stderrFd = openSync(stderrFile, 'w');
      const stdoutFd = openSync(path.join(dir, 'stdout.txt'), 'w');
      spawnSync('wine', [String(windowsNode), path.join(dir, 'run.mjs')], {
        stdio: ['ignore', stdoutFd, stderrFd],
        timeout: 240_000,
        env: {
          ...process.env,
          WINEPREFIX: path.join(dir, 'prefix'),
          WINEDEBUG: '-all,+eventlog',
          NODE_SKIP_PLATFORM_CHECK: '1',
          NODE_PATH: onZ(realpathSync(path.join(repoRoot, 'node_modules'))),
        },
      });
      closeSync(stderrFd);
      closeSync(stdoutFd);
      const stderr = readFileSync(stderrFile, 'utf8');
      const resultFile = path.join(dir, 'result.json');
      expect(existsSync(resultFile), stderr).toBe(true);
      const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
        opened: boolean;
        reported: boolean;
        afterClose: boolean;
        text: string;
      };
      expect(result).toMatchObject({ opened: true, reported: true, afterClose: false });
      // Wine's ReportEventW writes each string it was given to its eventlog channel, \xxxx for non-ASCII.
      const traced = /ReportEventW L"(.*)"/.exec(stderr)?.[1] ?? '';
      const asWine = result.text
        .replace(/[\\"]/g, (c) => `\\${c}`)
        .replace(/\r/g, '\\r')
        .replace(/\n/g, '\\n')
        .replace(/[^\x20-\x7e]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect(traced).toBe(asWine);
    },
  );
});
