/**
 * An audit line as a systemd journal entry in journald's native protocol (systemd's "Native
 * Journal Protocol" documentation): one datagram of fields, each `NAME=value\n`, or, for a value
 * holding a newline, `NAME\n`, its length as a 64-bit little-endian integer, the value and `\n`.
 *
 * MESSAGE is the line's sentence, PRIORITY its syslog severity, SYSLOG_IDENTIFIER the app's name,
 * SYSLOG_FACILITY authpriv (10); every other field of the line follows with its name upper-cased
 * (`oauthError` is OAUTH_ERROR, `time` TIME), objects and arrays as JSON, so `journalctl
 * SYSLOG_IDENTIFIER=clinical-workstation-shell EVENT=session.locked` finds them.
 */
import { severityOf } from './line';
import type { AuditLine } from './line';
import { SYSLOG_APP_NAME } from './syslog-format';

/** A journal field name: A-Z, 0-9 and _, not starting with _ or a digit, at most 64 characters. */
export function journalFieldName(name: string): string | null {
  const upper = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^[_0-9]+/, '')
    .slice(0, 64);
  return upper === '' ? null : upper;
}

function field(name: string, value: string): Buffer {
  if (!value.includes('\n')) return Buffer.from(`${name}=${value}\n`, 'utf8');
  const body = Buffer.from(value, 'utf8');
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(body.length));
  return Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), size, body, Buffer.from('\n')]);
}

/** The journal's own fields, which the line's fields never overwrite. */
const OWN = new Set(['MESSAGE', 'PRIORITY', 'SYSLOG_IDENTIFIER', 'SYSLOG_FACILITY', 'MSG']);

export function journalEntry(line: AuditLine): Buffer {
  const parts = [
    field('MESSAGE', line.msg),
    field('PRIORITY', String(severityOf(line.level))),
    field('SYSLOG_IDENTIFIER', SYSLOG_APP_NAME),
    field('SYSLOG_FACILITY', '10'),
  ];
  for (const [key, value] of Object.entries(line.fields)) {
    const name = journalFieldName(key);
    if (name === null || OWN.has(name) || value === undefined) continue;
    parts.push(field(name, typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return Buffer.concat(parts);
}

/** The entry back as fields (for tests and for a receiver reading the native protocol). */
export function parseJournalEntry(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const newline = data.indexOf(0x0a, at);
    if (newline < 0) throw new Error('journal entry: a field without its newline');
    const head = data.subarray(at, newline).toString('utf8');
    const eq = head.indexOf('=');
    if (eq >= 0) {
      out.set(head.slice(0, eq), head.slice(eq + 1));
      at = newline + 1;
      continue;
    }
    const size = Number(data.readBigUInt64LE(newline + 1));
    const start = newline + 9;
    out.set(head, data.subarray(start, start + size).toString('utf8'));
    if (data[start + size] !== 0x0a) throw new Error('journal entry: a binary field without its newline');
    at = start + size + 1;
  }
  return out;
}
