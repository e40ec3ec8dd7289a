// The Windows Event Log record built for each audit line (main/services/audit-sinks/
// event-log-format.ts): its type from the level, a fixed ID per event inside EventCreate.exe's
// message table (1 to 1000), and the text, the sentence then the whole line. And the sink over
// the platform port: a line ReportEventW did not take is counted and reported with the next one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../../main/services/audit';
import {
  EVENT_SOURCE,
  EVENTLOG_ERROR_TYPE,
  EVENTLOG_INFORMATION_TYPE,
  EVENTLOG_WARNING_TYPE,
  eventIds,
  eventLogRecord,
} from '../../../main/services/audit-sinks/event-log-format';
import { auditLineOf } from '../../../main/services/audit-sinks/line';
import type { AuditLine } from '../../../main/services/audit-sinks/line';
import { openAuditSinks, sinkProblemReporter } from '../../../main/services/audit-sinks/sinks';

function line(fields: Record<string, unknown>): AuditLine {
  const parsed = auditLineOf(JSON.stringify({ level: 30, time: '2026-12-07T19:30:00.123Z', audit: true, ...fields }));
  if (parsed === null) throw new Error('not an audit line');
  return parsed;
}

describe('the Event Log record', () => {
  it('gives every audit event its own ID inside EventCreate.exe message table', () => {
    const ids = Object.values(auditEvents).map((e) => eventIds[e]);
    expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 1000)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // IDs a SOC's rules may already use never move.
    expect([eventIds['signin.succeeded'], eventIds['session.locked'], eventIds['audit.lines-dropped']]).toEqual([
      102, 107, 506,
    ]);
  });

  it('is listed in docs/audit-log.md, ID by ID, for the SOC writing rules', () => {
    const doc = readFileSync('docs/audit-log.md', 'utf8').replace(/\s+/g, ' ');
    for (const [event, id] of Object.entries(eventIds)) expect(doc).toContain(`${id} \`${event}\``);
  });

  it('types the record by level and carries the sentence and the whole line', () => {
    const json = { level: 40, event: 'token.refresh-failed', msg: 'CIS2 refused.', subject: '555000111222' };
    const record = eventLogRecord(line(json));
    expect(record.type).toBe(EVENTLOG_WARNING_TYPE);
    expect(record.eventId).toBe(202);
    const [sentence, whole] = record.text.split('\r\n\r\n');
    expect(sentence).toBe('CIS2 refused.');
    expect(JSON.parse(whole ?? '')).toMatchObject({ ...json, audit: true, time: '2026-12-07T19:30:00.123Z' });
    expect(eventLogRecord(line({ level: 30, event: 'signout', msg: '' })).type).toBe(EVENTLOG_INFORMATION_TYPE);
    expect(eventLogRecord(line({ level: 50, event: 'shell.step-failed', msg: '' })).type).toBe(EVENTLOG_ERROR_TYPE);
    expect(eventLogRecord(line({ event: 'from.a-newer-version', msg: '' })).eventId).toBe(999);
  });

  it("keeps within ReportEventW's 31,839 characters for one string", () => {
    const record = eventLogRecord(line({ event: 'policy.loaded', msg: 'x'.repeat(40_000) }));
    expect(record.text.length).toBeLessThanOrEqual(31_839);
    expect(record.text.endsWith('...')).toBe(true);
  });
});

describe('the Event Log sink', () => {
  it('opens the source the MSI registers, sends audit lines only, and reports what Windows refused', async () => {
    const reported: { type: number; id: number; text: string }[] = [];
    let accept = false;
    const dropped: number[] = [];
    let closed = false;
    const sinks = await openAuditSinks(
      { eventLog: true, journald: true, syslog: null },
      {
        platform: 'win32',
        openEventLog: (source) => {
          expect(source).toBe(EVENT_SOURCE);
          return {
            report: (type, id, text) => (accept ? (reported.push({ type, id, text }), true) : false),
            close: () => void (closed = true),
          };
        },
        openJournal: () => {
          throw new Error('journald is Linux only');
        },
        onDropped: (_sink, count) => dropped.push(count),
        onProblem: () => undefined,
      },
    );
    expect(sinks).toHaveLength(1);
    const sink = sinks[0];
    const write = (fields: Record<string, unknown>): void =>
      sink?.write(`${JSON.stringify({ level: 30, time: '2026-12-07T19:30:00.123Z', ...fields })}\n`);
    write({ audit: true, event: 'session.locked', msg: 'The session was locked.' });
    accept = true;
    write({ event: 'diagnostic', msg: 'not an audit line' });
    write({ audit: true, event: 'session.unlocked', msg: 'The session was unlocked.' });
    await sink?.close();
    expect(reported.map((r) => r.id)).toEqual([108]);
    expect(dropped).toEqual([1]);
    expect(closed).toBe(true);
  });

  it('is left out, and said so, where the Event Log cannot be opened', async () => {
    const problems: string[] = [];
    const sinks = await openAuditSinks(
      { eventLog: true, journald: false, syslog: null },
      {
        platform: 'win32',
        openEventLog: () => null,
        onDropped: () => undefined,
        onProblem: (sink, cause) => problems.push(`${sink}:${cause}`),
      },
    );
    expect(sinks).toEqual([]);
    expect(problems).toEqual(['eventlog:EVENT_LOG_UNAVAILABLE']);
  });
});

describe('what the sinks report', () => {
  it('is written once per sink and cause, including what was found before the logger existed', () => {
    const lines: unknown[] = [];
    const reporter = sinkProblemReporter();
    reporter.report('eventlog', 'EVENT_LOG_UNAVAILABLE');
    reporter.report('syslog', 'ECONNREFUSED');
    reporter.attach({ warn: (fields) => void lines.push(fields) });
    reporter.report('syslog', 'ECONNREFUSED');
    reporter.report('syslog', 'CERT_HAS_EXPIRED');
    expect(lines).toEqual([
      { event: 'audit.sink-problem', sink: 'eventlog', cause: 'EVENT_LOG_UNAVAILABLE' },
      { event: 'audit.sink-problem', sink: 'syslog', cause: 'ECONNREFUSED' },
      { event: 'audit.sink-problem', sink: 'syslog', cause: 'CERT_HAS_EXPIRED' },
    ]);
  });
});
