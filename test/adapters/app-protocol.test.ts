import { describe, expect, it } from 'vitest';
import {
  appContentSecurityPolicy,
  createRendererHandler,
  registerAppScheme,
  resolveRendererPath,
  serveRenderer,
} from '../../main/adapters/app-protocol';
import { FakeProtocol } from './fake-electron';
import path from 'node:path';
import fc from 'fast-check';

const root = path.resolve('/srv/shell/dist/renderer');
const files = new Map<string, string>([
  [path.join(root, 'index.html'), '<!doctype html><title>Shell</title>'],
  [path.join(root, 'assets', 'index-abc.js'), 'console.log(1)'],
]);
const read = (file: string): Promise<Uint8Array> => {
  const text = files.get(file);
  return text === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(new TextEncoder().encode(text));
};

describe('resolveRendererPath', () => {
  it('maps / and plain paths inside the root', () => {
    expect(resolveRendererPath(root, 'GET', 'app://shell/')).toEqual({
      ok: true,
      file: path.join(root, 'index.html'),
      mime: 'text/html; charset=utf-8',
    });
    expect(resolveRendererPath(root, 'GET', 'app://shell/assets/index-abc.js')).toMatchObject({
      ok: true,
      mime: 'text/javascript; charset=utf-8',
    });
  });

  it('refuses traversal hidden by percent-encoding', () => {
    for (const url of [
      'app://shell/assets/..%2f..%2f..%2fsecret.js',
      'app://shell/..%2F..%2Fetc%2Fpasswd.html',
      'app://shell/assets/..%5c..%5csecret.js',
      'app://shell/%00index.html',
    ]) {
      expect(resolveRendererPath(root, 'GET', url).ok, url).toBe(false);
    }
  });

  it('keeps dot-segments that the URL parser resolves inside the root', () => {
    for (const url of ['app://shell/../../etc/passwd.html', 'app://shell/%2e%2e/%2e%2e/etc/passwd.html']) {
      expect(resolveRendererPath(root, 'GET', url)).toEqual({
        ok: true,
        file: path.join(root, 'etc', 'passwd.html'),
        mime: 'text/html; charset=utf-8',
      });
    }
  });

  it('never resolves outside the root, whatever the path (property)', () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '..%2f',
      '%2F',
      '%5C',
      'assets',
      'index.html',
      'a.js',
      '%00',
      '//',
      '~',
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const resolved = resolveRendererPath(root, 'GET', `app://shell/${segments.join('/')}`);
        return !resolved.ok || resolved.file.startsWith(root + path.sep);
      }),
    );
  });

  it('refuses other hosts, unknown file types, bad encodings and writes', () => {
    expect(resolveRendererPath(root, 'GET', 'app://other/index.html')).toEqual({ ok: false, status: 404 });
    expect(resolveRendererPath(root, 'GET', 'app://shell/secrets.env')).toEqual({ ok: false, status: 404 });
    expect(resolveRendererPath(root, 'GET', 'app://shell/%E0%A4%A')).toEqual({ ok: false, status: 400 });
    expect(resolveRendererPath(root, 'POST', 'app://shell/index.html')).toEqual({ ok: false, status: 405 });
  });
});

describe('the protocol handler', () => {
  it('registers the scheme as standard, secure and fetch-capable', () => {
    const protocol = new FakeProtocol();
    registerAppScheme(protocol);
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ]);
  });

  it('serves a file with its MIME type and the CSP header', async () => {
    const response = await createRendererHandler(root, read)(new Request('app://shell/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(appContentSecurityPolicy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Shell</title>');
  });

  it('answers traversal with an error that still carries the CSP, and reads nothing', async () => {
    let reads = 0;
    const counting = (file: string) => {
      reads += 1;
      return read(file);
    };
    const response = await createRendererHandler(
      root,
      counting,
    )(new Request('app://shell/..%2f..%2fetc%2fpasswd.html'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(appContentSecurityPolicy);
    expect(reads).toBe(0);
  });

  it('answers a missing file with 404', async () => {
    const response = await createRendererHandler(root, read)(new Request('app://shell/missing.js'));
    expect(response.status).toBe(404);
  });

  it('allows no loopback WebSocket in the app CSP (only the harness meta tag does)', () => {
    expect(appContentSecurityPolicy).toContain("connect-src 'self'");
    expect(appContentSecurityPolicy).not.toContain('ws:');
    expect(appContentSecurityPolicy).toContain("script-src 'self'");
  });

  it('serves and stops serving on the app scheme', () => {
    const protocol = new FakeProtocol();
    const stop = serveRenderer(protocol, root);
    expect(protocol.handlers.has('app')).toBe(true);
    stop();
    expect(protocol.handlers.has('app')).toBe(false);
  });
});
