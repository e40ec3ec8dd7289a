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

const open = (timeoutMs = 30_000) => openLoopbackCallback({ path: '/callback', expectedState: 'expected-state', timeoutMs });

describe('loopback callback server', () => {
  it('listens on 127.0.0.1 only, on a random port, with /callback', async () => {
    const a = await open();
    expect(a.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(a.port).toBeGreaterThan(0);
    // Not reachable on another local address (not bound to all interfaces).
    await expect(fetch(`http://[::1]:${a.port}/callback`)).rejects.toThrow();
    const external = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal);
    for (const i of external) await expect(fetch(`http://${i?.address}:${a.port}/callback`)).rejects.toThrow();
    a.cancel();
    await a.closed;
  });

  it('404s unknown paths and wrong state without ending the attempt, then captures the real callback and 303s to /done', async () => {
    const a = await open();
    expect((await fetch(`http://127.0.0.1:${a.port}/elsewhere?state=expected-state&code=c`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${a.port}/callback?state=wrong&code=c`, { redirect: 'manual' })).status).toBe(404);
    const hit = await fetch(`http://127.0.0.1:${a.port}/callback?state=expected-state&code=the-code&iss=x`, { redirect: 'manual' });
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
