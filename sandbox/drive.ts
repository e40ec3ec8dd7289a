/**
 * Drives a sandbox sign-in over HTTP, the way a browser would, without a browser: follow the
 * authorization URL to the login page, post the chosen clinician, follow redirects with cookies,
 * and stop at the loopback callback URL (which belongs to the app, not the sandbox).
 */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq <= 0) continue;
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function step(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.take(response);
  return response;
}

function location(response: Response, base: URL): URL {
  const loc = response.headers.get('location');
  if (loc === null) throw new Error(`The sandbox answered ${response.status} where a redirect was expected.`);
  return new URL(loc, base);
}

export interface DriveOptions {
  /** The sandbox issuer; redirects outside it are the callback. */
  readonly issuer: string;
  /** 'login' posts the clinician; 'abort' presses cancel (the app receives error=access_denied). */
  readonly action?: 'login' | 'abort';
  /** The role to choose on the sign-in page (`person_roleid`); default: the clinician's usual one. */
  readonly role?: string;
}

export async function completeLogin(authorizationUrl: URL, clinicianId: string, options: DriveOptions): Promise<URL> {
  const jar = new CookieJar();
  const issuerOrigin = new URL(options.issuer).origin;
  let url = authorizationUrl;
  let response = await step(jar, url);
  for (let hops = 0; hops < 10; hops += 1) {
    if (response.status >= 300 && response.status < 400) {
      url = location(response, url);
      if (url.origin !== issuerOrigin) return url; // reached the app's loopback callback
      response = await step(jar, url);
      continue;
    }
    if (response.status === 200 && url.pathname.includes('/interaction/')) {
      await response.arrayBuffer();
      const action = options.action ?? 'login';
      const body = new URLSearchParams(
        action === 'login'
          ? { clinician: clinicianId, ...(options.role === undefined ? {} : { role: options.role }) }
          : {},
      );
      const target = new URL(`${url.pathname}/${action}`, url);
      response = await step(jar, target, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      continue;
    }
    const text = await response.text();
    throw new Error(
      `The sandbox sign-in stopped at ${url.pathname} with status ${response.status}: ${text.slice(0, 200)}`,
    );
  }
  throw new Error('The sandbox sign-in redirected too many times.');
}

/** Hit the app's loopback callback like the browser would; follows its 303 to the done page. */
export async function followToCallback(callbackUrl: URL): Promise<Response> {
  const response = await fetch(callbackUrl, { redirect: 'follow' });
  await response.arrayBuffer();
  return response;
}
