// The journald sink: audit lines as systemd's native journal protocol, sent as one datagram each
// through libc's sendto (main/platform/unix-datagram.ts, koffi) to a real Unix datagram socket.
// The receiver is a Python socket bound where the test says (a journald cannot run in a test's
// sandbox): it writes each datagram it gets, base64, one a line, and the test parses them as
// journald does. Lines a missing journal could not take are counted and reported once it is back.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../../main/services/audit';
import { journalEntry, journalFieldName, parseJournalEntry } from '../../../main/services/audit-sinks/journald-format';
import { auditLineOf } from '../../../main/services/audit-sinks/line';
import type { AuditLine } from '../../../main/services/audit-sinks/line';
import { JOURNAL_SOCKET, openAuditSinks } from '../../../main/services/audit-sinks/sinks';
import { createFolderLogger } from '../../../main/services/log-folder';
import { openUnixDatagram, sockaddrUn } from '../../../main/platform/unix-datagram';
import { needs } from '../../support/needs';

const python = needs(
  process.platform !== 'linux'
    ? 'not Linux'
    : spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0
      ? null
      : 'python3 is not installed',
);

function line(fields: Record<string, unknown>): AuditLine {
  const parsed = auditLineOf(JSON.stringify({ level: 30, time: '2026-12-07T19:30:00.123Z', audit: true, ...fields }));
  if (parsed === null) throw new Error('not an audit line');
  return parsed;
}

describe('the journal entry', () => {
  it('has MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and every field of the line upper-cased', () => {
    const entry = parseJournalEntry(
      journalEntry(
        line({
          level: 40,
          event: 'token.refresh-failed',
          msg: 'CIS2 refused.',
          oauthError: 'invalid_grant',
          host: 'WARD7-PC12',
          environment: 'INT',
          clamps: [{ field: 'idle', applied: 600 }],
        }),
      ),
    );
    expect(Object.fromEntries(entry)).toEqual({
      MESSAGE: 'CIS2 refused.',
      PRIORITY: '4',
      SYSLOG_IDENTIFIER: 'clinical-workstation-shell',
      SYSLOG_FACILITY: '10',
      LEVEL: '40',
      TIME: '2026-12-07T19:30:00.123Z',
      AUDIT: 'true',
      EVENT: 'token.refresh-failed',
      OAUTH_ERROR: 'invalid_grant',
      HOST: 'WARD7-PC12',
      ENVIRONMENT: 'INT',
      CLAMPS: '[{"field":"idle","applied":600}]',
    });
  });

  it('sends a value with a newline in the binary form, length first, and it reads back whole', () => {
    const bytes = journalEntry(line({ event: 'shell.step-failed', msg: 'first line\nsecond line' }));
    const at = bytes.indexOf('MESSAGE\n');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(bytes.readBigUInt64LE(at + 8)).toBe(BigInt('first line\nsecond line'.length));
    expect(parseJournalEntry(bytes).get('MESSAGE')).toBe('first line\nsecond line');
  });

  it('names fields as journald accepts them: A-Z, 0-9 and _, not leading _ or a digit, 64 at most', () => {
    expect(journalFieldName('unreachableForMs')).toBe('UNREACHABLE_FOR_MS');
    expect(journalFieldName('_private')).toBe('PRIVATE');
    expect(journalFieldName('9lives')).toBe('LIVES');
    expect(journalFieldName('a.b-c')).toBe('A_B_C');
    expect(journalFieldName('___')).toBeNull();
    expect(journalFieldName('x'.repeat(80))).toHaveLength(64);
    // The line's own `msg` and `level` never overwrite the journal's MESSAGE or PRIORITY.
    const entry = parseJournalEntry(journalEntry(line({ event: 'x', msg: 'the sentence', MESSAGE: 'not this' })));
    expect(entry.get('MESSAGE')).toBe('the sentence');
  });

  it('lays out struct sockaddr_un as Linux has it', () => {
    const address = sockaddrUn(JOURNAL_SOCKET);
    expect(address).toHaveLength(110);
    expect(address.readUInt16LE(0)).toBe(1);
    expect(address.subarray(2, 2 + JOURNAL_SOCKET.length).toString()).toBe(JOURNAL_SOCKET);
    expect(address[2 + JOURNAL_SOCKET.length]).toBe(0);
    expect(() => sockaddrUn(`/${'x'.repeat(107)}`)).toThrow();
  });
});

/** A Unix datagram socket at `socket`, writing each datagram it receives, base64, to `out`. */
function receiver(socket: string, out: string): { child: ChildProcess; ready: Promise<void> } {
  const script = [
    'import base64, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    'print("ready", flush=True)',
    'with open(sys.argv[2], "a") as f:',
    '    while True:',
    '        f.write(base64.b64encode(s.recv(1 << 20)).decode() + "\\n"); f.flush()',
  ].join('\n');
  const child = spawn('python3', ['-c', script, socket, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  return { child, ready };
}

python.describe(python.title('to a real Unix datagram socket'), () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cws-journal-'));
  });
  afterAll(() => {
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function received(out: string, count: number): Promise<Map<string, string>[]> {
    for (let i = 0; i < 400 && (!existsSync(out) || readFileSync(out, 'utf8').split('\n').length <= count); i += 1)
      await sleep(50);
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => parseJournalEntry(Buffer.from(l, 'base64')));
  }

  it('sends each audit line as one entry, diagnostics not at all, and reports what a missing journal lost', async () => {
    const socket = path.join(dir, 'journal.socket');
    const out = path.join(dir, 'received.txt');
    const late: { audit?: ReturnType<typeof createAudit> } = {};
    const dropped: number[] = [];
    const sinks = await openAuditSinks(
      { eventLog: false, journald: true, syslog: null },
      {
        platform: 'linux',
        openJournal: () => openUnixDatagram(socket),
        onDropped: (sink, count) => (dropped.push(count), late.audit?.auditLinesDropped(sink, count)),
        onProblem: () => undefined,
      },
    );
    expect(sinks).toHaveLength(1);
    const log = await createFolderLogger({
      folder: path.join(dir, 'logs'),
      level: 'debug',
      workstation: { host: 'WARD7-PC12', account: 'kiosk.ward7' },
      sinks,
    });
    late.audit = createAudit(log.logger);
    // Nobody listens yet: both lines are lost (and counted).
    late.audit.signedOut('555000111222');
    late.audit.signedOut('555000111222');
    const { child, ready } = receiver(socket, out);
    children.push(child);
    await ready;
    log.logger.info({ event: 'diagnostic.only' }, 'A developer line.');
    late.audit.locked('idle', '555000111222');
    const entries = await received(out, 2);
    await log.close();
    expect(dropped).toEqual([2]);
    expect(entries.map((e) => e.get('EVENT'))).toEqual(['session.locked', 'audit.lines-dropped']);
    expect(Object.fromEntries(entries[0] ?? [])).toMatchObject({
      MESSAGE: 'The session was locked.',
      PRIORITY: '6',
      SYSLOG_IDENTIFIER: 'clinical-workstation-shell',
      SUBJECT: '555000111222',
      REASON: 'idle',
      OUTCOME: 'success',
      HOST: 'WARD7-PC12',
      ACCOUNT: 'kiosk.ward7',
      APP: 'clinical-workstation-shell',
    });
    expect(entries[0]?.get('TIME')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Object.fromEntries(entries[1] ?? [])).toMatchObject({ PRIORITY: '4', SINK: 'journald', COUNT: '2' });
  });

  it('says when libc is there but the socket path cannot take the datagram (no journal): an errno, no throw', () => {
    const sender = openUnixDatagram(path.join(dir, 'nobody-here.socket'));
    expect(sender).not.toBeNull();
    expect(sender?.send(Buffer.from('MESSAGE=x\n'))).toBe(2); // ENOENT
    sender?.close();
    expect(sender?.send(Buffer.from('MESSAGE=x\n'))).not.toBe(0);
  });
});
