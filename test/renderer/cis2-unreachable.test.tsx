/**
 * The workspace's note while NHS Care Identity cannot be reached, and the lock screen's words in
 * an outage (issue 21): what they say, that each change is announced once, and that the note has
 * nothing that could take focus or a keystroke. Its behaviour in a real page (it comes as the
 * refresh goes unanswered while the clinician types, and goes when CIS2 answers) is in
 * test/e2e/cis2-outage.spec.ts.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LockReasonSchema } from '../../preload/contract';
import type { DraftStorage, Notice } from '../../preload/contract';
import { cis2UnreachableLabels } from '../../renderer/labels';
import { Cis2Unreachable } from '../../renderer/screens/Cis2Unreachable';
import {
  cis2ReachAnnouncement,
  cis2UnreachableText,
  lockedUnreachableText,
  lockReasonText,
  noticeSaysUnreachable,
  noticeWords,
  workKeptText,
} from '../../renderer/words';

describe('the note while NHS Care Identity cannot be reached', () => {
  it('says, calmly, that it cannot be reached, that the clinician can keep working, and where the work is', () => {
    expect(cis2UnreachableLabels.title).toBe('Cannot reach NHS Care Identity');
    expect(cis2UnreachableText.body.protected).toBe('You can keep working. Your work is saved on this workstation.');
    // Drafts that cannot be sealed on disk are not "saved on this workstation": they last while the app is open.
    expect(cis2UnreachableText.body['memory-only']).toBe(
      'You can keep working. Your work is kept while this app is open.',
    );
    for (const storage of ['protected', 'memory-only'] as const) {
      const said = cis2UnreachableText.announcement[storage];
      expect(said).toBe(`NHS Care Identity cannot be reached at the moment. ${cis2UnreachableText.body[storage]}`);
      // Information, not an alarm: no warning words, nothing to do.
      expect(said).not.toMatch(/warning|error|problem|failed|urgent|immediately|lock|sign in/i);
    }
    expect(cis2UnreachableText.reachedAgain).toBe('NHS Care Identity can be reached again.');
  });

  it('is announced once when NHS Care Identity stops answering and once when it answers again', () => {
    // The views a workspace sees: reachable, four unanswered refreshes in a row, back, lost again.
    const views = [false, false, true, true, true, true, false, false, true];
    const said: string[] = [];
    let seen = false;
    for (const unreachable of views) {
      const say = cis2ReachAnnouncement(seen, unreachable, 'protected');
      seen = unreachable;
      if (say !== null) said.push(say);
    }
    expect(said).toEqual([
      cis2UnreachableText.announcement.protected,
      cis2UnreachableText.reachedAgain,
      cis2UnreachableText.announcement.protected,
    ]);
    // The drafts' storage changing during an outage says nothing new.
    expect(cis2ReachAnnouncement(true, true, 'memory-only')).toBeNull();
  });

  const render = (unreachable: boolean, draftStorage: DraftStorage, giveWay = false): string =>
    renderToStaticMarkup(<Cis2Unreachable unreachable={unreachable} draftStorage={draftStorage} giveWay={giveWay} />);

  it('shows its heading and sentence at the foot, with nothing that can take focus or a keystroke', () => {
    const html = render(true, 'protected');
    expect(html).toContain('data-testid="cis2-unreachable"');
    expect(html).toContain(cis2UnreachableLabels.title);
    expect(html).toContain(cis2UnreachableText.body.protected);
    expect(html).toContain('class="shell-cis2-unreachable"');
    expect(html).not.toMatch(/<(button|a|input|textarea|select)\b|tabindex|autofocus|role="alert"/i);
    // The live region is polite, and there from the start (a region added with its text is not read out).
    expect(html).toMatch(
      /<p class="nhsuk-u-visually-hidden" aria-live="polite" data-testid="cis2-unreachable-announcement"><\/p>/,
    );
    expect(render(true, 'memory-only')).toContain(cis2UnreachableText.body['memory-only']);
  });

  it('shows nothing but its (empty) live region while CIS2 answers, or while another note at the foot shows', () => {
    for (const html of [render(false, 'protected'), render(true, 'protected', true)]) {
      expect(html).not.toContain('data-testid="cis2-unreachable"');
      expect(html).not.toContain('shell-cis2-unreachable-spacer');
      expect(html).toContain('data-testid="cis2-unreachable-announcement"');
    }
  });
});

describe('the lock screen in an outage', () => {
  const network: Notice = { code: 'SIGNIN_NETWORK', message: 'The network failed.' };

  it('says NHS Care Identity could not be reached as it locked, and that unlocking needs it, beside "work is kept"', () => {
    expect(lockedUnreachableText.text('manual')).toBe(
      'NHS Care Identity could not be reached when this workstation locked. Unlocking needs NHS Care Identity: if it still cannot be reached, check the network is connected, then try again.',
    );
    expect(workKeptText).toBe('Your work is kept for you. Only you can open it again.');
    for (const reason of LockReasonSchema.options) expect(lockedUnreachableText.text(reason)).toMatch(/^[A-Z].*\.$/);
  });

  it('reads as one story with the notice a failed unlock shows', () => {
    const notice = noticeWords(network);
    expect(lockedUnreachableText.title).toBe(notice.title);
    expect(lockedUnreachableText.title).toBe('Cannot reach the sign-in service');
    expect(notice.text).toContain('Check the network is connected, then try again.');
    expect(lockedUnreachableText.text('idle')).toContain('check the network is connected, then try again.');
    // That notice says it instead of the lock screen's own words, so it is said once.
    expect(noticeSaysUnreachable(network)).toBe(true);
    expect(noticeSaysUnreachable({ code: 'SIGNIN_DISCOVERY_FAILED', message: 'Discovery failed.' })).toBe(true);
    expect(noticeSaysUnreachable({ code: 'SIGNIN_CANCELLED', message: 'Cancelled.' })).toBe(false);
    expect(noticeSaysUnreachable(null)).toBe(false);
  });

  it('does not repeat the reason when the lock was for NHS Care Identity being out of reach', () => {
    expect(lockReasonText['cis2-unreachable']).toContain('Unlocking needs NHS Care Identity');
    expect(lockedUnreachableText.text('cis2-unreachable')).toBe(
      'If it still cannot be reached when you unlock, check the network is connected, then try again.',
    );
  });
});
