// Proves the layering rules bite: each snippet below breaks one layer's allowlist (or core's
// purity), and ESLint with the project's real config must report it with the expected rule.
// The allowed snippets must lint clean, so a rule that fires on everything fails here too.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

interface Finding {
  ruleId: string;
  message: string;
}

async function findingsFor(filePath: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => ({ ruleId: m.ruleId ?? `fatal: ${m.message}`, message: m.message }));
}

const layers = 'layers/allowed-imports';
const globals = 'no-restricted-globals';
const properties = 'no-restricted-properties';
const electron = '@typescript-eslint/no-restricted-imports';
const syntax = 'no-restricted-syntax';

/** [what, file, code, the rule that must report it] */
const violations: Array<[string, string, string, string]> = [
  // The gaps the old per-folder denylists let through.
  [
    'main/services may not import an adapter',
    'main/services/bad.ts',
    "import { registerIpc } from '../adapters/ipc-server';\nexport const x = registerIpc;\n",
    layers,
  ],
  [
    'main/adapters may not value-import a service',
    'main/adapters/bad.ts',
    "import { createAudit } from '../services/audit';\nexport const x = createAudit;\n",
    layers,
  ],
  [
    'main/core may not import zod',
    'main/core/bad.ts',
    "import * as z from 'zod';\nexport const s = z.string();\n",
    layers,
  ],
  [
    'main/core may not import jose',
    'main/core/bad.ts',
    "import { decodeJwt } from 'jose';\nexport const d = decodeJwt;\n",
    layers,
  ],
  [
    'main/core may not import types from jose either',
    'main/core/bad.ts',
    "import type { JWTPayload } from 'jose';\nexport type P = JWTPayload;\n",
    layers,
  ],
  [
    'main/core may not import the contract',
    'main/core/bad.ts',
    "import { limits } from '../../preload/contract';\nexport const l = limits;\n",
    layers,
  ],
  [
    'main/core may not import types from the contract',
    'main/core/session/bad.ts',
    "import type { SessionView } from '../../../preload/contract';\nexport type V = SessionView;\n",
    layers,
  ],
  [
    'main/core may not import the sandbox',
    'main/core/bad.ts',
    "import { SANDBOX_CLINICIANS } from '../../sandbox/clinicians';\nexport const c = SANDBOX_CLINICIANS;\n",
    layers,
  ],
  [
    'main/services may not import the sandbox',
    'main/services/bad.ts',
    "import { startSandbox } from '../../sandbox/provider';\nexport const s = startSandbox;\n",
    layers,
  ],
  [
    'main/services may not import tests',
    'main/services/drafts/bad.ts',
    "import { openVault } from '../../../test/services/drafts/fixtures';\nexport const o = openVault;\n",
    layers,
  ],
  [
    'main/services may not import benchmarks',
    'main/services/bad.ts',
    "import { x } from '../../bench/lib/stats';\nexport const y = x;\n",
    layers,
  ],
  [
    'main/index.ts may not import the sandbox',
    'main/index.ts',
    "import { startSandbox } from '../sandbox/provider';\nexport const s = startSandbox;\n",
    layers,
  ],
  [
    'main/composition (the composition root’s parts) may not import the sandbox',
    'main/composition/bad.ts',
    "import { startSandbox } from '../../sandbox/provider';\nexport const s = startSandbox;\n",
    layers,
  ],
  [
    'main/composition may not import tests',
    'main/composition/bad.ts',
    "import { startHarness } from '../../test/harness/harness';\nexport const s = startHarness;\n",
    layers,
  ],
  [
    'main/cli may not import tests',
    'main/cli/bad.ts',
    "import { x } from '../../test/harness/cli';\nexport const y = x;\n",
    layers,
  ],
  ['main/core may not use Buffer', 'main/core/bad.ts', "export const b = Buffer.from('x');\n", globals],
  ['main/core may not use fetch', 'main/core/bad.ts', "export const f = fetch('https://example.nhs.uk');\n", globals],
  ['main/core may not use crypto', 'main/core/bad.ts', 'export const id = crypto.randomUUID();\n', globals],
  ['main/core may not use document', 'main/core/bad.ts', 'export const t = document.title;\n', globals],
  ['main/core may not use console', 'main/core/bad.ts', "console.log('x');\n", globals],
  [
    'main/core may not reach fetch through globalThis',
    'main/core/bad.ts',
    "export const f = globalThis.fetch('x');\n",
    properties,
  ],
  [
    'main/core may not reach globals by a computed name',
    'main/core/bad.ts',
    "export const d = globalThis['Da' + 'te'];\n",
    'no-restricted-syntax',
  ],
  ['main/core may not use Math.random', 'main/core/bad.ts', 'export const r = Math.random();\n', properties],
  [
    'main/core may not import node:fs dynamically',
    'main/core/bad.ts',
    "export const load = () => import('node:fs');\n",
    layers,
  ],
  [
    'main/core may not import a computed module name',
    'main/core/bad.ts',
    'export const load = (name: string) => import(name);\n',
    layers,
  ],
  ['main/core may not require()', 'main/core/bad.cts', "const fs = require('fs');\nmodule.exports = fs;\n", layers],
  ['main/core may not re-export a package', 'main/core/bad.ts', "export { z } from 'zod';\n", layers],
  ['main/core may not re-export a package wholesale', 'main/core/bad.ts', "export * from 'jose';\n", layers],
  [
    'main/core may not import = require()',
    'main/core/bad.ts',
    "import fs = require('node:fs');\nexport const x = fs;\n",
    layers,
  ],
  [
    'main/core may not name a package in a type',
    'main/core/bad.ts',
    "export type P = import('jose').JWTPayload;\n",
    layers,
  ],
  // The rules the denylists held before.
  [
    'main/core may not import electron',
    'main/core/bad.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    layers,
  ],
  [
    'main/core may not import node:*',
    'main/core/bad.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    layers,
  ],
  [
    'main/core may not import bare fs',
    'main/core/bad.ts',
    "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n",
    layers,
  ],
  [
    'main/core may not import fs/promises',
    'main/core/bad.ts',
    "import { readFile } from 'fs/promises';\nexport const x = readFile;\n",
    layers,
  ],
  [
    'main/core may not import services',
    'main/core/bad.ts',
    "import { x } from '../services/thing';\nexport const y = x;\n",
    layers,
  ],
  [
    'main/core may not import adapters',
    'main/core/session/bad.ts',
    "import { x } from '../../adapters/windows';\nexport const y = x;\n",
    layers,
  ],
  ['main/core may not read Date', 'main/core/bad.ts', 'export const now = Date.now();\n', globals],
  [
    'main/core may not use setTimeout',
    'main/core/bad.ts',
    'export const t = setTimeout(() => undefined, 1);\n',
    globals,
  ],
  [
    'main/core may not use setInterval',
    'main/core/bad.ts',
    'export const t = setInterval(() => undefined, 1);\n',
    globals,
  ],
  ['main/core may not use process', 'main/core/bad.ts', 'export const e = process.env;\n', globals],
  [
    'main/core may not reach Date through globalThis',
    'main/core/bad.ts',
    'export const now = globalThis.Date.now();\n',
    properties,
  ],
  [
    'main/services may not import electron',
    'main/services/bad.ts',
    "import { shell } from 'electron';\nexport const x = shell;\n",
    layers,
  ],
  [
    'main/services may import only types from the contract',
    'main/services/bad.ts',
    "import { DraftSchema } from '../../preload/contract';\nexport const x = DraftSchema;\n",
    layers,
  ],
  [
    'main/services may not use an unlisted package',
    'main/services/bad.ts',
    "import express from 'express';\nexport const x = express;\n",
    layers,
  ],
  [
    'main/index.ts may not import electron itself (its modules come through main/adapters/electron-main)',
    'main/index.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    layers,
  ],
  [
    'main/composition may not import electron itself (its modules come through main/adapters/electron-main)',
    'main/composition/bad.ts',
    "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n",
    layers,
  ],
  [
    'main/composition may not import electron’s types either',
    'main/composition/bad.ts',
    "import type { App } from 'electron';\nexport type X = App;\n",
    layers,
  ],
  [
    'main/cli may not import electron',
    'main/cli/bad.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    layers,
  ],
  [
    'preload/index.ts may import only types from the contract',
    'preload/index.ts',
    "import { DraftSchema } from './contract';\nexport const x = DraftSchema;\n",
    layers,
  ],
  [
    'preload/index.ts may not import zod',
    'preload/index.ts',
    "import * as z from 'zod';\nexport const x = z;\n",
    layers,
  ],
  [
    'preload/index.ts may not import main',
    'preload/index.ts',
    "import { x } from '../main/core/clock';\nexport const y = x;\n",
    layers,
  ],
  [
    'the contract may not import services',
    'preload/contract.ts',
    "import { x } from '../main/services/audit';\nexport const y = x;\n",
    layers,
  ],
  [
    'the contract may not import Node',
    'preload/channels.ts',
    "import { EventEmitter } from 'node:events';\nexport const y = EventEmitter;\n",
    layers,
  ],
  [
    'the contract may not import electron',
    'preload/contract.ts',
    "import { ipcMain } from 'electron';\nexport const y = ipcMain;\n",
    layers,
  ],
  [
    'sandbox may not import electron',
    'sandbox/bad.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    layers,
  ],
  [
    'sandbox may not import the app',
    'sandbox/bad.ts',
    "import { createAudit } from '../main/services/audit';\nexport const x = createAudit;\n",
    layers,
  ],
  [
    'renderer may not import electron',
    'renderer/bad.tsx',
    "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
    layers,
  ],
  [
    'renderer may not import node:*',
    'renderer/bad.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    layers,
  ],
  [
    'renderer may not import main code',
    'renderer/bad.ts',
    "import { x } from '../main/core/session';\nexport const y = x;\n",
    layers,
  ],
  [
    'renderer may not import main types',
    'renderer/screens/bad.ts',
    "import type { Instant } from '../../main/core/clock';\nexport type I = Instant;\n",
    layers,
  ],
  [
    'renderer may not import the preload script',
    'renderer/bad.ts',
    "import { x } from '../preload/index';\nexport const y = x;\n",
    layers,
  ],
  [
    'renderer may not import channel names',
    'renderer/bad.ts',
    "import { viewChannel } from '../preload/channels';\nexport const y = viewChannel;\n",
    layers,
  ],
  [
    'renderer may import only types from the contract',
    'renderer/bad.ts',
    "import { methodChannels } from '../preload/contract';\nexport const y = methodChannels;\n",
    layers,
  ],
  [
    'renderer may not mix a value into a contract import',
    'renderer/bad.ts',
    "import { type Draft, limits } from '../preload/contract';\nexport const y: Draft | typeof limits = limits;\n",
    layers,
  ],
  ['renderer may not import zod', 'renderer/bad.ts', "import * as z from 'zod';\nexport const y = z;\n", layers],
  [
    'tests may not value-import electron',
    'test/bad.test.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    electron,
  ],
  [
    'test/adapters may import only types from electron',
    'test/adapters/bad.test.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    electron,
  ],
  [
    'renderer/vite.config.ts may not import electron',
    'renderer/vite.config.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    electron,
  ],
  [
    'bench may not import electron',
    'bench/bad.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    electron,
  ],
  ['relay may not import electron', 'relay/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", layers],
  [
    'relay may not import the session service',
    'relay/bad.ts',
    "import { createSessionService } from '../main/services/session/session-service';\nexport const x = createSessionService;\n",
    layers,
  ],
  [
    'relay may not import the shell’s relay client beyond its protocol',
    'relay/bad.ts',
    "import { x } from '../main/services/relay-client/client';\nexport const y = x;\n",
    layers,
  ],
  [
    'relay may not import the sandbox',
    'relay/bad.ts',
    "import { startSandbox } from '../sandbox/provider';\nexport const s = startSandbox;\n",
    layers,
  ],
  [
    'relay may not use an unlisted package',
    'relay/bad.ts',
    "import express from 'express';\nexport const x = express;\n",
    layers,
  ],
  [
    'relay may not import the shell’s logout receiver (only the validator and the keys)',
    'relay/bad.ts',
    "import { createLogoutReceiver } from '../main/services/oidc/logout-receiver';\nexport const x = createLogoutReceiver;\n",
    layers,
  ],
  [
    'relay may not import core beyond the three modules it shares',
    'relay/bad.ts',
    "import { resolvePolicy } from '../main/core/policy';\nexport const x = resolvePolicy;\n",
    layers,
  ],
  // One https-or-loopback rule (main/core/http-scheme.ts): a second definition is refused.
  [
    'main/services may not compare a scheme with http: (a second https-or-loopback rule)',
    'main/services/oidc/bad.ts',
    "export const plain = (url: URL): boolean => url.protocol === 'http:' && url.hostname === '127.0.0.1';\n",
    syntax,
  ],
  [
    'main/adapters may not compare a scheme with https:',
    'main/adapters/bad.ts',
    "export const secure = (url: URL): boolean => url.protocol !== 'https:';\n",
    syntax,
  ],
  [
    'main/adapters may not compare with the literal on the left either',
    'main/adapters/bad.ts',
    "export const secure = (url: URL): boolean => 'https:' === url.protocol;\n",
    syntax,
  ],
  [
    'relay may not compare a scheme with https:',
    'relay/bad.ts',
    "export const secure = (url: URL): boolean => url.protocol === 'https:' || url.protocol === 'wss:';\n",
    syntax,
  ],
  [
    'relay may not switch on a scheme',
    'relay/bad.ts',
    "export function secure(url: URL): boolean {\n  switch (url.protocol) {\n    case 'ws:':\n      return false;\n    default:\n      return true;\n  }\n}\n",
    syntax,
  ],
  [
    'another main/core module may not define the rule again',
    'main/core/bad.ts',
    "export const plain = (protocol: string): boolean => protocol === 'http:';\n",
    syntax,
  ],
  [
    'main/core/http-scheme.ts stays pure: no host globals by a computed name',
    'main/core/http-scheme.ts',
    "export const d = globalThis['Da' + 'te'];\n",
    syntax,
  ],
  [
    'main/services may not import the relay',
    'main/services/bad.ts',
    "import { startRelay } from '../../relay/relay';\nexport const x = startRelay;\n",
    layers,
  ],
  // The OS is called from main/platform/ only: native FFI, D-Bus, the credential store, programs.
  ...(['koffi', '@particle/dbus-next', '@napi-rs/keyring'] as const).flatMap(
    (pkg): Array<[string, string, string, string]> => [
      [
        `main/services may not import ${pkg}`,
        'main/services/presence/bad.ts',
        `import x from '${pkg}';\nexport const y = x;\n`,
        layers,
      ],
      [
        `main/services may not import ${pkg}'s types either`,
        'main/services/bad.ts',
        `import type * as X from '${pkg}';\nexport type Y = typeof X;\n`,
        layers,
      ],
      [
        `main/adapters may not import ${pkg}`,
        'main/adapters/bad.ts',
        `import x from '${pkg}';\nexport const y = x;\n`,
        layers,
      ],
      [
        `main/index.ts may not import ${pkg}`,
        'main/index.ts',
        `import x from '${pkg}';\nexport const y = x;\n`,
        layers,
      ],
      [
        `main/composition may not import ${pkg}`,
        'main/composition/bad.ts',
        `import x from '${pkg}';\nexport const y = x;\n`,
        layers,
      ],
      [`main/cli may not import ${pkg}`, 'main/cli/bad.ts', `import x from '${pkg}';\nexport const y = x;\n`, layers],
      [`main/core may not import ${pkg}`, 'main/core/bad.ts', `import x from '${pkg}';\nexport const y = x;\n`, layers],
      [`relay may not import ${pkg}`, 'relay/bad.ts', `import x from '${pkg}';\nexport const y = x;\n`, layers],
    ],
  ),
  [
    'main/services may not run a program (child_process is main/platform’s)',
    'main/services/policy/bad.ts',
    "import { execFile } from 'node:child_process';\nexport const x = execFile;\n",
    electron,
  ],
  [
    'main/adapters may not run a program either',
    'main/adapters/bad.ts',
    "import { spawn } from 'child_process';\nexport const x = spawn;\n",
    electron,
  ],
  [
    'main/platform may not import a service',
    'main/platform/bad.ts',
    "import { createAudit } from '../services/audit';\nexport const x = createAudit;\n",
    layers,
  ],
  [
    'main/platform may not import electron',
    'main/platform/bad.ts',
    "import { app } from 'electron';\nexport const x = app;\n",
    layers,
  ],
  [
    'main/platform may not import an adapter',
    'main/platform/bad.ts',
    "import { x } from '../adapters/windows';\nexport const y = x;\n",
    layers,
  ],
  [
    'main/core may not import the platform layer',
    'main/core/bad.ts',
    "import { loadPcsc } from '../platform/pcsc';\nexport const x = loadPcsc;\n",
    layers,
  ],
];

/** [what, file, code] */
const allowed: Array<[string, string, string]> = [
  [
    'main/core may import its own modules',
    'main/core/ok.ts',
    "import type { Aal } from './assurance-level';\nexport const a: Aal = 'AAL3';\n",
  ],
  [
    'main/core may import across core',
    'main/core/session/ok.ts',
    "import { invariant } from '../errors';\nexport { invariant };\nexport * from './vocabulary';\n",
  ],
  [
    'main/core may import a sibling named like a Node module',
    'main/core/session/ok.ts',
    "import type { EventPayloads } from './events';\nexport type E = EventPayloads;\n",
  ],
  [
    'main/services may use node:*, bare builtins and Date',
    'main/services/ok.ts',
    "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\nexport const x = [readFileSync, join, Date.now()];\n",
  ],
  [
    'main/services may use their libraries',
    'main/services/ok.ts',
    "import * as z from 'zod';\nimport { decodeJwt } from 'jose';\nimport pino from 'pino';\nimport * as client from 'openid-client';\nexport const x = [z, decodeJwt, pino, client];\n",
  ],
  [
    'main/platform may import the OS libraries, Node and core',
    'main/platform/ok.ts',
    "import koffi from 'koffi';\nimport dbus from '@particle/dbus-next';\nimport { Entry } from '@napi-rs/keyring';\nimport { execFile } from 'node:child_process';\nimport { scard } from '../core/smartcard';\nexport const x = [koffi, dbus, Entry, execFile, scard];\n",
  ],
  [
    'main/services may import the platform layer’s ports',
    'main/services/presence/ok.ts',
    "import { loadPcsc } from '../../platform/pcsc';\nimport type { OpenDbus } from '../../platform/dbus';\nexport const x = loadPcsc;\nexport type D = OpenDbus;\n",
  ],
  [
    'main/adapters may import the platform layer',
    'main/adapters/ok.ts',
    "import { loadWtsApi } from '../platform/wts';\nexport const x = loadWtsApi;\n",
  ],
  [
    'main/services may import core and other services',
    'main/services/drafts/ok.ts',
    "import { invariant } from '../../core/errors';\nimport { createAudit } from '../audit';\nexport const x = [invariant, createAudit];\n",
  ],
  [
    'main/services may import types from the contract',
    'main/services/ok.ts',
    "import type { SessionView } from '../../preload/contract';\nexport type V = SessionView;\n",
  ],
  [
    'main/services may import contract types inline',
    'main/services/ok.ts',
    "import { type Draft, type SessionView } from '../../preload/contract';\nexport type V = Draft | SessionView;\n",
  ],
  [
    'main/services may load Node modules dynamically',
    'main/services/ok.ts',
    "export const load = () => import('node:v8');\n",
  ],
  [
    'main/adapters may import electron, core and the contract',
    'main/adapters/ok.ts',
    "import { app } from 'electron';\nimport { dispatch } from '../../preload/contract';\nimport { isShellError } from '../core/errors';\nexport const x = [app, dispatch, isShellError];\n",
  ],
  [
    'main/adapters may import the services’ types',
    'main/adapters/ok.ts',
    "import type { AppServices } from '../services/compose';\nexport type S = AppServices;\n",
  ],
  [
    'main/adapters may re-export a service type',
    'main/adapters/ok.ts',
    "export type { AppServices } from '../services/compose';\n",
  ],
  [
    'main/index.ts may wire every main layer, with Electron from main/adapters/electron-main',
    'main/index.ts',
    "import { app } from './adapters/electron-main';\nimport { join } from 'node:path';\nimport { registerIpc } from './adapters/ipc-server';\nimport { createAudit } from './services/audit';\nimport { isShellError } from './core/errors';\nexport const x = [app, join, registerIpc, createAudit, isShellError];\n",
  ],
  [
    'main/composition (the composition root’s parts) may wire Electron (from main/adapters/electron-main), the adapters and the services',
    'main/composition/ok.ts',
    "import { app } from '../adapters/electron-main';\nimport { join } from 'node:path';\nimport { registerIpc } from '../adapters/ipc-server';\nimport { startPresence } from '../services/presence/start';\nimport { createAudit } from '../services/audit';\nexport const x = [app, join, registerIpc, startPresence, createAudit];\n",
  ],
  [
    'main/cli may use services and Node',
    'main/cli/ok.ts',
    "import { parseArgs } from 'node:util';\nimport { createAudit } from '../services/audit';\nexport const x = [parseArgs, createAudit];\n",
  ],
  [
    'preload/index.ts may import electron, channels and contract types',
    'preload/index.ts',
    "import { contextBridge } from 'electron';\nimport { viewChannel } from './channels';\nimport type { ShellApi } from './contract';\nexport const x: [unknown, string, ShellApi | null] = [contextBridge, viewChannel, null];\n",
  ],
  [
    'the contract may import zod, the channels and core',
    'preload/contract.ts',
    "import * as z from 'zod';\nimport { methodChannels } from './channels';\nimport { lockReasons } from '../main/core/session/vocabulary';\nexport const x = [z, methodChannels, lockReasons];\n",
  ],
  [
    'renderer may import types from the contract',
    'renderer/ok.ts',
    "import type { ShellApi } from '../preload/contract';\nexport type X = ShellApi;\n",
  ],
  [
    'renderer may use React, zustand, NHS styles and its own files',
    'renderer/screens/ok.tsx',
    "import { useState } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport { createStore } from 'zustand/vanilla';\nimport 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';\nimport { words } from '../words';\nexport const x = [useState, createRoot, createStore, words];\n",
  ],
  [
    'renderer/vite.config.ts is build tooling, not the renderer',
    'renderer/vite.config.ts',
    "import { fileURLToPath } from 'node:url';\nimport { defineConfig } from 'vite';\nexport const x = [fileURLToPath, defineConfig];\n",
  ],
  [
    'sandbox may use Node, jose and oidc-provider',
    'sandbox/ok.ts',
    "import { createServer } from 'node:http';\nimport { SignJWT } from 'jose';\nimport Provider from 'oidc-provider';\nimport { clinicianById } from './clinicians';\nexport const x = [createServer, SignJWT, Provider, clinicianById];\n",
  ],
  [
    'relay may use Node, its libraries, the shared logout-token validator, issuer keys, workstation protocol and https rule',
    'relay/ok.ts',
    "import { createServer } from 'node:http';\nimport { WebSocketServer } from 'ws';\nimport { Redis } from 'ioredis';\nimport { pino } from 'pino';\nimport * as z from 'zod';\nimport { compactVerify } from 'jose';\nimport { createLogoutTokenValidator } from '../main/services/oidc/backchannel-logout';\nimport { discoverIssuerKeys } from '../main/services/oidc/issuer-keys';\nimport { parseWorkstationMessage } from '../main/services/relay-client/protocol';\nimport { isHttpsOrLoopback } from '../main/core/http-scheme';\nimport { startRelay } from './relay';\nexport const x = [createServer, WebSocketServer, Redis, pino, z, compactVerify, createLogoutTokenValidator, discoverIssuerKeys, parseWorkstationMessage, isHttpsOrLoopback, startRelay];\n",
  ],
  [
    'main/core/http-scheme.ts is where the https-or-loopback rule compares schemes',
    'main/core/http-scheme.ts',
    "export const isTls = (protocol: string): boolean => protocol === 'https:' || protocol === 'wss:';\n",
  ],
  [
    'main/services may call the one rule, and name a scheme outside a comparison',
    'main/services/oidc/ok.ts',
    "import { isHttpsOrLoopback, transportOf } from '../../core/http-scheme';\nexport const ok = (url: URL): boolean => isHttpsOrLoopback(url);\nexport const ws = (url: URL): void => {\n  url.protocol = transportOf(url) === 'tls' ? 'wss:' : 'ws:';\n};\n",
  ],
  [
    'sandbox and tests may still compare schemes (outside main/ and relay/)',
    'sandbox/ok.ts',
    "export const plain = (url: URL): boolean => url.protocol === 'http:';\n",
  ],
  [
    'tests may import anything but electron',
    'test/ok.test.ts',
    "import { startSandbox } from '../sandbox/provider';\nimport { createAudit } from '../main/services/audit';\nimport { registerIpc } from '../main/adapters/ipc-server';\nexport const x = [startSandbox, createAudit, registerIpc];\n",
  ],
  [
    'test/adapters may import electron’s types',
    'test/adapters/ok.test.ts',
    "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
  ],
];

describe('layering lint', () => {
  it.each(violations)('fails: %s', async (_name, filePath, code, ruleId) => {
    expect((await findingsFor(filePath, code)).map((f) => f.ruleId)).toContain(ruleId);
  });

  it.each(allowed)('passes: %s', async (_name, filePath, code) => {
    expect(await findingsFor(filePath, code)).toEqual([]);
  });

  it('says which layer, what it imported, and what that layer may import', async () => {
    const [finding] = await findingsFor(
      'main/services/bad.ts',
      "import { registerIpc } from '../adapters/ipc-server';\nexport const x = registerIpc;\n",
    );
    expect(finding?.ruleId).toBe(layers);
    expect(finding?.message).toContain('main/services may not import');
    expect(finding?.message).toContain('main/adapters/ipc-server');
    expect(finding?.message).toMatch(/may import: .*main\/core\/\*\*.*zod.*`import type` only: preload\/contract/);
  });

  it('tells a value import of an allowed type to use `import type`', async () => {
    const [finding] = await findingsFor(
      'renderer/bad.ts',
      "import { limits } from '../preload/contract';\nexport const y = limits;\n",
    );
    expect(finding?.message).toContain('use `import type`');
  });
});
