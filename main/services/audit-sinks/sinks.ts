/**
 * The audit sinks the machine policy asks for (AuditToEventLog, AuditToJournald,
 * AuditSyslogServer: docs/audit-log.md, "Sinks"), each given every line the logger writes and
 * passing on the audit lines, whole. A sink that cannot be opened is reported and left out; the
 * file is always written, whatever the sinks do.
 */
import { readFile as readFileAsync } from 'node:fs/promises';
import { openEventLog } from '../../platform/event-log';
import type { EventLogApi } from '../../platform/event-log';
import { openUnixDatagram } from '../../platform/unix-datagram';
import type { UnixDatagramSender } from '../../platform/unix-datagram';
import type { AuditSinkSettings } from '../policy/logging-settings';
import { EVENT_SOURCE, eventLogRecord } from './event-log-format';
import { journalEntry } from './journald-format';
import { auditLineOf } from './line';
import type { AuditLine } from './line';
import { SyslogTlsSink } from './syslog-tls';

export type AuditSinkName = 'syslog' | 'journald' | 'eventlog';

export interface AuditSink {
  /** One line as pino wrote it. Never throws, never waits. */
  write(text: string): void;
  close(): Promise<void>;
}

/** journald's native protocol socket (systemd-journald.socket). */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

/**
 * A sink that hands each audit line to a local call (a datagram, ReportEventW) that either takes
 * it or not: lines not taken are counted and reported when the next one is.
 */
export function callSink(
  deliver: (line: AuditLine) => boolean,
  close: () => void,
  onDropped: (count: number) => void,
): AuditSink {
  let dropped = 0;
  return {
    write(text) {
      const line = auditLineOf(text);
      if (line === null) return;
      let ok: boolean;
      try {
        ok = deliver(line);
      } catch {
        ok = false;
      }
      if (!ok) dropped += 1;
      else if (dropped > 0) {
        const count = dropped;
        dropped = 0;
        onDropped(count);
      }
    },
    close: async () => close(),
  };
}

export interface OpenSinksOptions {
  readonly platform: string;
  /** A sink lost lines and is working again: the composition writes audit.lines-dropped. */
  readonly onDropped: (sink: AuditSinkName, count: number) => void;
  /** A sink could not be opened or its connection failed (a cause code, never a line). */
  readonly onProblem: (sink: AuditSinkName, cause: string) => void;
  readonly readFile?: (path: string) => Promise<string>;
  readonly openJournal?: (path: string) => UnixDatagramSender | null;
  readonly openEventLog?: (source: string) => EventLogApi | null;
}

export async function openAuditSinks(settings: AuditSinkSettings, options: OpenSinksOptions): Promise<AuditSink[]> {
  const sinks: AuditSink[] = [];
  const { platform, onDropped, onProblem } = options;
  if (settings.journald && platform === 'linux') {
    const journal = (options.openJournal ?? openUnixDatagram)(JOURNAL_SOCKET);
    if (journal === null) onProblem('journald', 'JOURNAL_UNAVAILABLE');
    else
      sinks.push(
        callSink(
          (line) => journal.send(journalEntry(line)) === 0,
          () => journal.close(),
          (n) => onDropped('journald', n),
        ),
      );
  }
  if (settings.eventLog && platform === 'win32') {
    const log = (options.openEventLog ?? openEventLog)(EVENT_SOURCE);
    if (log === null) onProblem('eventlog', 'EVENT_LOG_UNAVAILABLE');
    else
      sinks.push(
        callSink(
          (line) => {
            const record = eventLogRecord(line);
            return log.report(record.type, record.eventId, record.text);
          },
          () => log.close(),
          (n) => onDropped('eventlog', n),
        ),
      );
  }
  if (settings.syslog !== null) {
    const { host, port, caFile } = settings.syslog;
    let ca: string | undefined;
    try {
      ca = caFile === undefined ? undefined : await (options.readFile ?? ((p) => readFileAsync(p, 'utf8')))(caFile);
    } catch {
      // Without the trust's CA the collector cannot be verified: nothing is sent rather than sent unverified.
      onProblem('syslog', 'SYSLOG_CA_UNREADABLE');
      return sinks;
    }
    sinks.push(
      new SyslogTlsSink({
        host,
        port,
        ...(ca === undefined ? {} : { ca }),
        onDropped: (n) => onDropped('syslog', n),
        onProblem: (cause) => onProblem('syslog', cause),
      }),
    );
  }
  return sinks;
}

/**
 * What the sinks report, as diagnostic lines (`audit.sink-problem`), once per sink and cause: a
 * collector down all shift is one line, not one a minute. Problems found while the sinks open,
 * before the logger exists, are kept and written when it is attached.
 */
export function sinkProblemReporter(): {
  report: (sink: AuditSinkName, cause: string) => void;
  attach: (logger: { warn: (fields: object, message: string) => void }) => void;
} {
  const last = new Map<AuditSinkName, string>();
  const pending: [AuditSinkName, string][] = [];
  let logger: { warn: (fields: object, message: string) => void } | null = null;
  const write = (sink: AuditSinkName, cause: string): void =>
    logger?.warn({ event: 'audit.sink-problem', sink, cause }, `The ${sink} audit sink failed (${cause}).`);
  return {
    report(sink, cause) {
      if (last.get(sink) === cause) return;
      last.set(sink, cause);
      if (logger === null) pending.push([sink, cause]);
      else write(sink, cause);
    },
    attach(to) {
      logger = to;
      for (const [sink, cause] of pending.splice(0)) write(sink, cause);
    },
  };
}
