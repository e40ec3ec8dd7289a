/**
 * An audit line as a Windows Event Log record: its type from the level, a fixed event ID per audit
 * event, and one insertion string, the sentence then the whole JSON line.
 *
 * The source's EventMessageFile is Windows' own %SystemRoot%\System32\EventCreate.exe (the MSI
 * registers it; docs/decisions.md 34), whose message table has an entry "%1" for each ID from 1
 * to 1000, so Event Viewer shows the insertion string as the event's text with no message DLL of
 * ours to build, sign and keep in step. The IDs below never change meaning; new events take new
 * IDs, so a SOC's rule on an ID keeps working.
 */
import type { AuditEvent } from '../audit-catalogue';
import type { AuditLine } from './line';

export const EVENT_SOURCE = 'Clinical Workstation Shell';

/** winnt.h */
export const EVENTLOG_ERROR_TYPE = 0x0001;
export const EVENTLOG_WARNING_TYPE = 0x0002;
export const EVENTLOG_INFORMATION_TYPE = 0x0004;

export const eventIds: Readonly<Record<AuditEvent, number>> = {
  'signin.started': 101,
  'signin.succeeded': 102,
  'signin.failed': 103,
  'reauth.succeeded': 104,
  'reauth.failed': 105,
  'idle.warning-shown': 106,
  'session.locked': 107,
  'session.unlocked': 108,
  signout: 109,
  'session.ended': 110,
  'session.renewed': 111,
  'session.renewal-refused': 112,
  'role.changed': 113,
  'token.refreshed': 201,
  'token.refresh-failed': 202,
  'token.refresh-unanswered': 203,
  'token.refresh-recovered': 204,
  'token.revocation-failed': 205,
  'backchannel-logout.accepted': 206,
  'backchannel-logout.refused': 207,
  'relay.connected': 301,
  'relay.disconnected': 302,
  'relay.registered': 303,
  'relay.refused': 304,
  'relay.protocol-error': 305,
  'drafts.sealed': 401,
  'drafts.restored': 402,
  'drafts.shredded': 403,
  'drafts.storage-problem': 404,
  'policy.loaded': 501,
  'log.folder-unavailable': 502,
  'shell.step-failed': 503,
  'presence.sources': 504,
  'presence.source-changed': 505,
  'audit.lines-dropped': 506,
  'shell.environment-refused': 507,
  'secrets.store-problem': 405,
};

/** An event this version does not know (a newer line format): still recorded, under this ID. */
const OTHER_EVENT_ID = 999;
/** ReportEventW's limit for one insertion string, in UTF-16 code units. */
const MAX_STRING = 31_839;

export interface EventLogRecord {
  readonly type: number;
  readonly eventId: number;
  readonly text: string;
}

export function eventLogRecord(line: AuditLine): EventLogRecord {
  const type =
    line.level >= 50 ? EVENTLOG_ERROR_TYPE : line.level >= 40 ? EVENTLOG_WARNING_TYPE : EVENTLOG_INFORMATION_TYPE;
  const eventId = Object.hasOwn(eventIds, line.event) ? eventIds[line.event as AuditEvent] : OTHER_EVENT_ID;
  const text = `${line.msg}\r\n\r\n${line.json}`;
  return { type, eventId, text: text.length > MAX_STRING ? `${text.slice(0, MAX_STRING - 3)}...` : text };
}
