// How the Electron main process is bundled: one place for scripts/build-main.mjs, the memory
// benchmark (bench/lib/shift-memory.ts) and test/services/main-bundle.test.ts, so what they
// measure and check is what ships.
import { dateFnsSubset } from './date-fns-subset.mjs';

// Loaded from node_modules at run time, not bundled: Electron itself; native modules; the
// development-only sandbox IdP; and the macOS plist parsers, which only a Mac ever loads and
// which would otherwise put about 0.4 MB of XML code (xmldom, xmlbuilder) into every ward PC's
// main bundle. electron-builder packages `dependencies` from node_modules beside the app.
export const mainExternals = [
  'electron',
  '@napi-rs/keyring',
  '@napi-rs/keyring-*',
  'koffi',
  'oidc-provider',
  'plist',
  'bplist-parser',
];

/**
 * @particle/dbus-next can read a session bus address from an X11 window property through the
 * optional 'x11' package, which it requires only on that path; the shell always gives it an
 * address (main/platform/dbus.ts), so the bundle gets null there, which the library
 * reports as "installed without x11 support" instead of the build failing to resolve it.
 */
const noX11 = {
  name: 'no-x11',
  setup(build) {
    build.onResolve({ filter: /^x11$/ }, () => ({ path: 'x11', namespace: 'no-x11' }));
    build.onLoad({ filter: /.*/, namespace: 'no-x11' }, () => ({ loader: 'js', contents: 'module.exports = null;' }));
  },
};

/**
 * esbuild options for the main bundle; callers add entry points and output. `development` is
 * the build constant `__CWS_DEV__` (main/build-flags.d.ts): false for what `npm run build` and
 * `npm run package:*` ship, true only for `npm start` (`build-main.mjs --development`).
 * `minifySyntax` folds `if (false)` branches away, so the production bundle does not contain the
 * development code paths (the CWS_* overrides, DevTools) at all; identifiers and whitespace stay.
 */
export function mainBundleOptionsFor({ development }) {
  return { ...baseOptions, define: { __CWS_DEV__: development ? 'true' : 'false' } };
}

const baseOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: mainExternals,
  plugins: [dateFnsSubset, noX11],
  // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none of its own.
  banner: {
    js: "import { createRequire as __shellCreateRequire } from 'node:module'; const require = __shellCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  minifySyntax: true,
};

/** The production bundle's options: what ships, and what the benchmark and tests measure. */
export const mainBundleOptions = mainBundleOptionsFor({ development: false });
