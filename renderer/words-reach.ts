/**
 * The words for NHS Care Identity being out of reach (issue 21): the workspace's calm note, what a
 * screen reader is told as it comes and goes, and the lock screen's words. words.ts re-exports
 * them with every other sentence (the word tests read them there); here only to keep each file
 * short. The notice a failed sign-in or unlock shows for the same thing is in words.ts, under the
 * same heading.
 */
import type { DraftStorage, LockReason } from '../preload/contract';

/** The heading wherever NHS Care Identity could not be reached for a sign-in or an unlock. */
export const cannotReachSignIn = 'Cannot reach the sign-in service';

/**
 * The workspace while NHS Care Identity does not answer the keep-alive refresh
 * (renderer/screens/Cis2Unreachable.tsx): information, not an alarm. Nothing about the session
 * changed, the clinician carries on, and the note is kept as always: sealed on this workstation,
 * or, where drafts cannot be protected on disk, while the app is open.
 */
export const cis2UnreachableText = {
  body: {
    protected: 'You can keep working. Your work is saved on this workstation.',
    'memory-only': 'You can keep working. Your work is kept while this app is open.',
  } satisfies Record<DraftStorage, string>,
  /** Said once, politely, when the note appears: it never interrupts typing. */
  announcement: {
    protected:
      'NHS Care Identity cannot be reached at the moment. You can keep working. Your work is saved on this workstation.',
    'memory-only':
      'NHS Care Identity cannot be reached at the moment. You can keep working. Your work is kept while this app is open.',
  } satisfies Record<DraftStorage, string>,
  /** Said once, politely, when it can be reached again (the note goes). */
  reachedAgain: 'NHS Care Identity can be reached again.',
} as const;

/**
 * What a screen reader is told as the workspace's reach changes, or null for nothing new: once when
 * NHS Care Identity stops answering, once when it answers again, never while it stays the same.
 */
export function cis2ReachAnnouncement(
  wasUnreachable: boolean,
  unreachable: boolean,
  storage: DraftStorage,
): string | null {
  if (unreachable === wasUnreachable) return null;
  return unreachable ? cis2UnreachableText.announcement[storage] : cis2UnreachableText.reachedAgain;
}

/**
 * The lock screen when NHS Care Identity could not be reached as the workstation locked: in the
 * same words as the notice a failed unlock shows (its heading, and "check the network is
 * connected, then try again"), so the two read as one story; the lock screen's own "Your work is
 * kept for you" stands beside it. A lock for that very reason (`cis2-unreachable`) already says
 * why and that unlocking needs NHS Care Identity: only what to do is added.
 */
export const lockedUnreachableText = {
  title: cannotReachSignIn,
  text: (reason: LockReason): string =>
    reason === 'cis2-unreachable'
      ? 'If it still cannot be reached when you unlock, check the network is connected, then try again.'
      : 'NHS Care Identity could not be reached when this workstation locked. Unlocking needs NHS Care Identity: if it still cannot be reached, check the network is connected, then try again.',
} as const;
