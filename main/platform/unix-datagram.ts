/**
 * Platform: one datagram to a Unix socket (journald's native socket), through libc's socket(2)
 * and sendto(2) over koffi. Node has no Unix datagram sockets (node:dgram is UDP only), and the
 * alternative, running systemd-cat for each line, would start a process per audit event. The
 * socket is non-blocking: a journal that is not keeping up makes the send fail (EAGAIN), which
 * the caller counts, rather than stopping the shell. Loaded on Linux only, when first needed.
 */
import type Koffi from 'koffi';
import { createRequire } from 'node:module';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
/** sizeof(struct sockaddr_un) on Linux: sa_family_t (2 bytes) and sun_path[108]. */
const SOCKADDR_UN_SIZE = 110;

/** struct sockaddr_un for `path` (at most 107 bytes, NUL-terminated). */
export function sockaddrUn(path: string): Buffer {
  const bytes = Buffer.from(path, 'utf8');
  if (bytes.length > SOCKADDR_UN_SIZE - 3) throw new Error('socket path too long');
  const address = Buffer.alloc(SOCKADDR_UN_SIZE);
  address.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(address, 2);
  return address;
}

export interface UnixDatagramSender {
  /** Sends one datagram; returns 0, or the errno when it was not sent. Never throws. */
  send(data: Buffer): number;
  close(): void;
}

/** A sender to `path`, or null when libc cannot be loaded or the socket not made. */
export function openUnixDatagram(path: string): UnixDatagramSender | null {
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const libc = koffi.load('libc.so.6');
    const socketFn = libc.func('int socket(int domain, int type, int protocol)');
    const sendtoFn = libc.func(
      'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)',
    );
    const closeFn = libc.func('int close(int fd)');
    const fd = socketFn(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) return null;
    const address = sockaddrUn(path);
    let open = true;
    return {
      send(data) {
        if (!open) return 9; // EBADF
        try {
          const sent = Number(sendtoFn(fd, data, data.length, MSG_NOSIGNAL, address, address.length));
          return sent === data.length ? 0 : koffi.errno() || 5; // EIO when short
        } catch {
          return 5;
        }
      },
      close() {
        if (open) closeFn(fd);
        open = false;
      },
    };
  } catch {
    return null;
  }
}
