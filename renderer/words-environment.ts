/**
 * The words of the banner every screen shows when the workstation does not sign in to the live
 * NHS Care Identity service (main/core/environment.ts; renderer/screens/EnvironmentBanner.tsx):
 * a short tag, then a sentence saying which service it is and that it is not for patient care.
 * words.ts re-exports them with every other sentence (the word tests read them there). Live has
 * no entry: it shows no banner.
 */
import type { Workstation } from '../preload/contract';

type NotLive = Exclude<NonNullable<Workstation['environment']>, 'live'>;

export const environmentBannerText: Readonly<Record<NotLive, { readonly tag: string; readonly text: string }>> = {
  int: {
    tag: 'Test (INT)',
    text: 'This workstation signs in to the NHS Care Identity integration test service, not the live one. Do not use it for real patients.',
  },
  dep: {
    tag: 'Test (DEP)',
    text: 'This workstation signs in to the NHS Care Identity deployment test service, not the live one. Do not use it for real patients.',
  },
  sandbox: {
    tag: 'Development',
    text: 'This workstation signs in to a development copy of the sign-in service on this computer, not NHS Care Identity. Do not use it for real patients.',
  },
  other: {
    tag: 'Not live',
    text: 'This workstation does not sign in to the live NHS Care Identity service. Do not use it for real patients.',
  },
};

/**
 * When the logout relay refused this workstation as another environment's (docs/decisions.md, 35):
 * on every screen, Live included, until the shell restarts. Calm, and one thing to do.
 */
export const relayRefusedText = {
  tag: 'Tell IT',
  text: 'This workstation is not told when NHS Care Identity signs you out elsewhere, because it is set up with the logout service of another environment. It still locks when it is not used. Tell IT.',
} as const;
