import { describe, expect, it } from 'vitest';
import {
  actionRefusalText,
  endReasonText,
  formatCountdown,
  formatSessionLeft,
  idleAnnouncement,
  idleWarningText,
  lockedAtText,
  workKeptText,
  lockNeedsFullSignIn,
  lockReasonText,
  saveRefusalText,
  showsClinicalContent,
} from '../../renderer/words';
import { EndReasonSchema, LockReasonSchema, refusalCodes } from '../../preload/contract';

describe('words', () => {
  it('formats the idle countdown as m:ss', () => {
    expect(formatCountdown(42)).toBe('0:42');
    expect(formatCountdown(605)).toBe('10:05');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(idleWarningText(42)).toBe(
      'This workstation will lock in 0:42 because it has not been used. Carry on typing, or select "I\'m still here". Your work is kept either way.',
    );
  });

  it('formats the time until the 12-hour re-authentication', () => {
    expect(formatSessionLeft(11 * 3600 + 42 * 60 + 59)).toBe('11 hours 42 minutes');
    expect(formatSessionLeft(12 * 3600)).toBe('12 hours');
    expect(formatSessionLeft(3600 + 60)).toBe('1 hour 1 minute');
    expect(formatSessionLeft(42 * 60)).toBe('42 minutes');
    expect(formatSessionLeft(59)).toBe('less than a minute');
  });

  it('has a whole sentence for every lock and end reason, and no words for reasons that do not exist', () => {
    for (const reason of LockReasonSchema.options) expect(lockReasonText[reason]).toMatch(/^[A-Z].*\.$/);
    for (const reason of EndReasonSchema.options) expect(endReasonText[reason]).toMatch(/^[A-Z].*\.$/);
    expect(Object.keys(lockReasonText).sort()).toEqual([...LockReasonSchema.options].sort());
    expect(Object.keys(endReasonText).sort()).toEqual([...EndReasonSchema.options].sort());
    expect(lockReasonText.sleep).toContain('locked because the computer went to sleep');
    expect(lockReasonText['absolute-limit']).toBe('You have been signed in for 12 hours. Sign in again to continue.');
    expect(endReasonText['backchannel-logout']).toBe('You were signed out elsewhere.');
  });

  it('asks for a full sign-in only when the sign-in itself ran out', () => {
    const full = LockReasonSchema.options.filter((reason) => lockNeedsFullSignIn[reason]);
    expect(full.sort()).toEqual(['absolute-limit', 'refresh-refused']);
  });

  it('has a whole sentence for every refusal, for a save and for a button press', () => {
    for (const code of refusalCodes) {
      expect(saveRefusalText[code], code).toMatch(/^Not saved — [a-z].*\.$/);
      expect(actionRefusalText[code], code).toMatch(/^[A-Z].*\.$/);
    }
    expect(Object.keys(saveRefusalText).sort()).toEqual([...refusalCodes].sort());
    expect(Object.keys(actionRefusalText).sort()).toEqual([...refusalCodes].sort());
  });

  it('tells the clinician what to do about each way a save can fail', () => {
    expect(saveRefusalText['drafts-limit-reached']).toBe(
      'Not saved — you already have 100 unfinished notes. Finish or discard one, then save again.',
    );
    expect(saveRefusalText['storage-failed']).toBe(
      'Not saved — the note could not be saved to this workstation. Keep this window open and try again.',
    );
    expect(saveRefusalText['draft-invalid']).toBe(
      'Not saved — the note was not in the form the shell expects. Keep this window open and tell IT.',
    );
    expect(saveRefusalText['not-active']).toBe(
      'Not saved — your session is not active. Your note will be saved when you are back in.',
    );
    expect(saveRefusalText['bad-request']).toBe('Not saved — the note is too long. Shorten it to save it.');
    expect(saveRefusalText['internal-error']).toBe(
      'Not saved — the shell could not save your note. Keep this window open and try again.',
    );
    expect(actionRefusalText['wrong-sender']).toBe(
      'The shell refused that request. Close and reopen the app, and tell IT if it happens again.',
    );
    expect(actionRefusalText['internal-error']).toBe(
      'That did not work. Try again, and if it keeps happening tell IT.',
    );
  });

  it('announces the countdown only now and then', () => {
    const spoken = Array.from({ length: 60 }, (_, i) => idleAnnouncement(60 - i)).filter((s) => s !== null);
    expect(spoken).toEqual([
      'Locking in 60 seconds.',
      'Locking in 45 seconds.',
      'Locking in 30 seconds.',
      'Locking in 15 seconds.',
      'Locking in 10 seconds.',
      'Locking in 5 seconds.',
    ]);
  });

  it('treats only active and warning as screens with clinical content', () => {
    expect(showsClinicalContent(null)).toBe(false);
    expect(showsClinicalContent({ kind: 'ended', reason: 'sign-out' })).toBe(false);
    expect(
      showsClinicalContent({
        kind: 'active',
        clinician: { name: 'A', roleName: null, orgName: null, orgCode: null },
        sessionSecondsLeft: 1,
        sessionEndingSoon: false,
        signingInAgain: null,
        notice: null,
        draftStorage: 'protected',
      }),
    ).toBe(true);
  });

  it('says on every lock that the work is kept, and when it locked, in 24-hour time', () => {
    expect(workKeptText).toMatch(/work is kept/);
    const at = new Date(2026, 11, 1, 14, 32, 59).getTime();
    expect(lockedAtText(at)).toBe('14:32');
    expect(lockedAtText(new Date(2026, 11, 1, 9, 5).getTime())).toBe('09:05');
  });
});
