// The production files still over the size rules (eslint.config.js: 300 lines a file, 80 a
// function), each to be split by responsibility. The list only shrinks: test/lint/size.test.ts
// fails when an entry here is no longer over its limit, so a split file leaves the list with it.
export const oversized = {
  /** Files of more than 300 lines. */
  files: [],
  /** Files with a function of more than 80 lines. */
  functionsIn: ['main/services/session/sign-in-attempts.ts'],
};
