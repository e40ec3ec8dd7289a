/**
 * The audit log's settings (Logging group): where it is written and how much it records. In the
 * catalogue (catalogue.ts spreads them in) like every other group.
 */
import * as z from 'zod';
import type { SettingSpec } from './setting-spec';

/** An absolute folder: C:\..., \\server\share\... or /... (the platform check is in machine-policy). */
const absoluteFolder = z
  .string()
  .max(260)
  .regex(/^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+|\/)/, 'must be an absolute folder path');

/** A collector's address: a host name, IPv4 address or [IPv6] address, and an optional port (default 6514, RFC 5425). */
const collector = z
  .string()
  .max(300)
  .regex(/^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/, 'must be host or host:port')
  .refine((v) => {
    const port = /:(\d+)$/.exec(v)?.[1];
    return port === undefined || v.endsWith(']') || (Number(port) >= 1 && Number(port) <= 65535);
  }, 'the port must be 1 to 65535');

/** An absolute file path on either platform. */
const absoluteFile = absoluteFolder.regex(/[^\\/]$/, 'must name a file');

export const loggingSettings = {
  LogFolder: {
    displayName: 'Audit log folder',
    group: 'Logging',
    registry: 'REG_SZ',
    schema: absoluteFolder,
    admx: { element: 'text', maxLength: 260 },
    default: "the app's own log folder",
    range: 'an absolute folder path',
    description:
      "Folder for the audit log; each Windows account writes its own subfolder, so let accounts create folders there but not change each other's.",
    rule: 'Audit log kept where IT collects it; it never holds tokens, codes or note text.',
    example: 'C:\\ProgramData\\Clinical Workstation Shell\\logs',
  },
  LogLevel: {
    displayName: 'Audit log detail',
    group: 'Logging',
    registry: 'REG_SZ',
    schema: z.enum(['error', 'warn', 'info', 'debug']),
    admx: { element: 'enum', items: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    range: 'error, warn, info, debug',
    description: 'How much the audit log records.',
    rule: 'Audit log: every level keeps tokens, codes and note text out.',
    example: 'info',
  },
  AuditToEventLog: {
    displayName: 'Also write audit events to the Windows Event Log (Application log)',
    group: 'Logging',
    registry: 'REG_DWORD',
    schema: z.boolean(),
    admx: { element: 'boolean' },
    default: 'off (0)',
    range: 'on (1), off (0); Windows only',
    description:
      "Each audit event also goes to the Application log, source 'Clinical Workstation Shell' (the MSI registers it), for Windows Event Forwarding or the SOC's agent.",
    rule: 'Audit trail collected centrally by the security operations centre.',
    example: true,
  },
  AuditToJournald: {
    displayName: 'Also write audit events to the systemd journal (Linux)',
    group: 'Logging',
    registry: 'REG_DWORD',
    schema: z.boolean(),
    admx: { element: 'boolean' },
    default: 'off (0)',
    range: 'on (1), off (0); Linux only',
    description:
      'Each audit event also goes to journald with its fields as journal fields (SYSLOG_IDENTIFIER=clinical-workstation-shell).',
    rule: 'Audit trail collected centrally by the security operations centre.',
    example: false,
  },
  AuditSyslogServer: {
    displayName: 'Syslog collector for audit events (host:port, TLS)',
    group: 'Logging',
    registry: 'REG_SZ',
    schema: collector,
    admx: { element: 'text', maxLength: 300 },
    default: 'none (no syslog forwarding)',
    range: 'host or host:port (port 6514 when omitted)',
    description:
      "Each audit event is also sent as RFC 5424 syslog over TLS (RFC 5425) to the trust's collector; the certificate must name the host and chain to AuditSyslogCaFile.",
    rule: 'Audit trail collected centrally by the security operations centre; never sent unencrypted.',
    example: 'siem-collector.trust.nhs.uk:6514',
  },
  AuditSyslogCaFile: {
    displayName: "Syslog collector's certificate authority (PEM file)",
    group: 'Logging',
    registry: 'REG_SZ',
    schema: absoluteFile,
    admx: { element: 'text', maxLength: 260 },
    default: "the public roots built into the shell's Node.js",
    range: 'an absolute path to a PEM file (one or more certificates)',
    description: "The trust's CA that signed the syslog collector's certificate; only it is trusted for the collector.",
    rule: "TLS to the collector verified against the trust's own CA.",
    example: 'C:\\ProgramData\\Clinical Workstation Shell\\syslog-ca.pem',
  },
} as const satisfies Record<string, SettingSpec>;

/** Where audit lines go besides the file: the machine policy's Audit* settings, resolved. */
export interface AuditSinkSettings {
  readonly eventLog: boolean;
  readonly journald: boolean;
  /** null: no syslog forwarding. */
  readonly syslog: { readonly host: string; readonly port: number; readonly caFile: string | undefined } | null;
}

export function auditSinkSettings(s: {
  readonly AuditToEventLog?: boolean;
  readonly AuditToJournald?: boolean;
  readonly AuditSyslogServer?: string;
  readonly AuditSyslogCaFile?: string;
}): AuditSinkSettings {
  const server = s.AuditSyslogServer === undefined ? null : /^(.*?)(?::(\d+))?$/.exec(s.AuditSyslogServer);
  const host = server?.[1]?.replace(/^\[(.*)\]$/, '$1');
  return {
    eventLog: s.AuditToEventLog ?? false,
    journald: s.AuditToJournald ?? false,
    syslog: host === undefined ? null : { host, port: Number(server?.[2] ?? 6514), caFile: s.AuditSyslogCaFile },
  };
}
