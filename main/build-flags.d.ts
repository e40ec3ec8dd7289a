/**
 * Whether this is a development build: the CWS_* development overrides (CWS_POLICY_FILE,
 * CWS_SANDBOX_ISSUER, CWS_SANDBOX_RELAY, CWS_SANDBOX_CLIENT_ID) and DevTools exist only then.
 *
 * esbuild's `define` (scripts/main-bundle.mjs) inlines `false` in the production bundle that
 * `npm run build` and `npm run package:*` ship, and `true` in the bundle `npm start` builds
 * (`build-main.mjs --development`); with `minifySyntax` the production bundle then does not
 * contain the development code paths at all (test/services/main-bundle.test.ts). Under tsx and
 * vitest no define is applied and the name is undeclared at run time, so every use is written
 * `(typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__)`: unbundled code (tests, the harness) runs
 * as development, and the bundle folds the test to a constant. Never read it any other way.
 */
declare const __CWS_DEV__: boolean | undefined;
