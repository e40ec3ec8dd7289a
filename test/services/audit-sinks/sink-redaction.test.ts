// Nothing secret in any sink: one logger writing to its rotated folder and, as the composition
// wires them, to the syslog sink (real TLS to a listener with a test CA), the journald sink and
// the Event Log sink (the bytes and strings each hands its platform call: the journal datagram,
// ReportEventW's text), at debug level. Every way a secret can be written (a registered token in a
// field, in a message and in an error; a JWT; a URL's query; form parameters; secret-named fields)
// is written as audit and diagnostic lines; no sink's output may hold any of them, and each sink
// must have received the audit lines. The same search must find the secret in an unscrubbed copy.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:tls';
import type { Server } from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { createAudit } from '../../../main/services/audit';
import { eventLogRecord } from '../../../main/services/audit-sinks/event-log-format';
import { journalEntry, parseJournalEntry } from '../../../main/services/audit-sinks/journald-format';
import { auditLineOf } from '../../../main/services/audit-sinks/line';
import { formatSyslog } from '../../../main/services/audit-sinks/syslog-format';
import { openAuditSinks } from '../../../main/services/audit-sinks/sinks';
import { createFolderLogger } from '../../../main/services/log-folder';
import { registerSecret } from '../../../main/services/logger';
import { needs } from '../../support/needs';
import { makeTestCa, opensslMissing } from '../../relay/fixtures/nginx';

const tls = needs(opensslMissing);

const TOKEN = 'live-access-9hT2kQm4Vx8w';
const REFRESH = 'rt_7Yh3nBv9cXz2Lq0p';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI1NTUwMDAxMTEyMjIifQ.ZmFrZXNpZ25hdHVyZQ';
const CODE = 'authcode-Qw3rTy7u';
const STATE = 'state-Zx8cVb2n';
const SECRETS = [TOKEN, REFRESH, JWT, CODE, STATE];

let dir: string;
let server: Server;
let port: number;
let caFile: string;
const syslogBytes: Buffer[] = [];

beforeAll(async () => {
  if (tls.skipped) return;
  dir = mkdtempSync(path.join(tmpdir(), 'cws-sink-redaction-'));
  const ca = makeTestCa(mkdtempSync(path.join(dir, 'ca-')));
  server = createServer({ cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) }, (socket) =>
    socket.on('data', (d: Buffer) => syslogBytes.push(d)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as { port: number }).port;
  // The CA file as IT's AuditSyslogCaFile names it.
  caFile = path.join(path.dirname(ca.certFile), 'ca.pem');
});

afterAll(async () => {
  if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

tls.describe(tls.title('redaction in every audit sink'), () => {
  it('keeps every secret out of the file, the syslog collector, the journal and the Event Log', async () => {
    const journal: Buffer[] = [];
    const eventLog: string[] = [];
    const sinks = await openAuditSinks(
      {
        eventLog: true,
        journald: true,
        syslog: { host: '127.0.0.1', port, caFile },
      },
      {
        // Each platform is asked for the sinks it has; this test takes both ports' output at once.
        platform: 'linux',
        openJournal: () => ({ send: (d) => (journal.push(Buffer.from(d)), 0), close: () => undefined }),
        onDropped: () => undefined,
        onProblem: (sink, cause) => {
          throw new Error(`${sink} failed: ${cause}`);
        },
      },
    );
    const windows = await openAuditSinks(
      { eventLog: true, journald: false, syslog: null },
      {
        platform: 'win32',
        openEventLog: () => ({ report: (_t, _id, text) => (eventLog.push(text), true), close: () => undefined }),
        onDropped: () => undefined,
        onProblem: () => undefined,
      },
    );
    expect(sinks).toHaveLength(2);
    const folder = path.join(dir, 'logs');
    const log = await createFolderLogger({ folder, level: 'debug', sinks: [...sinks, ...windows] });
    const audit = createAudit(log.logger);
    registerSecret(TOKEN);
    registerSecret(REFRESH);

    const leaky = `token ${TOKEN} refresh ${REFRESH} jwt ${JWT} at https://cis2.example/cb?code=${CODE}&state=${STATE} and code=${CODE}&state=${STATE}`;
    audit.signInFailed(
      new ShellError('SIGNIN_PROVIDER_ERROR', leaky, {
        cause: Object.assign(new Error(leaky), { code: CODE, access_token: TOKEN }),
      }),
      { reauth: false },
    );
    audit.stepFailed(leaky, new Error(leaky));
    audit.locked('idle', '555000111222');
    log.logger.child({ audit: true }).info(
      {
        event: 'signin.started',
        access_token: TOKEN,
        nested: { refresh_token: REFRESH, url: `https://x/?code=${CODE}` },
        jwt: JWT,
        note: leaky,
      },
      leaky,
    );
    log.logger.debug({ body: `grant_type=authorization_code&code=${CODE}&state=${STATE}`, id_token: JWT }, leaky);
    // The last audit line written has reached the collector (generous: 20 s).
    const received = (): string => Buffer.concat(syslogBytes).toString('utf8');
    for (let i = 0; i < 800 && !received().includes('signin.started'); i += 1)
      await new Promise((r) => setTimeout(r, 25));
    await log.close();

    const file = readdirSync(folder)
      .map((f) => readFileSync(path.join(folder, f), 'utf8'))
      .join('');
    const outputs: Record<string, string> = {
      file,
      syslog: Buffer.concat(syslogBytes).toString('utf8'),
      journald: journal.map((d) => [...parseJournalEntry(d).entries()].join('\n')).join('\n'),
      eventlog: eventLog.join('\n'),
    };
    for (const [sink, text] of Object.entries(outputs)) {
      // Every sink got the audit lines (the four above), and no secret.
      for (const event of ['signin.failed', 'shell.step-failed', 'session.locked', 'signin.started'])
        expect(text, `${sink} has ${event}`).toContain(event);
      for (const secret of SECRETS) expect(text.includes(secret), `${sink} holds ${secret}`).toBe(false);
    }
    // The diagnostic debug line went to the file only.
    expect(file).toContain('grant_type=authorization_code');
    expect(outputs['syslog']).not.toContain('grant_type');
    // The search itself works: no sink's encoding hides a secret, so an unscrubbed line is caught in each.
    const raw = auditLineOf(JSON.stringify({ level: 30, time: 't', audit: true, event: 'x', msg: leaky, leaky }));
    if (raw === null) throw new Error('not an audit line');
    const unscrubbed = [
      formatSyslog(raw, { sequenceId: 1, pid: 1 }),
      [...parseJournalEntry(journalEntry(raw)).values()].join('\n'),
      eventLogRecord(raw).text,
    ];
    for (const text of unscrubbed) for (const secret of SECRETS) expect(text).toContain(secret);
  });
});
