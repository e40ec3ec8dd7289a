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
