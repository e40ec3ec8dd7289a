/**
 * Debian's rsyslog as a real RFC 5425 receiver for the syslog sink's tests: rsyslogd in the
 * foreground with a configuration of the test's own (imtcp over GnuTLS, a test CA's server
 * certificate, loopback only), writing what it receives to a file, one line per message: the
 * fields rsyslog parsed out of the RFC 5424 header, then the raw message.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const rsyslogd = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const gtls = ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so'];

/** Why rsyslog cannot be the receiver here, or null when it can. */
export const rsyslogMissing: string | null =
  rsyslogd === undefined
    ? 'rsyslog is not installed'
    : !gtls.some((p) => existsSync(p))
      ? 'rsyslog-gnutls is not installed'
      : spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0
        ? 'the openssl command is not installed'
        : null;

/** One message as rsyslog received it. */
export interface Received {
  readonly version: string;
  readonly pri: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly structuredData: string;
  readonly msg: string;
  /** The whole message as it came off the wire (after the octet-count frame). */
  readonly raw: string;
}

export interface TestRsyslog {
  readonly port: number;
  received(): Received[];
  /** Waits until `count` messages are in (or `timeoutMs` passes, then returns what there is). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  stop(): Promise<void>;
}

export async function startRsyslog(options: {
  dir: string;
  port: number;
  certFile: string;
  keyFile: string;
}): Promise<TestRsyslog> {
  if (rsyslogd === undefined) throw new Error('rsyslog is not installed');
  const { dir, port } = options;
  const out = path.join(dir, 'received.log');
  // One JSON object per message (option.jsonf): the parsed RFC 5424 fields, and the raw message.
  const fields: Record<string, string> = {
    version: 'protocol-version',
    pri: 'pri',
    hostname: 'hostname',
    appName: 'app-name',
    procId: 'procid',
    msgId: 'msgid',
    structuredData: 'structured-data',
    msg: 'msg',
    raw: 'rawmsg',
  };
  const template = Object.entries(fields)
    .map(([out, name]) => `  property(outname="${out}" name="${name}" format="jsonf")`)
    .join('\n');
  writeFileSync(
    path.join(dir, 'rsyslog.conf'),
    [
      `global(workDirectory="${dir}" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off"`,
      `  defaultNetstreamDriver="gtls" defaultNetstreamDriverCertFile="${options.certFile}"`,
      `  defaultNetstreamDriverKeyFile="${options.keyFile}")`,
      'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")',
      `input(type="imtcp" address="127.0.0.1" port="${port}")`,
      `template(name="fields" type="list" option.jsonf="on") {\n${template}\n}`,
      `*.* action(type="omfile" file="${out}" template="fields" flushOnTXEnd="on" asyncWriting="off")`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    rsyslogd,
    ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslogd.pid')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Listening once a TCP connection is accepted.
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${log}`);
    const { createConnection } = await import('node:net');
    const up = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 200) throw new Error(`rsyslogd did not listen: ${log}`);
    await sleep(50);
  }
  const received = (): Received[] => {
    if (!existsSync(out)) return [];
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Received);
  };
  return {
    port,
    received,
    async waitFor(count, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (received().length < count && Date.now() < until) await sleep(50);
      return received();
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
