/**
 * Command-line switches the shell refuses to start with (issue 13): each opens the process to
 * whoever edited a shortcut or a Run key. A debugging port or pipe gives any local user (or a
 * web page, with `--remote-allow-origins`) full control of the shell's pages and main process;
 * `--inspect*` and `--js-flags` do the same for Node and V8; the sandbox switches let a
 * compromised renderer out; `--disable-web-security` and the certificate switches undo the
 * origin and TLS checks sign-in relies on; `--user-data-dir` moves drafts and Chromium's state
 * somewhere the attacker chose. The fuses do not cover these.
 *
 * Not refused: `--proxy-server`, `--proxy-pac-url` and the like. Which proxy the PC uses is IT's
 * decision (the system settings), and a proxy sees only CONNECT tunnels (docs/security.md, "What a
 * proxy sees"); the shell does not second-guess it.
 *
 * How Chromium reads a switch (base/command_line.cc): an argument starting with `--` or `-`
 * (and `/` on Windows) up to an optional `=value`; on Windows the name is lowercased, elsewhere
 * it is case-sensitive. Here every platform compares case-insensitively and every argument is
 * read (even after a bare `--`, where Chromium stops): refusing a harmless spelling costs nothing.
 * A value given after a space (`--remote-debugging-port 9222`) is not one Chromium accepts, but the
 * switch's name is still there and is refused.
 */
export const refusedSwitches = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-debugging-io-pipes',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-brk-node',
  'inspect-publish-uid',
  'inspect-wait',
  'js-flags',
  'no-sandbox',
  'disable-gpu-sandbox',
  'disable-setuid-sandbox',
  'disable-seccomp-filter-sandbox',
  'no-zygote-sandbox',
  'disable-web-security',
  'disable-site-isolation-trials',
  'ignore-certificate-errors',
  'ignore-certificate-errors-spki-list',
  'user-data-dir',
  // Switches that write what the network service sees to disk (issue 24): token exchange and
  // refresh go through Chromium, so a net log with capture mode Everything holds tokens in the
  // clear, a TLS key log lets anyone who captured the traffic read it, and Chromium's verbose
  // log can carry URLs and headers. Chromium reads them in the browser process when it starts
  // the network service (content/browser/network_service_instance_impl.cc; net/log/; the key
  // log: net/ssl/ssl_key_logger.h).
  'log-net-log',
  'net-log-capture-mode',
  'ssl-key-log-file',
  'enable-logging',
  'log-file',
  'v',
  'vmodule',
] as const;

/**
 * Environment variables removed before 'ready' (issue 24): Chromium writes every TLS session's
 * keys to the file `SSLKEYLOGFILE` names when no `--ssl-key-log-file` is given
 * (network_service_instance_impl.cc), so a same-account Run key or a user variable could make
 * the shell leave the key to its CIS2 traffic on disk. Removing it from process.env (Node calls
 * unsetenv) before the network service starts is enough: nothing else reads it.
 */
export const removedEnvironment = ['SSLKEYLOGFILE'] as const;

/**
 * Removed too in a production build (issue 24, item 11): libpcsclite finds pcscd's socket from
 * PCSCLITE_CSOCK_NAME (pcsc-lite's winscard_msg.c, getSocketName), so a same-account variable could
 * put a fake pcscd, with a card that never leaves, in front of the smartcard source. It is read
 * at the first SCardEstablishContext, long after this runs. A development build keeps it (the
 * tests' private pcscd).
 */
export const removedInProduction = ['PCSCLITE_CSOCK_NAME'] as const;

/** The variables to remove that are set in `env` (an empty value counts: Chromium would try it). */
export function environmentToRemove(env: Readonly<Record<string, string | undefined>>, production = false): string[] {
  const names: readonly string[] = production ? [...removedEnvironment, ...removedInProduction] : removedEnvironment;
  return names.filter((name) => env[name] !== undefined);
}

/**
 * Variables a production build refuses to start with (issue 24; docs/decisions.md 33): Electron
 * reads ELECTRON_ENABLE_LOGGING and ELECTRON_LOG_FILE in C++ before any JavaScript runs
 * (shell/common/logging.cc, InitElectronLogging, called from shell/app/electron_main_delegate.cc)
 * and turns on Chromium's log, to standard error or to the file named, as `--enable-logging` and
 * `--log-file` (refused above) would. By the time the main script runs the log is configured and
 * JavaScript cannot undo it, so removing the variable (as SSLKEYLOGFILE is) is not enough.
 * A development build allows them (a developer's own debugging).
 */
export const refusedEnvironment = ['ELECTRON_ENABLE_LOGGING', 'ELECTRON_LOG_FILE'] as const;

/** The refused variables set in `env` (any value: Electron asks only whether it is set), production builds only. */
export function environmentRefused(env: Readonly<Record<string, string | undefined>>, production: boolean): string[] {
  return production ? refusedEnvironment.filter((name) => env[name] !== undefined) : [];
}

/** Any switch whose name starts with one of these is refused too (Node adds inspect options now and then). */
const refusedPrefixes = ['inspect', 'remote-debugging', 'net-log'] as const;

/** The switch name an argument carries, lowercased; null when it is not a switch. */
export function switchName(arg: string, platform: string): string | null {
  const prefix = arg.startsWith('--')
    ? 2
    : arg.startsWith('-') || (platform === 'win32' && arg.startsWith('/'))
      ? 1
      : 0;
  if (prefix === 0) return null;
  const name = arg.slice(prefix).split('=', 1)[0]?.trim().toLowerCase() ?? '';
  return name === '' ? null : name;
}

/**
 * The refused switches present in `argv` (process.argv: the executable first, which is skipped),
 * each named once, in the order found. Empty: nothing refused.
 */
export function dangerousSwitches(argv: readonly string[], platform: string): string[] {
  const found: string[] = [];
  for (const arg of argv.slice(1)) {
    const name = switchName(arg, platform);
    if (name === null) continue;
    const refused =
      (refusedSwitches as readonly string[]).includes(name) || refusedPrefixes.some((p) => name.startsWith(p));
    if (refused && !found.includes(name)) found.push(name);
  }
  return found;
}
