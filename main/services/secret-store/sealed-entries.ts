/**
 * The local sealed store's folder: one file per secret, AES-256-GCM under a key derived from the
 * key-encryption key (KEK), named by an HMAC of (service, account) under another derived key, so
 * neither a name nor an account can be read from the folder, and a file moved to another name
 * does not open (the name is authenticated data). Writes are atomic (../files.ts: temp file `0600`
 * in the same folder, fsync, rename, fsync of the folder where the OS allows it); the folder is `0700`. On
 * Windows the modes are ignored and the folder's place (the user's `%LOCALAPPDATA%`, whose ACL
 * admits the user, SYSTEM and Administrators) is what keeps other accounts out.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createExclusively, removeIfPresent, writeAtomically as writeThroughTemp } from '../files';

export { prepareFolder, readIfPresent, removeIfPresent } from '../files';

/** A secret's file: `<43 base64url characters>.secret`. */
const ENTRY = /^[A-Za-z0-9_-]{43}\.secret$/;
const TEMP = /\.tmp$/;
export const KEK_FILE = 'key-encryption-key';

export interface EntryKeys {
  readonly names: Buffer;
  readonly values: Buffer;
}

export function deriveEntryKeys(kek: Buffer): EntryKeys {
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), info, 32));
  return { names: derive('cws-secret-store/v1/names'), values: derive('cws-secret-store/v1/values') };
}

export function entryName(keys: EntryKeys, service: string, account: string): string {
  const mac = createHmac('sha256', keys.names)
    .update(JSON.stringify([service, account]), 'utf8')
    .digest('base64url');
  return `${mac}.secret`;
}

export interface Entry {
  readonly service: string;
  readonly account: string;
  readonly value: string;
}

const aad = (name: string): Buffer => Buffer.from(`cws-secret-store/v1\0${name}`, 'utf8');

export function sealEntry(keys: EntryKeys, name: string, entry: Entry): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.values, iv).setAAD(aad(name));
  const ct = Buffer.concat([
    cipher.update(JSON.stringify({ s: entry.service, a: entry.account, v: entry.value }), 'utf8'),
    cipher.final(),
  ]);
  return JSON.stringify({
    v: 1,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  });
}

/** The entry, or an Error (never one holding the value) when the file does not open. */
export function openEntry(keys: EntryKeys, name: string, text: string): Entry {
  const outer = JSON.parse(text) as { v?: unknown; iv?: unknown; ct?: unknown; tag?: unknown };
  if (outer.v !== 1 || typeof outer.iv !== 'string' || typeof outer.ct !== 'string' || typeof outer.tag !== 'string')
    throw new Error('A stored secret has an unknown format.');
  const decipher = createDecipheriv('aes-256-gcm', keys.values, Buffer.from(outer.iv, 'base64')).setAAD(aad(name));
  decipher.setAuthTag(Buffer.from(outer.tag, 'base64'));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(outer.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('A stored secret did not open under this workstation key.');
  }
  const inner = JSON.parse(plain) as { s?: unknown; a?: unknown; v?: unknown };
  if (typeof inner.s !== 'string' || typeof inner.a !== 'string' || typeof inner.v !== 'string')
    throw new Error('A stored secret has an unknown format.');
  return { service: inner.s, account: inner.a, value: inner.v };
}

export async function entryFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => ENTRY.test(name));
}

/** Temp files a crash left behind: removed at the store's first use. */
export async function removeTemps(dir: string): Promise<void> {
  for (const name of (await readdir(dir)).filter((n) => TEMP.test(n))) await removeIfPresent(dir, name);
}

export async function writeAtomically(dir: string, name: string, content: string): Promise<void> {
  await writeThroughTemp(dir, name, content, `${randomBytes(9).toString('base64url')}.tmp`);
}

/** Creates `name` only if absent (../files.ts); false when another writer got there first. */
export async function createOnce(dir: string, name: string, content: string): Promise<boolean> {
  return createExclusively(dir, name, content, `${randomBytes(9).toString('base64url')}.tmp`);
}
