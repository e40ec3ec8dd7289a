#!/usr/bin/env node
// `npm start`: the CIS2 sandbox on loopback, then the shell (Electron) pointed at it.
// The sandbox stops when the shell does.
import { spawn } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { createInterface } from 'node:readline';

const sandbox = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const issuer = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: sandbox.stdout });
  lines.on('line', (line) => {
    console.log(`[sandbox] ${line}`);
    const match = /^issuer: (\S+)$/.exec(line);
    if (match) resolve(match[1]);
  });
  sandbox.once('exit', (code) => reject(new Error(`the sandbox stopped before it was ready (exit ${code})`)));
});

const electronPath = (await import('electron')).default;
if (typeof electronPath !== 'string') throw new Error('Electron is not installed: run npm install (it downloads the Electron binary).');
const shell = spawn(electronPath, ['.'], {
  stdio: 'inherit',
  env: { ...process.env, CWS_SANDBOX_ISSUER: issuer, CWS_SANDBOX_CLIENT_ID: 'clinical-workstation-shell' },
});
const stop = () => sandbox.kill('SIGTERM');
shell.once('exit', (code) => {
  stop();
  process.exit(code ?? 0);
});
shell.once('error', (error) => {
  console.error(`The shell could not start: ${error.message}`);
  stop();
  process.exit(1);
});
process.on('SIGINT', () => shell.kill('SIGINT'));
