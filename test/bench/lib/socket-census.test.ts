// The ward's month counts relay connections by readyState, not by 'close' events: Node's
// WebSocket closed while connecting fires 'error' but (in Node 22) no 'close', and was counted
// open for ever by the first runs.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { socketCensus } from '../../../bench/lib/socket-census';

describe('socketCensus', () => {
  it('counts connecting and open as live, closing apart, and every object as retained', () => {
    expect(socketCensus([0, 1, 2, 3, 1])).toEqual({ live: 3, closing: 1, retained: 5 });
    expect(socketCensus([])).toEqual({ live: 0, closing: 0, retained: 0 });
  });

  describe("with Node's WebSocket", () => {
    let server: WebSocketServer;
    let url: string;
    beforeAll(async () => {
      server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(server, 'listening');
      url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('does not count as live a socket closed while it was connecting', async () => {
      const socket = new WebSocket(url);
      const failed = new Promise((resolve) => socket.addEventListener('error', resolve, { once: true }));
      socket.close(1000);
      await failed;
      expect(socketCensus([socket.readyState]).live).toBe(0);
    });

    it('counts an open socket as live until it has closed', async () => {
      const socket = new WebSocket(url);
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      expect(socketCensus([socket.readyState])).toEqual({ live: 1, closing: 0, retained: 1 });
      const closed = new Promise((resolve) => socket.addEventListener('close', resolve, { once: true }));
      socket.close(1000);
      await closed;
      expect(socketCensus([socket.readyState]).live).toBe(0);
    });
  });
});
