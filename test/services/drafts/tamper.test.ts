import { mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftProblem } from '../../../main/core/drafts';
import { Sensitive, alice, bob, draft, filesIn, hour } from './fixtures';
import { clock, dataDir, open, sensitive, service, store, useVaultTestbed } from './testbed';

useVaultTestbed();

/** Seals one draft for each subject and returns the seal file of each. */
async function sealedFiles(...subjects: string[]): Promise<Map<string, string>> {
  const { vault } = await open();
  const files = new Map<string, string>();
  for (const subject of subjects) {
    const before = new Set(filesIn(dataDir));
    await vault.save(
      subject,
      sensitive.track(draft(`d-${subject}`, `Patient of ${subject}`, `Secret note of ${subject}`)),
    );
    await vault.seal(subject);
    const added = filesIn(dataDir).find((f) => !before.has(f));
    if (!added) throw new Error('no seal file appeared');
    files.set(subject, added);
  }
  return files;
}

function expectQuarantined(name: string, problems: DraftProblem[], code: DraftProblem['code']): void {
  expect(problems).toEqual([{ code, file: name, message: expect.stringMatching(/^A saved draft file .*\.$/) }]);
  const files = filesIn(dataDir);
  expect(files).not.toContain(name);
  expect(files.filter((f) => f.startsWith(`${name}.quarantined-${clock.t}`))).toHaveLength(1);
  // Reports carry a code, a hashed file name and a fixed sentence: nothing from the drafts.
  const reported = JSON.stringify(problems);
  for (const value of [alice, bob, 'Patient of', 'Secret note']) expect(reported).not.toContain(value);
}

describe('draft vault: torn and tampered seals are set aside, reported, never shown', () => {
  it('a torn file (truncated mid-way) is quarantined as DRAFTS_FILE_TORN', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    const full = join(dataDir, name);
    truncateSync(full, Math.floor(readFileSync(full).length / 2));
    const { vault, problems } = await open();
    expect(await vault.restore(alice)).toEqual([]);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TORN');
  });

  it('an empty file (crash before any byte) is quarantined as torn', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    writeFileSync(join(dataDir, name), '');
    const { vault, problems } = await open();
    expect(await vault.load(alice)).toEqual([]);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TORN');
  });

  it('one flipped byte in the ciphertext is quarantined as DRAFTS_FILE_TAMPERED', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    const full = join(dataDir, name);
    const parts = readFileSync(full, 'utf8').split('.');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
    ciphertext[Math.floor(ciphertext.length / 2)] = (ciphertext[Math.floor(ciphertext.length / 2)] ?? 0) ^ 0x01;
    parts[3] = ciphertext.toString('base64url');
    writeFileSync(full, parts.join('.'));
    const { vault, problems } = await open();
    expect(await vault.restore(alice)).toEqual([]);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TAMPERED');
  });

  it('a swapped header (an older seal’s, to dodge retention) is quarantined as tampered', async () => {
    const first = await open();
    await first.vault.save(alice, sensitive.track(draft('d1', 'Header Patient', 'first seal')));
    await first.vault.seal(alice);
    const name = filesIn(dataDir)[0] ?? '';
    const oldHeader = readFileSync(join(dataDir, name), 'utf8').split('.')[0] ?? '';
    clock.advance(hour);
    await first.vault.save(alice, sensitive.track(draft('d2', 'Header Patient', 'second seal')));
    await first.vault.seal(alice);
    const parts = readFileSync(join(dataDir, name), 'utf8').split('.');
    expect(parts[0]).not.toBe(oldHeader);
    parts[0] = oldHeader;
    writeFileSync(join(dataDir, name), parts.join('.'));
    const { vault, problems } = await open();
    expect(await vault.restore(alice)).toEqual([]);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TAMPERED');
  });

  it('a header edited to move sealedAt forward is quarantined as tampered', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    const parts = readFileSync(join(dataDir, name), 'utf8').split('.');
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    parts[0] = Buffer.from(JSON.stringify({ ...header, sealedAt: clock.t + 1000 })).toString('base64url');
    writeFileSync(join(dataDir, name), parts.join('.'));
    const { vault, problems } = await open();
    expect(await vault.restore(alice)).toEqual([]);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TAMPERED');
  });

  it('files swapped between clinicians open for neither, and both are reported', async () => {
    const files = await sealedFiles(alice, bob);
    const a = files.get(alice) ?? '';
    const b = files.get(bob) ?? '';
    renameSync(join(dataDir, a), join(dataDir, 'swap'));
    renameSync(join(dataDir, b), join(dataDir, a));
    renameSync(join(dataDir, 'swap'), join(dataDir, b));
    const { vault, problems } = await open();
    expect(await vault.restore(bob)).toEqual([]);
    expect(await vault.restore(alice)).toEqual([]);
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['DRAFTS_FILE_TAMPERED', b],
      ['DRAFTS_FILE_TAMPERED', a],
    ]);
    expect(JSON.stringify(problems)).not.toContain('Secret note');
  });

  it('a sweep finds a tampered file too, and the key that went with it is shredded', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    writeFileSync(join(dataDir, name), 'not.a.jwe');
    const { vault, problems } = await open();
    expect(await vault.sweepExpired()).toBe(1);
    expectQuarantined(name, problems, 'DRAFTS_FILE_TORN');
    expect(await store.accounts(service)).toEqual(['subject-naming-key']);
    // Quarantined files go once they are past retention; by then no key exists to open them.
    clock.advance(12 * hour);
    await vault.sweepExpired();
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('a temp file left by a crash mid-write is removed at start and never read', async () => {
    const name = (await sealedFiles(alice)).get(alice) ?? '';
    writeFileSync(join(dataDir, `${name}.tmp-crash1`), 'half a seal');
    const { vault, problems } = await open();
    expect(filesIn(dataDir)).toEqual([name]);
    expect(await vault.restore(alice)).toEqual([draft(`d-${alice}`, `Patient of ${alice}`, `Secret note of ${alice}`)]);
    expect(problems).toEqual([]);
  });
});

describe('the plaintext scan every vault test ends with', () => {
  it('catches a plaintext file (so a passing scan means something)', () => {
    const guard = new Sensitive();
    const dir = guard.folder();
    guard.note('Mrs Plaintext');
    mkdirSync(dir);
    writeFileSync(join(dir, 'leak.json'), JSON.stringify({ patient: 'Mrs Plaintext' }));
    expect(() => guard.assertNothingInPlaintext()).toThrow(/plaintext/);
    guard.cleanUp();
  });
});
