/**
 * Everything the shell says to a clinician, in one place, in plain and calm words.
 * Pure functions: unit-tested in Node without a DOM.
 */
import type { EndReason, LockReason, SessionView } from '../preload/contract';

/** 42 → "0:42", 605 → "10:05". For the idle countdown. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** 42_120 → "11 h 42 min"; under an hour "42 min"; under a minute "less than 1 min". */
export function formatSessionLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return 'less than 1 min';
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}

/** Why the lock screen is showing, as a sentence. */
export function lockReasonText(reason: LockReason): string {
  switch (reason) {
    case 'idle':
      return 'This workstation locked because it was not used for a while.';
    case 'os-lock':
      return 'This workstation locked because the screen was locked.';
    case 'sleep':
      return 'This workstation locked because the computer went to sleep.';
    case 'user-switch':
      return 'This workstation locked because the computer switched user.';
    case 'absolute-limit':
      return 'You have been signed in for 12 hours. Sign in again to continue.';
    case 'refresh-failed':
      return 'Your sign-in has expired. Sign in again to continue.';
    case 'backchannel-logout':
      return 'You were signed out elsewhere.';
    case 'manual':
      return 'You locked this workstation. Your work is kept for you.';
  }
}

export function endReasonText(reason: EndReason): string {
  switch (reason) {
    case 'sign-out':
      return 'You have signed out.';
    case 'absolute-limit':
      return 'You have been signed in for 12 hours. Sign in again to continue.';
    case 'different-user':
      return 'The previous session ended because a different person signed in. Any unsent notes are kept safe for the person who wrote them.';
    case 'backchannel-logout':
      return 'You were signed out elsewhere.';
    case 'shutdown':
      return 'The session ended because the computer shut down.';
    case 'os-lock':
      return 'The session ended because the screen was locked. Your notes are kept safe for you.';
    case 'sleep':
      return 'The session ended because the computer went to sleep. Your notes are kept safe for you.';
    case 'user-switch':
      return 'The session ended because the computer switched user. Your notes are kept safe for you.';
  }
}

export function idleWarningText(secondsLeft: number): string {
  return `You will be locked out in ${formatCountdown(secondsLeft)} because this workstation has been idle`;
}

/**
 * What a screen reader hears while the countdown runs: announced every 15 seconds and in the
 * last 10, not every second (which would drown out everything else). null means "say nothing new".
 */
export function idleAnnouncement(secondsLeft: number): string | null {
  if (secondsLeft <= 0) return null;
  if (secondsLeft % 15 === 0 || secondsLeft === 10 || secondsLeft === 5) return `Locking in ${secondsLeft} seconds.`;
  return null;
}

export function saveFailureText(code: string): string {
  switch (code) {
    case 'not-active':
      return 'Not saved — your session is not active. Your note will be saved when you are back in.';
    case 'bad-request':
      return 'Not saved — the note is too long. Shorten it to save it.';
    default:
      return 'Not saved — the shell could not save your note. Keep this window open and try again.';
  }
}

export const memoryOnlyNotice =
  'This workstation cannot protect drafts on disk right now; your note is kept only while this app is open.';

export const noRoleNote = 'No role selected. Role-based actions are unavailable until you sign in with a role.';

export function actionFailureText(code: string): string {
  if (code === 'wrong-sender' || code === 'unknown-channel') return 'The shell refused that request. Close and reopen the app, and tell IT if it happens again.';
  return 'That did not work. Try again, and if it keeps happening tell IT.';
}

/** Screens that may hold clinical content: anything else drops drafts and unmounts the workspace. */
export function showsClinicalContent(view: SessionView | null): view is Extract<SessionView, { kind: 'active' | 'warning' }> {
  return view !== null && (view.kind === 'active' || view.kind === 'warning');
}
