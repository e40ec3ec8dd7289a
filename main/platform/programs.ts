/**
 * Platform: the Windows programs the shell runs (reg.exe to read machine policy, icacls.exe to
 * protect the machine-wide client key folder). Each by its full, fixed path, never looked up on
 * PATH and never built from %SystemRoot%: a standard user can set their own SystemRoot in
 * HKCU\Environment, and a program of theirs could then hand the shell any Issuer it liked (a
 * look-alike sign-in page) or turn kiosk off. Ward PCs have Windows in C:\Windows; a fleet that
 * does not must say so (docs/policy.md). Run directly with arguments, never through a shell.
 */
import { execFile } from 'node:child_process';

/** reg.exe: services/policy/registry-source.ts reads the policy keys with it. */
export const REG_EXE = 'C:\\Windows\\System32\\reg.exe';
/** icacls.exe: services/client-key/machine-file.ts sets the client key folder's ACL with it. */
export const ICACLS_EXE = 'C:\\Windows\\System32\\icacls.exe';
/** Windows PowerShell 5.1, at its fixed path (every supported Windows has it). */
export const POWERSHELL_EXE = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

export type ExecResult = { readonly code: number; readonly stdout: string; readonly stderr: string };
/** Runs a program by full path with arguments, never through a shell. */
export type ExecFile = (file: string, args: readonly string[]) => Promise<ExecResult>;

/**
 * Runs `file` and resolves with its exit code and output (a non-zero exit is an answer, not a
 * failure); rejects only when it could not be run or ran past `timeoutMs`.
 */
export function runProgram(file: string, args: readonly string[], timeoutMs = 10_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { windowsHide: true, timeout: timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The default ExecFile: runProgram with its 10 s limit. */
export const runFile: ExecFile = (file, args) => runProgram(file, args);
