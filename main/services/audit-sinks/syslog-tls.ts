/**
 * The syslog sink: audit lines as RFC 5424 messages over TLS (RFC 5425) to the trust's collector.
 *
 * It never blocks the shell and never throws into it: lines wait in a bounded queue in memory
 * while the connection is down, and past the bound the oldest are dropped and counted. The
 * connection is retried with a doubling wait (1 s to 1 min); on each reconnection after a loss
 * `onDropped(n)` is called, and the composition writes an `audit.lines-dropped` line saying so,
 * which reaches the collector too. Lines already handed to TLS when a connection breaks cannot be
 * counted (TCP says nothing about them); `sequenceId` (syslog-format.ts) shows the collector any gap.
 */
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { auditLineOf } from './line';
import { formatSyslog, frame } from './syslog-format';

export interface SyslogTlsOptions {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA(s) the collector's certificate must chain to; Node's public roots when omitted. */
  readonly ca?: string;
  /** Lines kept while the collector cannot be reached (default 1000). */
  readonly maxQueue?: number;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Called once a connection is up again after `count` lines were dropped. */
  readonly onDropped?: (count: number) => void;
  /** Called when a connection fails or ends (a cause code, never a line). */
  readonly onProblem?: (cause: string) => void;
  readonly connect?: (options: ConnectionOptions) => TLSSocket;
  readonly pid?: number;
}

export class SyslogTlsSink {
  private readonly queue: Buffer[] = [];
  private socket: TLSSocket | null = null;
  private ready = false;
  private waitingForDrain = false;
  private dropped = 0;
  private sequence = 0;
  private retryMs: number;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: SyslogTlsOptions) {
    this.retryMs = options.minRetryMs ?? 1_000;
    this.open();
  }

  /** A pino line; anything but an audit line is ignored. Never throws. */
  write(text: string): void {
    try {
      const line = auditLineOf(text);
      if (line === null || this.closed) return;
      this.sequence += 1;
      this.queue.push(frame(formatSyslog(line, { sequenceId: this.sequence, pid: this.options.pid ?? process.pid })));
      while (this.queue.length > (this.options.maxQueue ?? 1_000)) {
        this.queue.shift();
        this.dropped += 1;
      }
      this.flush();
    } catch {
      this.dropped += 1;
    }
  }

  /** Lines lost since the last report, and lines waiting. */
  stats(): { readonly dropped: number; readonly queued: number; readonly connected: boolean } {
    return { dropped: this.dropped, queued: this.queue.length, connected: this.ready };
  }

  /** Sends what is queued if connected, then closes; resolves when the socket has closed. */
  close(): Promise<void> {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    const socket = this.socket;
    if (socket === null) return Promise.resolve();
    if (this.ready) this.flush();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A collector that never answers the close: give up after 2 s (unref: never holds the shell open).
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }

  private open(): void {
    if (this.closed) return;
    let socket: TLSSocket;
    try {
      socket = this.connectSocket();
    } catch (error) {
      // Options Node refuses outright (a CA it cannot parse): reported, and tried again later.
      this.options.onProblem?.((error as NodeJS.ErrnoException).code ?? 'SYSLOG_CONNECT_FAILED');
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.on('secureConnect', () => this.connected());
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    // Anything a collector sends is ignored (RFC 5425 has no replies).
    socket.on('data', () => undefined);
    socket.on('error', (error: NodeJS.ErrnoException) => this.options.onProblem?.(error.code ?? error.name));
    socket.on('close', () => this.lost(socket));
  }

  private connectSocket(): TLSSocket {
    const { host, port, ca } = this.options;
    const socket = (this.options.connect ?? tlsConnect)({
      host,
      port,
      ...(ca === undefined ? {} : { ca }),
      // SNI only for a name (RFC 6066 forbids an address); the certificate is checked against `host` either way.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      minVersion: 'TLSv1.2',
    });
    socket.setKeepAlive(true, 60_000);
    return socket;
  }

  private connected(): void {
    this.ready = true;
    this.retryMs = this.options.minRetryMs ?? 1_000;
    // What waited goes first, so the report of the loss (a new line) does not push a survivor out.
    this.flush();
    if (this.dropped > 0) {
      const count = this.dropped;
      this.dropped = 0;
      this.options.onDropped?.(count);
    }
  }

  private lost(socket: TLSSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.ready = false;
    this.waitingForDrain = false;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 60_000);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.open();
    }, wait);
    this.retry.unref();
  }

  private flush(): void {
    const socket = this.socket;
    if (!this.ready || socket === null || this.waitingForDrain) return;
    while (this.queue.length > 0) {
      const next = this.queue.shift() as Buffer;
      if (!socket.write(next)) {
        this.waitingForDrain = true;
        return;
      }
    }
  }
}
