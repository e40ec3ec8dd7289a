/**
 * How a replica stops: no new connection is accepted; every workstation is told the relay is going
 * away (WebSocket close 1001, so it reconnects, to another replica behind the load balancer);
 * POSTs already being handled are answered (CIS2 gets its 200 or 400, not a reset); idle
 * keep-alive connections are closed. Whatever is still open after `graceMs` (a workstation that
 * does not answer the closing handshake, a client that never finishes its body) is cut, and the
 * stop goes on at most a second later even if the cut sockets have not all reported closed yet.
 * Only then is the store closed, so an in-flight logout can still reach Redis.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long open connections get to finish before they are cut: well inside systemd's and Kubernetes' stop timeouts. */
export const SHUTDOWN_GRACE_MS = 5_000;
/** How long, after cutting what was left, the stop waits for the cut sockets' close events before going on. */
const AFTER_CUT_MS = 1_000;

export interface ServerSockets {
  /** Stops listening and waits for connections to finish, cutting what is left after graceMs; abrupt: cut at once. */
  stop(options: { abrupt: boolean; graceMs: number; closeWorkstations: (abrupt: boolean) => void }): Promise<void>;
}

/**
 * Tracks every socket the server accepts, upgraded ones included (Node's own connection list
 * forgets a socket once it is upgraded to a WebSocket). Call it as soon as the server listens.
 */
export function trackSockets(server: Server): ServerSockets {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const cutAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    async stop({ abrupt, graceMs, closeWorkstations }) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      closeWorkstations(abrupt);
      if (abrupt) {
        cutAll();
        await closed;
        return;
      }
      server.closeIdleConnections();
      // A request that finishes while stopping leaves its keep-alive connection idle: close it too.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(cutAll, graceMs);
      // Once cut, thousands of sockets' close events can take seconds of a starved CPU to run;
      // nothing waits on them (no request is left), so the stop goes on after AFTER_CUT_MS.
      let gaveUp: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => (gaveUp = setTimeout(resolve, graceMs + AFTER_CUT_MS)));
      try {
        await Promise.race([closed, waited]);
      } finally {
        clearInterval(idle);
        clearTimeout(cut);
        clearTimeout(gaveUp);
      }
    },
  };
}
