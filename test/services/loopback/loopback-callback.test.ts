import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openLoopbackCallback } from '../../../main/services/loopback/loopback-callback';

/** True when nothing holds the port any more (we can bind it again ourselves). */
async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

const open = (timeoutMs = 30_000) =>
  openLoopbackCallback({ path: '/callback', expectedState: 'expected-state', timeoutMs });

describe('loopback callback server', () => {
  it('listens on 127.0.0.1 only, on a random port, with /callback', async () => {
    const a = await open();
    expect(a.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(a.port).toBeGreaterThan(0);
    // Not reachable on another local address (not bound to all interfaces).
    await expect(fetch(`http://[::1]:${a.port}/callback`)).rejects.toThrow();
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal);
    for (const i of external) await expect(fetch(`http://${i?.address}:${a.port}/callback`)).rejects.toThrow();
    a.cancel();
    await a.closed;
  });

  it('404s unknown paths and wrong state without ending the attempt, then captures the real callback and 303s to /done', async () => {
    const a = await open();
    expect((await fetch(`http://127.0.0.1:${a.port}/elsewhere?state=expected-state&code=c`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${a.port}/callback?state=wrong&code=c`, { redirect: 'manual' })).status).toBe(
      404,
    );
    const hit = await fetch(`http://127.0.0.1:${a.port}/callback?state=expected-state&code=the-code&iss=x`, {
      redirect: 'manual',
    });
    expect(hit.status).toBe(303);
    expect(hit.headers.get('location')).toBe('/done');
    const result = await a.result;
    expect(result.kind === 'callback' && result.url.searchParams.get('code')).toBe('the-code');
    const page = await fetch(`http://127.0.0.1:${a.port}/done`);
    const html = await page.text();
    expect(html).toContain('Clinical Workstation Shell');
    expect(html).toContain('return to the Clinical Workstation Shell');
    expect(html).not.toContain('the-code');
    await a.closed;
    expect(await portIsFree(a.port)).toBe(true);
  });

  it('ends the attempt on a provider error with the right state', async () => {
    const a = await open();
    await fetch(`http://127.0.0.1:${a.port}/callback?state=expected-state&error=access_denied`);
    expect(await a.result).toEqual({ kind: 'provider-error', error: 'access_denied', description: null });
    await a.closed;
    expect(await portIsFree(a.port)).toBe(true);
  });

  it('releases the port on cancel', async () => {
    const a = await open();
    expect(await portIsFree(a.port)).toBe(false);
    a.cancel();
    expect(await a.result).toEqual({ kind: 'cancelled' });
    await a.closed;
    expect(await portIsFree(a.port)).toBe(true);
  });

  it('releases the port on timeout', async () => {
    const a = await open(100);
    expect(await a.result).toEqual({ kind: 'timeout' });
    await a.closed;
    expect(await portIsFree(a.port)).toBe(true);
  });
});

/** One raw HTTP/1.1 request with the Host header we choose (fetch would not let us). */
async function rawGet(port: number, path: string, hostHeaders: readonly string[]): Promise<number> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\n${hostHeaders.map((h) => `Host: ${h}\r\n`).join('')}Connection: close\r\n\r\n`,
      );
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('loopback callback server: the Host header (DNS rebinding)', () => {
  it('answers 400 to any Host but 127.0.0.1:<port>, and the sign-in does not complete', async () => {
    const a = await open();
    const path = '/callback?state=expected-state&code=rebound-code';
    for (const host of [
      `attacker.example:${a.port}`,
      'attacker.example',
      `localhost:${a.port}`,
      '127.0.0.1',
      `127.0.0.1:${a.port + 1}`,
      `[::1]:${a.port}`,
    ]) {
      expect(await rawGet(a.port, path, [host]), host).toBe(400);
    }
    expect(await rawGet(a.port, path, [`127.0.0.1:${a.port}`, `attacker.example:${a.port}`])).toBe(400);
    let settled = false;
    void a.result.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    // The genuine redirect still works afterwards.
    expect(await rawGet(a.port, path, [`127.0.0.1:${a.port}`])).toBe(303);
    const result = await a.result;
    expect(result.kind === 'callback' && result.url.searchParams.get('code')).toBe('rebound-code');
    await a.closed;
  });
});
