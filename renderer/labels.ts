/**
 * The names on the screens: headings, field and list labels, button names, and what a screen
 * reader hears for the logo and the banner. The sentences are in words.ts (a feature's own
 * buttons, such as "Sign in again now", stay beside its sentences there). The screens hold no
 * text of their own (test/renderer/words-only.test.ts).
 */

export const nhsLogoName = 'NHS';
export const skipLinkText = 'Skip to main content';
/** In the workspace banner and on the lock screen, for a clinician without a role. */
export const noRoleSelected = 'No role selected';

/** Before main's first view (renderer/App.tsx), and when main never answers. */
export const connectingLabels = { starting: 'Starting…', notResponding: 'The shell is not responding' } as const;

export const signInLabels = { title: 'Sign in to this workstation', button: 'Sign in' } as const;
export const signingInLabels = { title: 'Continue in your browser', tryAgain: 'Try again', cancel: 'Cancel' } as const;
export const endedLabels = { title: 'Session ended', button: 'Sign in' } as const;

/** The lock screen: its heading, the names of what it shows, its buttons. */
export const lockedLabels = {
  title: 'This workstation is locked',
  lockedBy: 'Locked by',
  lockedAt: 'Locked at',
  role: 'Role',
  unlock: 'Unlock',
  signInAgain: 'Sign in again',
  someoneElse: 'Sign in as someone else',
} as const;

/** The workspace: its heading, the banner's name for a screen reader, its buttons, the storage warning's label. */
export const workspaceLabels = {
  title: 'Clinical workspace',
  banner: 'Who is signed in',
  lock: 'Lock',
  signOut: 'Sign out',
  important: 'Important',
} as const;

/** The workspace's note while NHS Care Identity cannot be reached (its sentences are in words.ts). */
export const cis2UnreachableLabels = { title: 'Cannot reach NHS Care Identity' } as const;

export const idleWarningLabels = { title: 'Are you still there?', button: "I'm still here" } as const;

/** The note: its fields, and how loading and saving it is going (a failed save is a sentence in words.ts). */
export const draftLabels = {
  patient: 'Patient (name or NHS number)',
  note: 'Clinical note',
  loading: 'Loading your note…',
  saving: 'Saving…',
  saved: 'Saved',
  retry: 'Try saving again',
} as const;

/** The test-environment banner's name for a screen reader (its words are in words-environment.ts). */
export const environmentBannerLabel = 'Sign-in service';
