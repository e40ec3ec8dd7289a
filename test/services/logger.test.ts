import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAudit } from '../../main/services/audit';
import { createFolderLogger, perUserLogFolder } from '../../main/services/log-folder';
import { createLogger, redactionListForTests } from '../../main/services/logger';
import { ShellError } from '../../main/core/errors';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { countingFetch, serviceFor } from './oidc/fixtures';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

describe('logger redaction', () => {
  it('never writes real sandbox tokens, codes or verifiers, however they are logged', async () => {
    const fetch = countingFetch();
    const { service, browser } = serviceFor(sandbox, 'dr-okafor', { fetch });
    expect((await service.signIn()).kind).toBe('signed-in');
    const tokens = fetch.tokenResponses[0] ?? {};
    const secrets = ['access_token', 'refresh_token', 'id_token'].map((k) => String(tokens[k]));
    const authUrl = browser.opened[0] ?? new URL('http://x');
    const codeRequest = fetch.requests.find((r) => r.body.includes('grant_type=authorization_code'))?.body ?? '';
    const params = new URLSearchParams(codeRequest);
    secrets.push(
      String(params.get('code')),
      String(params.get('code_verifier')),
      String(authUrl.searchParams.get('nonce')),
      String(authUrl.searchParams.get('state')),
    );
    expect(secrets.every((s) => s.length >= 20 && s !== 'null')).toBe(true);

    const { lines, logger } = capture();
    logger.info({ tokens }, 'token response');
    logger.info(
      { body: codeRequest, nested: { deeper: [{ headers: { authorization: `Bearer ${secrets[0]}` } }] } },
      'request',
    );
    logger.info({ accessToken: secrets[0], rt: secrets[1] }, `id token was ${secrets[2]}`);
    logger.info({
      url: authUrl.href,
      callback: `http://127.0.0.1:1234/callback?code=${secrets[3]}&state=${secrets[6]}`,
    });
    logger.warn({ err: new ShellError('SIGNIN_TOKEN_REJECTED', 'Refused.', { cause: tokens }) }, 'failed');
    logger.error(new Error(`exchange failed for ${secrets[2]}`));
    const out = lines.join('\n');
    expect(lines.length).toBe(6);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain('SIGNIN_TOKEN_REJECTED');
    expect(out).toContain('[Redacted]');
  });

  it("keeps an adapter fault's code (core/faults.ts) and still redacts any other lower-case code", () => {
    const { lines, logger } = capture();
    logger.error({ event: 'adapter.error', code: 'renderer-crash-loop' }, 'crashed again');
    logger.info({ code: 'renderer-crash-loop-x' }, 'not a fault code');
    logger.info({ code: 'abc-def' }, 'an authorization code could look like anything');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ code: 'renderer-crash-loop' });
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ code: '[Redacted]' });
    expect(JSON.parse(lines[2] ?? '{}')).toMatchObject({ code: '[Redacted]' });
  });

  it('keeps no copy of a secret once the holder wipes it, and redacts the authorization code under any key', async () => {
    const fetch = countingFetch();
    const { service } = serviceFor(sandbox, 'dr-okafor', { fetch });
    expect((await service.signIn()).kind).toBe('signed-in');
    const tokens = fetch.tokenResponses.at(-1) ?? {};
    const codeRequest =
      fetch.requests.filter((r) => r.body.includes('grant_type=authorization_code')).at(-1)?.body ?? '';
    const params = new URLSearchParams(codeRequest);
    const code = String(params.get('code'));
    const held = ['access_token', 'refresh_token'].map((k) => String(tokens[k]));
    const verifier = String(params.get('code_verifier'));
    expect([code, verifier, ...held].every((s) => s.length >= 20 && s !== 'undefined' && s !== 'null')).toBe(true);
    // While held, the live list has the tokens; the code and the attempt's secrets are already let go.
    const before = redactionListForTests();
    for (const s of held) expect(before.live).toContain(s);
    expect(before.live).not.toContain(code);
    expect(before.live).not.toContain(verifier);

    service.tokens.wipe();
    const after = redactionListForTests();
    const everything = JSON.stringify(after);
    for (const s of [code, verifier, ...held]) {
      expect(after.live).not.toContain(s);
      expect(everything).not.toContain(s);
    }
    expect(after.retired.every((d) => /^[0-9a-f]{64}$/.test(d))).toBe(true);

    // A bare code (and a stale refresh token) logged late under keys that say nothing are still redacted.
    const { lines, logger } = capture();
    logger.info({ detail: code, extra: [`late ${held[1]} copy`] }, `saw ${code}`);
    const out = lines.join('\n');
    expect(out).not.toContain(code);
    expect(out).not.toContain(held[1]);
    expect(out).toContain('[Redacted]');
  });

  it('redacts an authorization code under an unrelated key from the moment the loopback receives it', async () => {
    const { openLoopbackCallback } = await import('../../main/services/loopback/loopback-callback');
    const a = await openLoopbackCallback({
      path: '/callback',
      expectedState: 'state-for-code-test',
      timeoutMs: 10_000,
    });
    const code = 'bare-authorization-code-0123456789abcdef';
    await fetch(`${a.redirectUri}?state=state-for-code-test&code=${code}`, { redirect: 'manual' });
    expect((await a.result).kind).toBe('callback');
    const { lines, logger } = capture();
    logger.info({ note: code }, 'unrelated');
    expect(lines.join('\n')).not.toContain(code);
    await a.closed;
  });

  it('keeps ordinary fields readable', () => {
    const { lines, logger } = capture();
    logger.info({ event: 'session.locked', state: 'locked', aal: 'AAL3' }, 'Session locked.');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ event: 'session.locked', state: 'locked', aal: 'AAL3', msg: 'Session locked.' });
  });
});

describe('the log folder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cws-logs-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const logFiles = async (folder: string): Promise<string[]> =>
    (await readdir(folder)).filter((f) => /^audit\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(f)).sort();
  const until = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((r) => setTimeout(r, 20));
  };

  it('creates the folder and writes one JSON object a line', async () => {
    const folder = join(root, 'nested', 'logs');
    const { logger, folder: used, close } = await createFolderLogger({ folder });
    createAudit(logger).locked('idle', 'subject-1');
    await close();
    expect(used).toBe(folder);
    const [file] = await logFiles(folder);
    const lines = (await readFile(join(folder, file ?? ''), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        event: 'session.locked',
        reason: 'idle',
        subject: 'subject-1',
        audit: true,
        level: 30,
      }),
    ]);
  });

  it('names the workstation and OS account on every line, so a shared log folder stays attributable', async () => {
    const folder = join(root, 'ward-7');
    const { logger, close } = await createFolderLogger({
      folder,
      workstation: { host: 'WARD7-PC03', account: 'ward7-kiosk' },
    });
    createAudit(logger).locked('idle', 'subject-1');
    createAudit(logger).unlocked('subject-1');
    await close();
    const [file] = await logFiles(folder);
    const lines = (await readFile(join(folder, file ?? ''), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatchObject({ host: 'WARD7-PC03', account: 'ward7-kiosk' });
  });

  it('starts a new file at the size limit and keeps a bounded number, counting earlier runs', async () => {
    const folder = join(root, 'logs');
    await mkdir(folder);
    // Files an earlier run left: older dates, so they are the first to go.
    for (let n = 1; n <= 6; n += 1) await writeFile(join(folder, `audit.2020-01-0${n}.1.log`), '{}\n');
    const { logger, close } = await createFolderLogger({ folder, maxFileBytes: 2048, keepFiles: 4 });
    const audit = createAudit(logger);
    for (let i = 0; i < 80; i += 1) {
      audit.draftsSealed(`subject-${i}`, i);
      await new Promise((r) => setImmediate(r));
    }
    await until(
      async () =>
        (await logFiles(folder)).length === 4 && !(await logFiles(folder)).some((f) => f.startsWith('audit.2020')),
    );
    await close();
    const files = await logFiles(folder);
    expect(files).toHaveLength(4);
    expect(files.some((f) => f.startsWith('audit.2020'))).toBe(false);
    for (const f of files) expect((await readFile(join(folder, f))).length).toBeLessThan(2048 + 400);
  });

  it('falls back to the fallback stream, and says so, when the folder cannot be opened', async () => {
    const notAFolder = join(root, 'file');
    await writeFile(notAFolder, 'x');
    const lines: string[] = [];
    const fallback = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { logger, folder } = await createFolderLogger({ folder: join(notAFolder, 'logs'), fallback });
    logger.info({ event: 'still.logging' }, 'The shell carries on.');
    expect(folder).toBeNull();
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({
      event: 'log.folder-unavailable',
      code: 'LOG_FOLDER_UNAVAILABLE',
      category: 'downstream',
      cause: 'ENOTDIR',
    });
    expect(entries[1]).toMatchObject({ event: 'still.logging' });
  });

  it('with neither folder and no standard error (a GUI program on Windows), drops lines instead of writing to fd 2', async () => {
    // Windows gives a GUI program no standard error: fd 2 is not open, fstat fails and a write to
    // it fails with EBADF, which sonic-boom re-emits as an 'error' pino does not handle.
    const ebadf = (): NodeJS.ErrnoException =>
      Object.assign(new Error('EBADF: bad file descriptor'), { code: 'EBADF', errno: -9 });
    const realFstat = fs.fstatSync;
    const realWrite = fs.write;
    const realWriteSync = fs.writeSync;
    const toFd2: number[] = [];
    const fstat = vi.spyOn(fs, 'fstatSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (fd === 2) throw ebadf();
      return (realFstat as (...a: unknown[]) => unknown)(fd, ...rest);
    }) as typeof fs.fstatSync);
    const write = vi.spyOn(fs, 'write').mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (fd !== 2) return (realWrite as (...a: unknown[]) => unknown)(fd, ...rest);
      toFd2.push(fd);
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() => callback(ebadf()));
    }) as typeof fs.write);
    const writeSync = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (fd !== 2) return (realWriteSync as (...a: unknown[]) => unknown)(fd, ...rest);
      toFd2.push(fd);
      throw ebadf();
    }) as typeof fs.writeSync);
    const escaped: unknown[] = [];
    const catchUncaught = (error: unknown): void => void escaped.push(error);
    process.prependListener('uncaughtException', catchUncaught);
    try {
      const notAFolder = join(root, 'file');
      await writeFile(notAFolder, 'x');
      const { logger, folder } = await createFolderLogger({
        folder: join(notAFolder, 'logs'),
        fallbackFolder: join(notAFolder, 'own'),
      });
      expect(folder).toBeNull();
      logger.info({ event: 'still.logging' }, 'The shell carries on.');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(toFd2).toEqual([]);
      expect(escaped).toEqual([]);
    } finally {
      process.removeListener('uncaughtException', catchUncaught);
      fstat.mockRestore();
      write.mockRestore();
      writeSync.mockRestore();
    }
  });

  it("does not write into a per-account folder another account made (or a link), and says so in the app's own folder", async () => {
    const base = join(root, 'it-logs');
    const own = join(root, 'own-logs-2');
    const theirs = perUserLogFolder(base, 'ward-user');
    await mkdir(theirs, { recursive: true });
    const getuid = process.getuid?.bind(process);
    // As root, really give it away; otherwise pretend this process is someone else.
    const spy =
      getuid?.() === 0
        ? (await fs.promises.chown(theirs, 4242, 4242), null)
        : vi.spyOn(process, 'getuid').mockReturnValue((getuid?.() ?? 0) + 1);
    try {
      const { logger, folder, close } = await createFolderLogger({
        folder: theirs,
        fallbackFolder: own,
        workstation: { host: 'ward-pc-7', account: 'kiosk', environment: 'int' },
      });
      logger.info({ event: 'still.logging' }, 'The shell carries on.');
      await close();
      if (process.platform !== 'win32') expect(folder).toBe(spy === null ? own : null);
      expect(await readdir(theirs)).toEqual([]);
      if (spy === null) {
        const file = (await readdir(own)).find((f) => f.endsWith('.log'));
        const entries = (await readFile(join(own, file ?? ''), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(entries[0]).toMatchObject({
          event: 'log.folder-unavailable',
          code: 'LOG_FOLDER_UNAVAILABLE',
          cause: 'LOG_FOLDER_NOT_OURS',
          folder: theirs,
          // Known before the first line: even this one says which CIS2 environment it is from.
          environment: 'int',
        });
      }
    } finally {
      spy?.mockRestore();
    }
  });

  it('does not follow a per-account folder that is a symbolic link (or a junction, on Windows)', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    const base = join(root, 'it-logs-link');
    await mkdir(base);
    const link = perUserLogFolder(base, 'ward-user');
    await fs.promises.symlink(elsewhere, link, 'junction');
    const own = join(root, 'own-logs-3');
    const { folder, close } = await createFolderLogger({ folder: link, fallbackFolder: own });
    await close();
    expect(folder).toBe(own);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it("falls back to the app's own folder when IT's cannot be opened, and says so there", async () => {
    const notAFolder = join(root, 'file');
    await writeFile(notAFolder, 'x');
    const own = join(root, 'own-logs');
    const { logger, folder, close } = await createFolderLogger({
      folder: join(notAFolder, 'logs'),
      fallbackFolder: own,
    });
    logger.info({ event: 'still.logging' }, 'The shell carries on.');
    await close();
    expect(folder).toBe(own);
    const [file] = await logFiles(own);
    const entries = (await readFile(join(own, file ?? ''), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({
      event: 'log.folder-unavailable',
      code: 'LOG_FOLDER_UNAVAILABLE',
      cause: 'ENOTDIR',
    });
    expect(entries[1]).toMatchObject({ event: 'still.logging' });
  });

  it('prunes files from earlier runs at start, not only when it rotates', async () => {
    const folder = join(root, 'logs');
    await mkdir(folder);
    for (let n = 1; n <= 9; n += 1) await writeFile(join(folder, `audit.2020-01-0${n}.1.log`), '{}\n');
    await writeFile(join(folder, 'not-a-log.txt'), 'kept');
    const { logger, close } = await createFolderLogger({ folder, keepFiles: 3 });
    logger.info({ event: 'one.line' }, 'One line, far from any rotation.');
    await close();
    const files = await logFiles(folder);
    expect(files).toHaveLength(3);
    expect(files.filter((f) => f.startsWith('audit.2020'))).toEqual([
      'audit.2020-01-08.1.log',
      'audit.2020-01-09.1.log',
    ]);
    expect(await readFile(join(folder, 'not-a-log.txt'), 'utf8')).toBe('kept');
  });

  it.runIf(process.platform !== 'win32')('creates its files readable by their owner only (0600)', async () => {
    const folder = join(root, 'logs');
    const { logger, close } = await createFolderLogger({ folder });
    logger.info({ event: 'one.line' }, 'One line.');
    await close();
    const [file] = await logFiles(folder);
    expect((await stat(join(folder, file ?? ''))).mode & 0o777).toBe(0o600);
  });

  it("gives each OS account its own subfolder of IT's folder, with a name safe on every platform", () => {
    expect(perUserLogFolder('/var/log/cws', 'nurse.hughes')).toBe(join('/var/log/cws', 'nurse.hughes'));
    expect(perUserLogFolder('/var/log/cws', 'TRUST\\j smith')).toBe(join('/var/log/cws', 'TRUST_j_smith'));
    expect(perUserLogFolder('/var/log/cws', '..')).toBe(join('/var/log/cws', '_'));
    expect(perUserLogFolder('/var/log/cws', '')).toBe(join('/var/log/cws', 'user'));
  });
});
