// Lint holds the app's layers: each layer imports only what its allowlist below names, and a
// violation fails `npm run lint`. test/lint/ proves every rule here bites and lets through what
// it should.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint/layers.js';

/** What main/services uses beyond Node: the OIDC client, tokens, schemas, logging, macOS policy files. */
const serviceLibraries = ['openid-client', 'jose', 'zod', 'pino', 'pino-roll', 'plist', 'bplist-parser'];

/**
 * The libraries that call the OS: native FFI (koffi: PC/SC, the Win32 WTS calls), D-Bus (logind,
 * the screen saver) and the OS credential store. Only main/platform/ may import them.
 */
const platformLibraries = ['koffi', '@particle/dbus-next', '@napi-rs/keyring'];

/**
 * The layers, innermost first. A file belongs to the first layer whose `files` match it and
 * may import its own layer's files plus what `allow` names; `allowTypes` adds targets it may
 * import with `import type` only. Files in no layer (test/, bench/, scripts/, root config) are
 * not checked here, apart from the 'electron' rule further down.
 */
const layerList = [
  // core is pure: time and I/O are parameters, so it imports nothing but itself, types included.
  { name: 'main/core', files: ['main/core/**'], allow: {} },
  // platform is every call into the OS through a native module, a system bus or a system program:
  // PC/SC, D-Bus, the Win32 WTS calls, the credential store, reg.exe and icacls.exe. Each file is
  // a small port (an interface) and its real implementation; nothing here knows a service.
  {
    name: 'main/platform',
    files: ['main/platform/**'],
    allow: { paths: ['main/core/**'], node: true, packages: platformLibraries },
  },
  // services do the I/O, through Node and their libraries, and reach the OS through platform's
  // ports. They meet the renderer only through the contract's types, and know nothing of
  // Electron or the adapters that host them.
  {
    name: 'main/services',
    files: ['main/services/**'],
    allow: { paths: ['main/core/**', 'main/platform/**'], node: true, packages: serviceLibraries },
    // sonic-boom: the stream type pino-roll's declaration (main/services/pino-roll.d.ts) returns.
    allowTypes: { paths: ['preload/contract'], packages: ['sonic-boom'] },
  },
  // adapters put Electron behind the services' ports: they see the ports' types, never a service.
  {
    name: 'main/adapters',
    files: ['main/adapters/**'],
    // platform: the Win32 session-notification calls behind adapters/wts-session.ts. ws and
    // https-proxy-agent: the relay channel's WebSocket through the proxy Chromium names
    // (adapters/relay-socket.ts).
    allow: {
      paths: ['main/core/**', 'main/platform/**', 'preload/contract', 'preload/channels'],
      node: true,
      packages: ['electron', 'ws', 'https-proxy-agent'],
    },
    allowTypes: { paths: ['main/services/**'] },
  },
  // The composition root wires every main layer together and starts Electron, whose modules it
  // takes from main/adapters/electron-main.ts: it never imports 'electron' itself. Its entry
  // point is main/index.ts, its parts are in main/composition/.
  {
    name: 'the composition root (main/index.ts, main/composition/)',
    files: ['main/index.ts', 'main/composition/**'],
    allow: { paths: ['main/**', 'preload/contract'], node: true, packages: serviceLibraries },
  },
  // Command-line tools: the services without Electron.
  {
    name: 'main/cli',
    files: ['main/cli/**'],
    allow: { paths: ['main/**', 'preload/contract'], node: true, packages: serviceLibraries },
  },
  // The bridge runs in the renderer's preload: channel names and Electron's ipcRenderer, no more.
  {
    name: 'preload/index.ts (the bridge)',
    files: ['preload/index.ts'],
    allow: { paths: ['preload/channels'], packages: ['electron'] },
    allowTypes: { paths: ['preload/contract'] },
  },
  // The contract is loaded by main, the bridge and (as types) the renderer: zod and pure core only.
  {
    name: 'preload/contract',
    files: ['preload/contract.ts', 'preload/channels.ts', 'preload/views.ts'],
    allow: { paths: ['main/core/**'], packages: ['zod'] },
  },
  // The renderer is sandboxed web content: React, its store, NHS styles, and the contract's types.
  {
    name: 'renderer',
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    allow: { packages: ['react', 'react-dom', 'zustand', 'nhsuk-frontend'] },
    allowTypes: { paths: ['preload/contract'] },
  },
  // The sandbox is a stand-in identity provider for development and tests, independent of the app.
  {
    name: 'sandbox',
    files: ['sandbox/**'],
    ignores: ['sandbox/cli.ts'],
    allow: { node: true, packages: ['jose', 'oidc-provider'] },
  },
  // `npm run sandbox` runs the stand-in CIS2 and the trust's relay together, as on a ward.
  { name: 'sandbox/cli.ts', files: ['sandbox/cli.ts'], allow: { paths: ['sandbox/**', 'relay/**'], node: true } },
  // The back-channel logout relay runs on the trust's servers, not in the app. From main it shares
  // exactly eight modules: the logout-token validator, the issuer's keys (discovery and key set),
  // the workstation channel's protocol, the https-or-loopback rule, the one audience rule for ID
  // and logout tokens, the finite-number guard of the claims' times, and the pure retry schedule
  // and listener set from core. Its packages: jose,
  // zod, pino, ws, ioredis and prom-client (metrics).
  {
    name: 'relay',
    files: ['relay/**'],
    allow: {
      paths: [
        'main/services/oidc/backchannel-logout',
        'main/services/oidc/issuer-keys',
        'main/services/relay-client/protocol',
        'main/core/http-scheme',
        'main/core/audience',
        'main/core/finite',
        'main/core/backoff',
        'main/core/emitter',
      ],
      node: true,
      packages: ['jose', 'zod', 'pino', 'ws', 'ioredis', 'prom-client'],
    },
  },
];

const electronOnlyHere = ['main/adapters/**', 'preload/index.ts'];

const noElectron = {
  name: 'electron',
  message:
    "Only main/adapters/ and preload/index.ts may import 'electron' (the composition root takes Electron's modules from main/adapters/electron-main.ts).",
};

/**
 * One https-or-loopback rule: main/core/http-scheme.ts is the only place in main/ and relay/ that
 * compares a scheme with 'http:', 'https:', 'ws:' or 'wss:' (a comparison or a switch case), so a
 * second definition of the rule fails here instead of drifting from the first.
 */
const oneSchemeRule = ['BinaryExpression > Literal', 'SwitchCase > Literal.test'].map((node) => ({
  selector: `${node}[value=/^(https?|wss?):$/]`,
  message:
    'Scheme checks live in main/core/http-scheme.ts (isHttpsOrLoopback, transportOf): the https-or-loopback rule has one definition.',
}));
const schemeRuleHome = 'main/core/http-scheme.ts';

/** core is pure: no clock, no timers, no I/O, no host objects. Each is a parameter instead. */
const coreGlobals = [
  ['Date', 'core is pure: time is a parameter (pass an Instant).'],
  ['performance', 'core is pure: time is a parameter.'],
  ['setTimeout', 'core is pure: it has no timers; return a deadline instead.'],
  ['setInterval', 'core is pure: it has no timers; return a deadline instead.'],
  ['setImmediate', 'core is pure: it has no timers; return a deadline instead.'],
  ['queueMicrotask', 'core is pure: it schedules nothing; return what should happen instead.'],
  ['process', 'core is pure: environment and process state are parameters.'],
  ['require', 'core is pure: it loads no modules at run time.'],
  ['Buffer', 'core is pure: no Node objects; work on strings and Uint8Array.'],
  ['fetch', 'core is pure: I/O is a parameter (the services do it).'],
  ['XMLHttpRequest', 'core is pure: I/O is a parameter (the services do it).'],
  ['WebSocket', 'core is pure: I/O is a parameter (the services do it).'],
  ['crypto', 'core is pure: randomness and keys are parameters (the services hold them).'],
  ['console', 'core is pure: it logs nothing; return what happened and let the caller log it.'],
  ['document', 'core is pure: no DOM; it runs in main and in tests alike.'],
  ['window', 'core is pure: no DOM; it runs in main and in tests alike.'],
  ['navigator', 'core is pure: no host objects; the platform is a parameter.'],
  ['localStorage', 'core is pure: storage is I/O (the services do it).'],
  ['sessionStorage', 'core is pure: storage is I/O (the services do it).'],
  ['structuredClone', 'core is pure: copy plain data explicitly (structuredClone is a host function).'],
  ['global', 'core is pure: no host globals.'],
  ['self', 'core is pure: no host globals.'],
];

const noComputedGlobals = {
  selector: "MemberExpression[computed=true][object.type='Identifier'][object.name='globalThis']",
  message: 'core is pure: no reaching host globals by a computed name.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      'test/lint/fixtures/**',
      'test/hardening/fixtures/**',
      // Stryker's working copy of the tree and its reports (npm run mutation).
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Plain JavaScript build and test scripts, and this config's own plugin, run on Node.
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', 'eslint/**/*.js', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  // Each layer imports only what its allowlist names.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { layers },
    rules: { 'layers/allowed-imports': ['error', { root: import.meta.dirname, layers: layerList }] },
  },
  // Outside the layers above (tests, benchmarks, scripts, root config) 'electron' is still
  // kept to the Electron layer: the layer allowlists already hold it everywhere else.
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: [...electronOnlyHere, ...layerList.flatMap((l) => l.files)],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] },
      ],
    },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] },
      ],
    },
  },
  // Running a program is calling the OS: in main it happens in main/platform/ only (programs.ts).
  {
    files: ['main/**/*.ts'],
    ignores: ['main/platform/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['child_process', 'node:child_process'].map((name) => ({
            name,
            message: 'Only main/platform/ runs programs (main/platform/programs.ts); take its port instead.',
          })),
        },
      ],
    },
  },
  // Adapter tests type their hand-written fake Electron against Electron's own types: types only.
  {
    files: ['test/adapters/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ ...noElectron, allowTypeImports: true }],
          patterns: [{ group: ['electron/*'], message: noElectron.message }],
        },
      ],
    },
  },
  // Size is kept by the linter, not by hand: a production file of more than 300 lines, or a
  // function of more than 80, is split by responsibility. Blank lines and comments count: a file
  // is read whole. Tests, benchmarks and fakes are exempt (a scenario or a fake of Electron's API
  // reads best in one place); the formatter (Prettier, width 120) keeps lines short.
  {
    files: [
      'main/**/*.ts',
      'preload/**/*.ts',
      'renderer/**/*.ts',
      'renderer/**/*.tsx',
      'relay/**/*.ts',
      'sandbox/**/*.ts',
      'scripts/**/*.mjs',
      'eslint/**/*.js',
    ],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: [
      'main/**/*.ts',
      'preload/**/*.ts',
      'renderer/**/*.ts',
      'renderer/**/*.tsx',
      'relay/**/*.ts',
      'sandbox/**/*.ts',
      'scripts/**/*.mjs',
      'eslint/**/*.js',
    ],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  // core is pure: time and I/O are parameters, so no clock, timer or host object is in reach.
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...coreGlobals.map(([name, message]) => ({ name, message }))],
      'no-restricted-properties': [
        'error',
        ...coreGlobals.map(([property, message]) => ({ object: 'globalThis', property, message })),
        { object: 'Math', property: 'random', message: 'core is pure: randomness is a parameter.' },
      ],
      'no-restricted-syntax': ['error', noComputedGlobals, ...oneSchemeRule],
    },
  },
  // The one https-or-loopback rule is defined once: everywhere else in main/ and relay/ a scheme
  // comparison is refused (core's block above adds the same selectors to its own).
  {
    files: ['main/**/*.ts', 'relay/**/*.ts'],
    ignores: ['main/core/**'],
    rules: { 'no-restricted-syntax': ['error', ...oneSchemeRule] },
  },
  { files: [schemeRuleHome], rules: { 'no-restricted-syntax': ['error', noComputedGlobals] } },
);
