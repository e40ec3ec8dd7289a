/**
 * An audit line as an RFC 5424 syslog message, framed for TLS transport by octet counting
 * (RFC 5425 section 4.3: `MSG-LEN SP SYSLOG-MSG`).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [meta sequenceId="n"][origin software="…"] MSG
 *
 * PRI is facility authpriv (10: security and authorisation messages) times 8 plus the severity;
 * TIMESTAMP the line's own ISO 8601 UTC time; HOSTNAME the PC's name; MSGID the audit event; the
 * SD-IDs are IANA-registered ones (RFC 5424 section 7), `sequenceId` counting every line this
 * process handed the sink, so a collector sees a gap where lines were lost. MSG is the whole JSON
 * line with non-ASCII characters escaped, so it is plain ASCII (no BOM is needed) and parses as
 * the same JSON as the file's line.
 */
import { asciiJson, severityOf } from './line';
import type { AuditLine } from './line';

export const SYSLOG_APP_NAME = 'clinical-workstation-shell';
const FACILITY_AUTHPRIV = 10;

/** PRINTUSASCII (33 to 126), at most `max` characters, or the NILVALUE. */
function header(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? '-' : printable;
}

/** An SD-PARAM value: `"`, `\` and `]` escaped (RFC 5424 section 6.3.3). */
function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

export function formatSyslog(line: AuditLine, options: { readonly sequenceId: number; readonly pid: number }): string {
  const pri = FACILITY_AUTHPRIV * 8 + severityOf(line.level);
  const sequence = ((options.sequenceId - 1) % 2_147_483_647) + 1;
  const sd = `[meta sequenceId="${sequence}"][origin software="${paramValue(SYSLOG_APP_NAME)}"]`;
  return [
    `<${pri}>1`,
    header(line.time, 32),
    header(line.host, 255),
    SYSLOG_APP_NAME,
    header(String(options.pid), 128),
    header(line.event, 32),
    sd,
    asciiJson(line.json),
  ].join(' ');
}

/** RFC 5425 octet-counting frame: the message's length in bytes, a space, the message. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
