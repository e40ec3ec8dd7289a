/**
 * The session settings (Session group): the idle and absolute limits, their warnings, and what
 * an OS lock, sleep or user switch does to the session. In the catalogue (catalogue.ts spreads
 * them in) like every other group. Limits the rules cap accept any positive value here: a value
 * past the cap is clamped by main/core/policy and reported, not refused.
 */
import * as z from 'zod';
import {
  DEFAULT_ABSOLUTE_WARNING_LEAD_MS,
  DEFAULT_WARNING_LEAD_MS,
  MAX_ABSOLUTE_WARNING_LEAD_MS,
  RULE_MAXIMA,
} from '../../core/policy';
import { wholeSeconds } from './setting-spec';
import type { SettingSpec } from './setting-spec';

const osAction = z.enum(['lock', 'end-session']);
const activityScope = z.enum(['shell', 'os-account']);
const minutes = (ms: number) => `${ms / 1000} (${ms / 60_000} min)`;
const aal2Max = RULE_MAXIMA.idleLimitMs.AAL2 / 1000;
const aal3Max = RULE_MAXIMA.idleLimitMs.AAL3 / 1000;
const absoluteMax = RULE_MAXIMA.absoluteLimitMs / 1000;

const osEvent = (
  displayName: string,
  when: string,
  example: 'lock' | 'end-session',
): SettingSpec & { schema: typeof osAction } => ({
  displayName,
  group: 'Session',
  registry: 'REG_SZ',
  schema: osAction,
  admx: { element: 'enum', items: osAction.options },
  default: 'lock',
  range: 'lock, end-session',
  description: `What happens to the clinician's session ${when}: lock it, or end it (drafts are sealed for their owner).`,
  rule: 'Shared workstation: an OS event never leaves a session open; end-session is the stricter choice.',
  example,
});

export const sessionSettings = {
  IdleLimitAAL2Seconds: {
    displayName: 'Idle lock for AAL2 sessions (seconds)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: aal2Max },
    default: minutes(RULE_MAXIMA.idleLimitMs.AAL2),
    range: `1 to ${aal2Max} (more is clamped to ${aal2Max})`,
    description: 'Seconds of inactivity after which an AAL2 session locks.',
    rule: 'CIS2 idle table and NIST SP 800-63B: AAL2 at most 30 min.',
    example: 900,
  },
  IdleLimitAAL3Seconds: {
    displayName: 'Idle lock for smartcard (AAL3) sessions (seconds)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: aal3Max },
    default: minutes(RULE_MAXIMA.idleLimitMs.AAL3),
    range: `1 to ${aal3Max} (more is clamped to ${aal3Max})`,
    description:
      'Seconds of inactivity after which an AAL3 (smartcard) session locks; unknown assurance counts as AAL3.',
    rule: 'CIS2 idle table: AAL3 at most 15 min.',
    example: 600,
  },
  AbsoluteLimitSeconds: {
    displayName: 'Sign in again after (seconds, at most 12 hours)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: absoluteMax },
    default: `${absoluteMax} (12 h)`,
    range: `1 to ${absoluteMax} (more is clamped to ${absoluteMax})`,
    description:
      'Seconds from the last full sign-in after which the clinician must sign in again, whatever the activity.',
    rule: 'NIST SP 800-63B and CIS2: re-authenticate within 12 h.',
    example: absoluteMax,
  },
  WarningLeadSeconds: {
    displayName: 'Warning before the idle lock (seconds)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: aal3Max - 1 },
    default: String(DEFAULT_WARNING_LEAD_MS / 1000),
    range: '0 (no warning) and up, below both idle limits (otherwise moved to half the shorter one)',
    description: 'Seconds before an idle lock that the countdown warning appears; 0 for none.',
    rule: 'Clinical workflow: warn before locking; the warning always comes before the lock.',
    example: 90,
  },
  AbsoluteLimitWarningSeconds: {
    displayName: 'Notice before the 12-hour sign-in limit (seconds)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: MAX_ABSOLUTE_WARNING_LEAD_MS / 1000 },
    default: minutes(DEFAULT_ABSOLUTE_WARNING_LEAD_MS),
    range: `0 (no notice) to ${MAX_ABSOLUTE_WARNING_LEAD_MS / 1000} (more is clamped), below AbsoluteLimitSeconds (otherwise moved to half of it)`,
    description:
      'Seconds before the 12-hour sign-in limit that the clinician is told it is coming and offered to sign in again early; 0 for none.',
    rule: 'Clinical workflow: say before the sign-in limit, so nobody is stopped mid-sentence; signing in again early restarts the 12 hours.',
    example: 600,
  },
  UnansweredRefreshLimitSeconds: {
    displayName: 'Lock when NHS Care Identity cannot be reached for (seconds)',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: absoluteMax },
    default: 'not set (no limit beyond the idle and 12-hour limits)',
    range: `0 (lock at the first unanswered refresh) to ${absoluteMax} (more is clamped to ${absoluteMax})`,
    description:
      'Seconds a working session goes on while NHS Care Identity does not answer its refresh (the network down, CIS2 unavailable), from the first unanswered refresh; then it locks, and unlocking needs NHS Care Identity. Not set: an unanswered refresh never locks; CIS2 refusing a refresh always does.',
    rule: 'Only CIS2 saying no ends a session; a trust may still limit how long one runs without CIS2 answering (docs/security.md).',
    example: 1800,
  },
  ActivityCountedFrom: {
    displayName: 'Whose input keeps a session from its idle lock',
    group: 'Session',
    registry: 'REG_SZ',
    schema: activityScope,
    admx: { element: 'enum', items: activityScope.options },
    default: 'shell',
    range: 'shell, os-account',
    description:
      "Whose input counts as the clinician's activity: the shell's own window only (shell), or input anywhere on the OS account (os-account, for a PC only one clinician uses). Either way, the OS seeing nobody touch the PC for a whole idle period locks.",
    rule: 'CIS2 session management counts inactivity within the application; on a shared ward account, input in another program must not keep a clinician’s note open.',
    example: 'shell',
  },
  OnOsLock: osEvent('When Windows is locked', 'when the OS screen is locked (Win+L)', 'lock'),
  OnSleep: osEvent('When the workstation sleeps', 'when the workstation sleeps or hibernates', 'lock'),
  OnUserSwitch: osEvent('When the Windows user is switched', 'on a fast user switch', 'end-session'),
} as const satisfies Record<string, SettingSpec>;
