// The syslog sink against Debian's rsyslog as the trust's collector: RFC 5424 over TLS with
// RFC 5425 octet-counting frames, verified against a test CA. rsyslog must parse what it gets as
// RFC 5424 (version 1, the header fields), the time must be the line's ISO 8601 UTC time, the
// message the whole audit line, and no secret the logger redacts may reach the collector.
// Lines written while the collector is down wait in a bounded queue; those past the bound are
// counted and reported by an audit.lines-dropped line once it is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { createAudit } from '../../../main/services/audit';
import type { Audit } from '../../../main/services/audit';
import { SyslogTlsSink } from '../../../main/services/audit-sinks/syslog-tls';
import { createFolderLogger } from '../../../main/services/log-folder';
import { registerSecret } from '../../../main/services/logger';
import { needs } from '../../support/needs';
import { makeTestCa } from '../../relay/fixtures/nginx';
import type { TestCa } from '../../relay/fixtures/nginx';
import { freePort } from '../../relay/fixtures/redis';
import { rsyslogMissing, startRsyslog } from './rsyslog';
import type { Received, TestRsyslog } from './rsyslog';

// Skipped without rsyslog, rsyslog-gnutls or openssl on a developer's machine; in CI a missing one fails.
const collector = needs(rsyslogMissing);

const SECRET = 'opaque-refresh-Zq81mYx0pLk3';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkci1va2Fmb3IifQ.c2lnbmF0dXJl';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let dir: string;
let ca: TestCa;
let otherCa: TestCa;
const started: TestRsyslog[] = [];

beforeAll(() => {
  if (collector.skipped) return;
  dir = mkdtempSync(path.join(tmpdir(), 'cws-syslog-'));
  ca = makeTestCa(mkdtempSync(path.join(dir, 'ca-')));
  otherCa = makeTestCa(mkdtempSync(path.join(dir, 'other-ca-')));
});

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function rsyslogOn(port: number): Promise<TestRsyslog> {
  const r = await startRsyslog({ dir: mkdtempSync(path.join(dir, 'rsyslog-')), port, ...ca });
  started.push(r);
  return r;
}

/** A folder logger whose audit lines also go to `sink`, as the composition wires it. */
async function shellLog(sink: SyslogTlsSink): Promise<{ audit: Audit; close: () => Promise<void> }> {
  const folder = await createFolderLogger({
    folder: mkdtempSync(path.join(dir, 'logs-')),
    level: 'debug',
    workstation: { host: 'WARD7-PC12', account: 'kiosk.ward7' },
    sinks: [sink],
  });
  return { audit: createAudit(folder.logger), close: folder.close };
}

function parsed(r: Received): Record<string, unknown> {
  return JSON.parse(r.msg.trim()) as Record<string, unknown>;
}

collector.describe('audit lines to a syslog collector over TLS (rsyslog)', () => {
  it('arrive as RFC 5424 with the line whole, ISO 8601 UTC times, and nothing secret', async () => {
    const rsyslog = await rsyslogOn(await freePort());
    registerSecret(SECRET);
    const sink = new SyslogTlsSink({ host: '127.0.0.1', port: rsyslog.port, ca: ca.caPem });
    const { audit, close } = await shellLog(sink);
    audit.signInSucceeded({ subject: '555000111222', aal: 'AAL3', assurance: 'AAL3' });
    audit.locked('idle', '555000111222');
    // A failure whose message and cause carry secrets, as a careless caller might write them.
    audit.signInFailed(
      new ShellError(
        'SIGNIN_PROVIDER_ERROR',
        `CIS2 said no to ${SECRET} at https://cis2.example/cb?code=abc123&state=xyz`,
        {
          cause: Object.assign(new Error(JWT), { code: 'OAUTH_RESPONSE_BODY_ERROR', refresh_token: SECRET }),
        },
      ),
      { reauth: false },
    );
    const got = await rsyslog.waitFor(3);
    await close();
    expect(got).toHaveLength(3);
    const [signedIn, locked, failed] = got as [Received, Received, Received];

    for (const r of got) {
      expect(r.version).toBe('1');
      expect(r.appName).toBe('clinical-workstation-shell');
      expect(r.hostname).toBe('WARD7-PC12');
      expect(r.procId).toBe(String(process.pid));
      expect(r.structuredData).toMatch(/^\[meta sequenceId="\d+"\]\[origin software="clinical-workstation-shell"\]$/);
      // The raw message: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG, time = the line's own.
      const m = /^<(\d+)>1 (\S+) WARD7-PC12 clinical-workstation-shell \d+ (\S+) (\[.*?\]\[.*?\]) (\{.*\})$/.exec(
        r.raw,
      );
      expect(m, r.raw).not.toBeNull();
      const line = JSON.parse(m?.[5] ?? '{}') as Record<string, unknown>;
      expect(m?.[2]).toMatch(ISO_UTC);
      expect(line['time']).toBe(m?.[2]);
      expect(m?.[3]).toBe(line['event']);
      expect(parsed(r)).toEqual(line);
      expect(line).toMatchObject({
        audit: true,
        app: 'clinical-workstation-shell',
        host: 'WARD7-PC12',
        account: 'kiosk.ward7',
      });
      expect(r.raw).not.toContain(SECRET);
      expect(r.raw).not.toContain(JWT);
      expect(r.raw).not.toContain('abc123');
    }
    // authpriv (10) * 8 + severity: informational 6, warning 4.
    expect([signedIn.pri, locked.pri, failed.pri]).toEqual(['86', '86', '84']);
    expect([signedIn.msgId, locked.msgId, failed.msgId]).toEqual([
      'signin.succeeded',
      'session.locked',
      'signin.failed',
    ]);
    expect(parsed(locked)).toMatchObject({
      event: 'session.locked',
      reason: 'idle',
      subject: '555000111222',
      outcome: 'success',
    });
    expect(parsed(failed)).toMatchObject({
      code: 'SIGNIN_PROVIDER_ERROR',
      cause: 'OAUTH_RESPONSE_BODY_ERROR',
      outcome: 'failure',
    });
    const sequence = got.map((r) => Number(/sequenceId="(\d+)"/.exec(r.structuredData)?.[1]));
    expect(sequence).toEqual([1, 2, 3]);
  });

  it('keeps lines while the collector is down, drops the oldest past the bound, and says how many once it is back', async () => {
    const port = await freePort();
    const late: { audit?: Audit } = {};
    const problems: string[] = [];
    const sink = new SyslogTlsSink({
      host: '127.0.0.1',
      port,
      ca: ca.caPem,
      maxQueue: 3,
      minRetryMs: 50,
      maxRetryMs: 200,
      onDropped: (count) => late.audit?.auditLinesDropped('syslog', count),
      onProblem: (cause) => problems.push(cause),
    });
    const log = await shellLog(sink);
    late.audit = log.audit;
    for (let i = 0; i < 10; i += 1) log.audit.warningShown({ subject: '555000111222', secondsLeft: i });
    expect(sink.stats()).toMatchObject({ queued: 3, dropped: 7, connected: false });
    const rsyslog = await rsyslogOn(port);
    const got = await rsyslog.waitFor(4);
    await log.close();
    expect(problems).toContain('ECONNREFUSED');
    expect(got.map((r) => parsed(r)['secondsLeft'] ?? parsed(r)['event'])).toEqual([7, 8, 9, 'audit.lines-dropped']);
    expect(parsed(got[3] as Received)).toMatchObject({ sink: 'syslog', count: 7, outcome: 'failure', level: 40 });
    // The gap shows at the collector too: 1 to 7 never arrived.
    expect(got.map((r) => Number(/sequenceId="(\d+)"/.exec(r.structuredData)?.[1]))).toEqual([8, 9, 10, 11]);
  });

  it('sends nothing to a collector whose certificate is not from the trust CA, and the shell carries on', async () => {
    const rsyslog = await rsyslogOn(await freePort());
    const problems: string[] = [];
    const sink = new SyslogTlsSink({
      host: '127.0.0.1',
      port: rsyslog.port,
      ca: otherCa.caPem,
      minRetryMs: 50,
      onProblem: (cause) => problems.push(cause),
    });
    const log = await shellLog(sink);
    log.audit.signedOut('555000111222');
    const deadline = Date.now() + 20_000;
    while (problems.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await log.close();
    expect(problems[0]).toMatch(/CERT|SIGNATURE|ISSUER/);
    // Generous: nothing may arrive, however long it is given.
    expect(await rsyslog.waitFor(1, 1_000)).toEqual([]);
  });
});
