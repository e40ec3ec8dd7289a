import { describe, expect, it } from 'vitest';
import { endReasonText, formatCountdown, formatSessionLeft, idleAnnouncement, idleWarningText, lockReasonText, showsClinicalContent } from '../../renderer/words';
import { EndReasonSchema, LockReasonSchema } from '../../preload/contract';

describe('words', () => {
  it('formats the idle countdown as m:ss', () => {
    expect(formatCountdown(42)).toBe('0:42');
    expect(formatCountdown(605)).toBe('10:05');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(idleWarningText(42)).toBe('You will be locked out in 0:42 because this workstation has been idle');
  });

  it('formats the time until the 12-hour re-authentication', () => {
    expect(formatSessionLeft(11 * 3600 + 42 * 60 + 59)).toBe('11 h 42 min');
    expect(formatSessionLeft(42 * 60)).toBe('42 min');
    expect(formatSessionLeft(59)).toBe('less than 1 min');
  });

  it('has a whole sentence for every lock and end reason', () => {
    for (const reason of LockReasonSchema.options) expect(lockReasonText(reason)).toMatch(/^[A-Z].*\.$/);
    for (const reason of EndReasonSchema.options) expect(endReasonText(reason)).toMatch(/^[A-Z].*\.$/);
    expect(lockReasonText('sleep')).toContain('locked because the computer went to sleep');
    expect(lockReasonText('absolute-limit')).toBe('You have been signed in for 12 hours. Sign in again to continue.');
  });

  it('announces the countdown only now and then', () => {
    const spoken = Array.from({ length: 60 }, (_, i) => idleAnnouncement(60 - i)).filter((s) => s !== null);
    expect(spoken).toEqual(['Locking in 60 seconds.', 'Locking in 45 seconds.', 'Locking in 30 seconds.', 'Locking in 15 seconds.', 'Locking in 10 seconds.', 'Locking in 5 seconds.']);
  });

  it('treats only active and warning as screens with clinical content', () => {
    expect(showsClinicalContent(null)).toBe(false);
    expect(showsClinicalContent({ kind: 'ended', reason: 'sign-out' })).toBe(false);
    expect(showsClinicalContent({ kind: 'active', clinician: { name: 'A', roleName: null, orgName: null, orgCode: null }, sessionSecondsLeft: 1, draftStorage: 'protected' })).toBe(true);
  });
});
