/**
 * Every sentence the shell says to a clinician, in plain and calm words (the screens' headings,
 * labels and button names are in labels.ts; the screens hold no text of their own, as
 * test/renderer/words-only.test.ts checks). Pure functions and tables: unit-tested in Node without
 * a DOM. Every table is a Record over the contract's own list (lock and end reasons, refusal and
 * notice codes), so a new entry there does not compile until it has its words here (words-exhaustive.test.ts).
 */
import type { EndReason, LockReason, Notice, NoticeCode, RefusalCode, SessionView } from '../preload/contract';
import { cannotReachSignIn } from './words-reach';
// NHS Care Identity out of reach (words-reach.ts), the test-environment banner (words-environment.ts).
export { cis2ReachAnnouncement, cis2UnreachableText, lockedUnreachableText } from './words-reach';
export { environmentBannerText, relayRefusedText } from './words-environment';
/** 42 → "0:42", 605 → "10:05". For the idle countdown. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** 42_120 → "11 hours 42 minutes", 43_200 → "12 hours", 3_660 → "1 hour 1 minute"; under a minute "less than a minute". */
export function formatSessionLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return 'less than a minute';
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const unit = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
  return [hours > 0 ? unit(hours, 'hour') : null, minutes > 0 ? unit(minutes, 'minute') : null]
    .filter((p) => p !== null)
    .join(' ');
}

/** Why the lock screen is showing, as a sentence. */
export const lockReasonText: Record<LockReason, string> = {
  idle: 'This workstation locked because it was not used for a while.',
  'os-lock': 'This workstation locked because the screen was locked.',
  sleep: 'This workstation locked because the computer went to sleep.',
  'user-switch': 'This workstation locked because the computer switched user.',
  'absolute-limit': 'You have been signed in for 12 hours. Sign in again to continue.',
  'refresh-refused': 'NHS Care Identity has ended your sign-in. Sign in again to continue.',
  'cis2-unreachable':
    'This workstation locked because it could not reach NHS Care Identity for longer than your organisation allows. Unlocking needs NHS Care Identity: when the network is back, unlock to carry on.',
  manual: 'You locked this workstation.',
  fault:
    'This workstation locked to keep your work safe after an unexpected problem. Unlock to carry on; tell IT if it happens again.',
  'smartcard-removed': 'This workstation locked because your smartcard was removed from the reader.',
  'smartcard-unavailable':
    'This workstation locked because it could no longer see your smartcard reader. Check the reader is plugged in, then unlock.',
  'lock-watch-lost':
    'This workstation locked because it could no longer tell whether the screen was locked. Unlock to carry on. If it happens again, tell IT.',
};

/** On every lock screen: every lock keeps the note in the clinician's own custody. */
export const workKeptText = 'Your work is kept for you. Only you can open it again.';

/** "14:32" on the lock screen, by the workstation's own clock and time zone (24-hour, as wards write it). */
export function lockedAtText(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
}

/**
 * Whether the lock screen's button is "Sign in again" (the sign-in itself ran out, so the
 * clinician should expect a full CIS2 sign-in) rather than "Unlock".
 */
export const lockNeedsFullSignIn: Record<LockReason, boolean> = {
  idle: false,
  'os-lock': false,
  sleep: false,
  'user-switch': false,
  'absolute-limit': true,
  'refresh-refused': true,
  'cis2-unreachable': false,
  manual: false,
  fault: false,
  'smartcard-removed': false,
  'smartcard-unavailable': false,
  'lock-watch-lost': false,
};

/** Why the session ended, as a sentence. */
export const endReasonText: Record<EndReason, string> = {
  'sign-out': 'You have signed out.',
  'absolute-limit': 'You have been signed in for 12 hours. Sign in again to continue.',
  'different-user':
    'The previous session ended because a different person signed in. Any unsent notes are kept safe for the person who wrote them.',
  'backchannel-logout': 'You were signed out elsewhere.',
  shutdown: 'The session ended because the computer shut down.',
  'os-lock': 'The session ended because the screen was locked. Your notes are kept safe for you.',
  sleep: 'The session ended because the computer went to sleep. Your notes are kept safe for you.',
  'user-switch': 'The session ended because the computer switched user. Your notes are kept safe for you.',
};

export function idleWarningText(secondsLeft: number): string {
  return `This workstation will lock in ${formatCountdown(secondsLeft)} because it has not been used. Carry on typing, or select "I'm still here". Your work is kept either way.`;
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

/** Why a note was not saved, for every refusal the IPC edge can give. */
export const saveRefusalText: Record<RefusalCode, string> = {
  'bad-request': 'Not saved — the note is too long. Shorten it to save it.',
  'unknown-channel': 'Not saved — the shell refused the request to save. Keep this window open and tell IT.',
  'wrong-sender': 'Not saved — the shell refused the request to save. Keep this window open and tell IT.',
  'internal-error': 'Not saved — the shell could not save your note. Keep this window open and try again.',
  'bad-response':
    'Not saved — the shell could not confirm that your note was saved. Keep this window open and try again.',
  disconnected: 'Not saved — the shell lost its connection. Keep this window open and try again.',
  'not-active': 'Not saved — your session is not active. Your note will be saved when you are back in.',
  'wrong-state': 'Not saved — your session is not ready for notes. Your note will be saved when you are back in.',
  'draft-invalid': 'Not saved — the note was not in the form the shell expects. Keep this window open and tell IT.',
  'drafts-limit-reached': 'Not saved — you already have 100 unfinished notes. Finish or discard one, then save again.',
  'storage-failed': 'Not saved — the note could not be saved to this workstation. Keep this window open and try again.',
  'card-required': 'Not saved — insert your smartcard and unlock, and your note will be saved.',
  'card-reinsert-required':
    'Not saved — remove your smartcard, put it back, enter your PIN and unlock, and your note will be saved.',
};

export const memoryOnlyNotice =
  'This workstation cannot protect drafts on disk right now; your note is kept only while this app is open.';

export const noRoleNote = 'No role selected. Role-based actions are unavailable until you sign in with a role.';

/**
 * What a clinician without a role in use should do, by where they stand (the view's
 * `roleStanding`): only their Registration Authority can give them a role; a role they hold but
 * did not choose, they can choose now.
 */
export const roleGuidanceText = {
  'no-roles':
    'Your NHS Care Identity account has no role for this service. Ask your Registration Authority to add one, then sign in again. You can still write notes; they are kept for you.',
  'not-chosen': 'No role was chosen when you signed in. Select "Change role" to choose one. Your note stays as it is.',
} as const;

/** "Change role": the clinician chooses another of their roles in the NHS Care Identity page. */
export const changeRoleText = {
  button: 'Change role',
  choosing:
    'Choose your role on the NHS Care Identity page in your web browser. You can carry on working here meanwhile; your note stays as it is.',
  cancel: 'Cancel role change',
} as const;

/**
 * The notice before the 12-hour sign-in limit (renderer/screens/SessionEndingSoon.tsx). The limit
 * may be shorter by policy, so the words say how long is left, never "12 hours" as a fact.
 */
export const sessionEndingText = {
  /** The heading says when: on a short window (200 % zoom) it is all that shows beside the button. */
  title: (secondsLeft: number): string => `Your sign-in ends in ${formatSessionLeft(secondsLeft)}`,
  body: 'Sign in again now, at a moment that suits you, and carry on without a break. Your note stays as it is.',
  button: 'Sign in again now',
  signingIn: 'Sign in again in your web browser. You can carry on working here meanwhile; your note stays as it is.',
  cancel: 'Stop signing in again',
  renewedTitle: 'Signed in again',
  renewed: (secondsLeft: number): string =>
    `You have signed in again. You can carry on for ${formatSessionLeft(secondsLeft)}.`,
} as const;

/** Said once, politely, when the notice first appears: it never interrupts typing. */
export function sessionEndingAnnouncement(secondsLeft: number): string {
  return `Your sign-in ends in ${formatSessionLeft(secondsLeft)}. You can sign in again now without losing your work.`;
}

/** Why a button press (sign in, unlock, lock, sign out…) did not work, for every refusal. */
export const actionRefusalText: Record<RefusalCode, string> = {
  'bad-request': 'That did not work. Try again, and if it keeps happening tell IT.',
  'unknown-channel': 'The shell refused that request. Close and reopen the app, and tell IT if it happens again.',
  'wrong-sender': 'The shell refused that request. Close and reopen the app, and tell IT if it happens again.',
  'internal-error': 'That did not work. Try again, and if it keeps happening tell IT.',
  'bad-response': 'That did not work. Try again, and if it keeps happening tell IT.',
  disconnected:
    'That did not work because the shell lost its connection. Close and reopen the app, and tell IT if it happens again.',
  'not-active': 'That did not work because your session is no longer active. Sign in or unlock to carry on.',
  'wrong-state': 'That did not work because the session changed just before. Try again from this screen.',
  'draft-invalid': 'That did not work because a note was not in the form the shell expects. Tell IT.',
  'drafts-limit-reached':
    'That did not work because you already have 100 unfinished notes. Finish or discard one, then try again.',
  'storage-failed':
    'That did not work because this workstation could not save your notes. Keep this window open and try again.',
  'card-required': 'Insert your smartcard to sign in.',
  'card-reinsert-required': 'Remove your smartcard, put it back, enter your PIN, then select Unlock.',
};

/** The lock screen, where a smartcard reader is watched: the card in only prompts; it never unlocks. */
export const smartcardPromptText = {
  in: 'Your smartcard is in. Select Unlock.',
  out: 'Insert your smartcard.',
  // Identity Agent asks for the PIN when the card goes back in; without that, CIS2 could unlock without the clinician.
  reinsert: 'Remove your smartcard, put it back, and enter your PIN. Then select Unlock.',
} as const;

/** Screens that may hold clinical content: anything else drops drafts and unmounts the workspace. */
export function showsClinicalContent(
  view: SessionView | null,
): view is Extract<SessionView, { kind: 'active' | 'warning' }> {
  return view !== null && (view.kind === 'active' || view.kind === 'warning');
}

/** The service's name in the NHS header on every screen. */
export const serviceName = 'Ward workstation';

/** The fixed sentences of the screens whose names are in labels.ts. */
export const screenText = {
  /** Main never answered the first view (renderer/App.tsx). */
  notResponding: 'Close and reopen the app. If this keeps happening, tell IT.',
  signIn:
    'Use your NHS smartcard or security key with NHS Care Identity. The sign-in page opens in your web browser; come back to this window when you have signed in.',
  draftLoadFailed: 'Your note could not be loaded. Sign out and in again, and tell IT if it keeps happening.',
} as const;

/** Under the clinician's name in the workspace banner: "Sign-in needed again in 11 hours 42 minutes". */
export function sessionLeftText(seconds: number): string {
  return `Sign-in needed again in ${formatSessionLeft(seconds)}`;
}

/** While the sign-in (or unlock) waits on the system browser. It may still be opening. */
export const continueInBrowserText =
  'The NHS Care Identity sign-in page opens in your web browser. Sign in there, then come back to this window.';
export const browserTroubleText =
  'If the page does not open, or it says the site cannot be reached, select Try again. If it keeps happening, tell IT.';

/** How a notice is shown: a heading, and its own sentence or null for main's (the notice's message). */
type NoticeShown = { readonly title: string; readonly text: string | null };
const inMainWords: NoticeShown = { title: 'There is a problem', text: null };
/** NHS Care Identity could not be reached: the screen says so in its own heading and says what to do. */
const unreachable: NoticeShown = {
  title: cannotReachSignIn,
  text: 'This workstation could not reach NHS Care Identity. Check the network is connected, then try again. If it keeps happening, tell IT.',
};

/**
 * How each notice is shown, by its code: the ShellErrorCode of a failed sign-in (IPC_INVALID: a
 * view that failed its schema), or why the engine refused a sign-in made while working.
 */
export const noticeShown: Record<NoticeCode, NoticeShown> = {
  SIGNIN_CANCELLED: inMainWords,
  SIGNIN_TIMEOUT: inMainWords,
  SIGNIN_ACCESS_DENIED: inMainWords,
  SIGNIN_LOGIN_REQUIRED: inMainWords,
  SIGNIN_PROVIDER_ERROR: inMainWords,
  SIGNIN_DISCOVERY_FAILED: unreachable,
  SIGNIN_BROWSER_FAILED: inMainWords,
  SIGNIN_TOKEN_REJECTED: inMainWords,
  SIGNIN_AUTH_TIME_STALE: inMainWords,
  SIGNIN_AUTH_TIME_MISSING: inMainWords,
  SIGNIN_USERINFO_MISMATCH: inMainWords,
  SIGNIN_NETWORK: unreachable,
  SIGNIN_PROXY_AUTH: inMainWords,
  SIGNIN_CLIENT_KEY_MISSING: inMainWords,
  SIGNIN_ASSURANCE_TOO_LOW: inMainWords,
  TOKEN_REFRESH_FAILED: inMainWords,
  TOKEN_SIGNED_OUT: inMainWords,
  TOKEN_REVOCATION_FAILED: inMainWords,
  CONFIG_INVALID: inMainWords,
  KEYRING_UNAVAILABLE: inMainWords,
  STORAGE_FAILED: inMainWords,
  LOG_FOLDER_UNAVAILABLE: inMainWords,
  DRAFTS_FILE_TORN: inMainWords,
  DRAFTS_FILE_TAMPERED: inMainWords,
  DRAFTS_LIMIT_REACHED: inMainWords,
  LOGOUT_TOKEN_MALFORMED: inMainWords,
  LOGOUT_TOKEN_ALG_REFUSED: inMainWords,
  LOGOUT_TOKEN_SIGNATURE_INVALID: inMainWords,
  LOGOUT_TOKEN_KEYS_UNAVAILABLE: inMainWords,
  LOGOUT_TOKEN_ISSUER_MISMATCH: inMainWords,
  LOGOUT_TOKEN_AUDIENCE_MISMATCH: inMainWords,
  LOGOUT_TOKEN_IAT_MISSING: inMainWords,
  LOGOUT_TOKEN_ISSUED_IN_FUTURE: inMainWords,
  LOGOUT_TOKEN_TOO_OLD: inMainWords,
  LOGOUT_TOKEN_EXPIRED: inMainWords,
  LOGOUT_TOKEN_EVENTS_MISSING: inMainWords,
  LOGOUT_TOKEN_NOT_LOGOUT_EVENT: inMainWords,
  LOGOUT_TOKEN_NONCE_PRESENT: inMainWords,
  LOGOUT_TOKEN_SUBJECT_MISSING: inMainWords,
  LOGOUT_TOKEN_JTI_MISSING: inMainWords,
  LOGOUT_TOKEN_REPLAYED: inMainWords,
  IPC_INVALID: inMainWords,
  SESSION_NOT_ACTIVE: inMainWords,
  SESSION_WRONG_STATE: inMainWords,
  INTERNAL: inMainWords,
  // A sign-in while working that the engine refused (core/session): main's words say nothing changed.
  'different-user': inMainWords,
  'past-limit': inMainWords,
};

/** Whether a notice says NHS Care Identity could not be reached (the lock screen then says it once). */
export function noticeSaysUnreachable(notice: Notice | null): boolean {
  return notice !== null && noticeShown[notice.code] === unreachable;
}

/** The heading and the sentence a notice is shown with. */
export function noticeWords(notice: Notice): { title: string; text: string } {
  const shown = noticeShown[notice.code];
  return { title: shown.title, text: shown.text ?? notice.message };
}
