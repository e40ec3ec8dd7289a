#!/usr/bin/env node
// `npm start`: the CIS2 sandbox and the trust's logout relay on loopback (sandbox/cli.ts), then
// the shell (Electron) pointed at both. They stop when the shell does. The sandbox prints the
// address of its "card reader" page: pull a clinician's card there and watch the ward PC lock.
import { spawn } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { createInterface } from 'node:readline';

// Find Electron first: without its binary there is nothing to start the sandbox for. The electron
// package (45) has no install step: the first `import('electron')` downloads the binary for this
// platform (node_modules/electron/index.js runs its install.js, through @electron/get), and throws
// when that download fails.
let electronPath;
try {
  electronPath = (await import('electron')).default;
} catch {
  electronPath = null;
}
if (typeof electronPath !== 'string') {
  console.error(
    [
      'The shell cannot start: the Electron binary is not here and could not be downloaded.',
      'Electron downloads it the first time the shell starts (not at npm install), from its release host on GitHub.',
      'Where that host is blocked:',
      "  - set ELECTRON_MIRROR to a mirror your network allows (for example your trust's artifact repository), then run npm start again;",
      "  - or copy the zip for this Electron version and platform into Electron's download cache (set electron_config_cache to use another folder), then run npm start again.",
      'You can also try the shell in a browser, without Electron: npm run harness.',
    ].join('\n'),
  );
  process.exit(1);
}

const sandbox = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopSandbox = () => {
  if (sandbox.exitCode === null) sandbox.kill('SIGTERM');
};
process.on('exit', stopSandbox);

let issuer;
let relay;
let found;
try {
  issuer = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: sandbox.stdout });
    lines.on('line', (line) => {
      console.log(`[sandbox] ${line}`);
      const match = /^issuer: (\S+)$/.exec(line);
      if (match) found = match[1];
      const relayLine = /^relay: (\S+)$/.exec(line);
      if (relayLine) relay = relayLine[1];
      // The relay is announced right after the issuer; both are needed before the shell starts.
      if (found && relay) resolve(found);
    });
    sandbox.once('exit', (code) => reject(new Error(`the sandbox stopped before it was ready (exit ${code})`)));
  });
} catch (error) {
  console.error(`The CIS2 sandbox could not start: ${error.message}`);
  process.exit(1);
}

const shell = spawn(electronPath, ['.'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    CWS_SANDBOX_ISSUER: issuer,
    CWS_SANDBOX_CLIENT_ID: 'clinical-workstation-shell',
    ...(relay ? { CWS_SANDBOX_RELAY: relay } : {}),
  },
});
shell.once('exit', (code) => process.exit(code ?? 0));
shell.once('error', (error) => {
  console.error(`The shell could not start: ${error.message}`);
  process.exit(1);
});
process.on('SIGINT', () => shell.kill('SIGINT'));
process.on('SIGTERM', () => shell.kill('SIGTERM'));
