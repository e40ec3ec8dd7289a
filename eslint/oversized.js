// The production files still over the size rules (eslint.config.js: 300 lines a file, 80 a
// function), each to be split by responsibility. The list only shrinks: test/lint/size.test.ts
// fails when an entry here is no longer over its limit, so a split file leaves the list with it.
export const oversized = {
  /** Files of more than 300 lines. */
  files: [
    'main/services/audit.ts',
  ],
  /** Files with a function of more than 80 lines. */
  functionsIn: [
    'main/services/audit.ts',
    'main/services/drafts/sealed-folder.ts',
    'main/services/drafts/vault.ts',
    'main/services/secret-store/local-sealed.ts',
    'main/services/session/effects.ts',
    'main/services/session/session-loop.ts',
    'main/services/session/sign-in-attempts.ts',
    'main/services/tokens/token-holder.ts',
    'renderer/screens/SessionEndingSoon.tsx',
    'renderer/store.ts',
  ],
};
