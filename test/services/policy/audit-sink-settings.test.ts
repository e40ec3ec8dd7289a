// The Audit* settings (main/services/policy/logging-settings.ts) as machine policy gives them:
// off by default, the collector's address parsed (port 6514 when omitted, [IPv6] addresses), a
// bad value reported by name and ignored, and Group Policy's 1/0 read as on/off.
import { describe, expect, it } from 'vitest';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import type { SourceRead } from '../../../main/services/policy/source';

const HKLM = 'HKLM\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell';
const read = (values: Record<string, unknown>): SourceRead => ({ source: HKLM, status: 'read', values, problems: [] });
const context = { platform: 'win32', env: {}, packaged: true };

describe('the audit sink settings', () => {
  it('are all off when nothing is set', () => {
    expect(resolveMachinePolicy([read({})], context).auditSinks).toEqual({
      eventLog: false,
      journald: false,
      syslog: null,
    });
  });

  it('turn the Event Log and the journal on from REG_DWORD 1, and name the collector and its CA', () => {
    const policy = resolveMachinePolicy(
      [
        read({
          AuditToEventLog: 1,
          AuditToJournald: 0,
          AuditSyslogServer: 'siem.trust.nhs.uk',
          AuditSyslogCaFile: 'C:\\ProgramData\\Clinical Workstation Shell\\syslog-ca.pem',
        }),
      ],
      context,
    );
    expect(policy.problems).toEqual([]);
    expect(policy.auditSinks).toEqual({
      eventLog: true,
      journald: false,
      syslog: {
        host: 'siem.trust.nhs.uk',
        port: 6514,
        caFile: 'C:\\ProgramData\\Clinical Workstation Shell\\syslog-ca.pem',
      },
    });
  });

  it.each([
    ['10.20.0.5:1514', { host: '10.20.0.5', port: 1514 }],
    ['[fd00::5]:6514', { host: 'fd00::5', port: 6514 }],
    ['[fd00::5]', { host: 'fd00::5', port: 6514 }],
  ])('reads the collector %s', (value, expected) => {
    expect(resolveMachinePolicy([read({ AuditSyslogServer: value })], context).auditSinks.syslog).toEqual({
      ...expected,
      caFile: undefined,
    });
  });

  it.each(['siem.trust.nhs.uk:0', 'siem.trust.nhs.uk:70000', 'tls://siem:6514', 'siem :6514', ''])(
    'refuses the collector %j by name, never repeating the value, and sends nowhere',
    (value) => {
      const policy = resolveMachinePolicy([read({ AuditSyslogServer: value })], context);
      expect(policy.auditSinks.syslog).toBeNull();
      expect(policy.problems.map((p) => p.setting)).toEqual(['AuditSyslogServer']);
      if (value !== '') expect(JSON.stringify(policy.problems)).not.toContain(value);
    },
  );

  it('refuses a CA file that is not an absolute path to a file', () => {
    for (const value of ['syslog-ca.pem', 'C:\\certs\\']) {
      const policy = resolveMachinePolicy([read({ AuditSyslogCaFile: value })], context);
      expect(policy.problems.map((p) => p.setting)).toEqual(['AuditSyslogCaFile']);
    }
  });
});
