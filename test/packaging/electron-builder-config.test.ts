// electron-builder.yml against electron-builder's own schema, then every setting issue 5 asks
// for. Installers cannot be built on CI, so this is where a bad edit to the packaging fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';
import { loadEffectiveConfig, readRawConfig, repoRoot, validateLikeElectronBuilder } from './builder-config';
import { signingStatus } from '../../scripts/check-signing.mjs';

// Fixed forever: Windows Installer finds the previous version by this code for the in-place
// major upgrade. A new code would install a second copy next to the old one on every ward PC.
const upgradeCode = '8b3c2f4e-6a1d-4c7e-9f52-3d0e6b1a7c94';

let raw: Configuration;
beforeAll(async () => {
  raw = await readRawConfig();
});

/** The effective configuration with one edit applied, for proving the validator bites. */
async function editedConfig(edit: (config: Record<string, unknown>) => void): Promise<Configuration> {
  const config = (await loadEffectiveConfig()) as unknown as Record<string, unknown>;
  edit(config);
  return config as Configuration;
}

const section = (config: Configuration, key: string): Record<string, unknown> => {
  const value = (config as Record<string, unknown>)[key];
  if (typeof value !== 'object' || value === null) throw new Error(`electron-builder.yml has no '${key}' section.`);
  return value as Record<string, unknown>;
};

describe('electron-builder.yml against electron-builder’s own schema', () => {
  it('is accepted by electron-builder’s configuration validator', async () => {
    await expect(validateLikeElectronBuilder(await loadEffectiveConfig())).resolves.toBeUndefined();
  });

  type Edit = (c: Record<string, unknown>) => void;
  const sub = (c: Record<string, unknown>, key: string) => c[key] as Record<string, unknown>;
  it.each<[string, Edit, string]>([
    ['a misspelt MSI key', (c) => (sub(c, 'msi')['perMachien'] = true), 'configuration.msi '],
    ['a misspelt top-level key', (c) => (c['electronFuse'] = { runAsNode: false }), "unknown property 'electronFuse'"],
    ['an unknown fuse', (c) => (sub(c, 'electronFuses')['runAsNodeJs'] = false), 'configuration.electronFuses '],
    [
      'a fuse that is not a boolean',
      (c) => (sub(c, 'electronFuses')['runAsNode'] = 'off'),
      'configuration.electronFuses.runAsNode should be a boolean',
    ],
    [
      'a misspelt signtool option',
      (c) => (sub(sub(c, 'win'), 'signtoolOptions')['signingHashAlgorithm'] = ['sha256']),
      'configuration.win.signtoolOptions ',
    ],
  ])('rejects %s, as electron-builder would', async (_name, edit, where) => {
    const failure = validateLikeElectronBuilder(await editedConfig(edit));
    await expect(failure).rejects.toThrow(/^Invalid configuration object/);
    await expect(failure).rejects.toThrow(where);
  });
});

describe('Windows MSI for ward PCs', () => {
  it('builds an x64 MSI', () => {
    expect(section(raw, 'win')['target']).toEqual([{ target: 'msi', arch: ['x64'] }]);
  });

  it('installs per machine, for every user, silently (one click)', () => {
    expect(section(raw, 'msi')).toMatchObject({ perMachine: true, oneClick: true, runAfterFinish: false });
  });

  it('keeps the fixed upgrade code, a valid GUID', () => {
    const code = section(raw, 'msi')['upgradeCode'];
    expect(code).toBe(upgradeCode);
    expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  });

  it('adds a Start-menu entry and no desktop shortcut', () => {
    const msi = section(raw, 'msi');
    // electron-builder makes a desktop shortcut unless this is exactly false.
    expect(msi['createDesktopShortcut']).toBe(false);
    expect(msi['createStartMenuShortcut']).toBe(true);
  });

  it('treats WiX warnings as errors', () => {
    expect(section(raw, 'msi')['warningsAsErrors']).toBe(true);
  });
});

describe('no auto-update: IT controls the version', () => {
  it('disables publishing, so no update feed or app-update.yml is generated', () => {
    // electron-builder reads `publish` from the target, then the platform, then the top level;
    // an explicit null at the top stops it only if nothing below sets one.
    expect(raw.publish).toBeNull();
    for (const key of ['win', 'msi', 'linux', 'deb', 'appImage', 'mac', 'dmg']) {
      const value = (raw as Record<string, unknown>)[key];
      if (value !== undefined) expect(section(raw, key)['publish'] ?? null, key).toBeNull();
    }
  });

  it('ships no updater library', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('electron-updater');
  });
});

describe('the packaged app', () => {
  it('flips every fuse issue 5 names', () => {
    expect(raw.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('is packed into an asar archive, unpacking only what asarUnpack names', () => {
    // An object turns asar on; smartUnpack off stops electron-builder unpacking whole package
    // folders on its own guess (test/packaging/native-modules.test.ts shows what it would unpack).
    expect(raw.asar).toEqual({ smartUnpack: false });
  });

  it('unpacks native .node files only, never JavaScript', () => {
    expect(raw.asarUnpack).toEqual(['**/*.node']);
  });

  it('checks the native credential-store package is installed before packing any platform', () => {
    expect(raw.beforePack).toBe('./scripts/check-native.mjs');
  });

  it('lists only the built app in files, and excludes source maps', () => {
    expect(raw.files).toEqual(['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'package.json', '!**/*.map']);
  });
});

describe('developer builds', () => {
  it('builds a deb and an AppImage on Linux and a dmg on macOS', () => {
    expect(section(raw, 'linux')['target']).toEqual(['deb', 'AppImage']);
    expect(section(raw, 'mac')['target']).toEqual(['dmg']);
  });
});

describe('code signing (issue 13, item 8)', () => {
  it('signs the exe after editing it, its native modules and the MSI with SHA-256, the certificate coming from the environment only', () => {
    const win = section(raw, 'win');
    expect(win['signAndEditExecutable']).toBe(true);
    expect(win['signExts']).toEqual(['.node']);
    expect(win['signtoolOptions']).toEqual({ signingHashAlgorithms: ['sha256'] });
    // No certificate, password or subject in the repository: CSC_LINK / CSC_KEY_PASSWORD on the build machine.
    const text = readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/certificate(File|Password|Sha1|SubjectName)\s*:/);
  });

  it('package:win checks signing first, and the check says unsigned (or fails on request) without a certificate', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['package:win']?.startsWith('node scripts/check-signing.mjs && ')).toBe(true);
    expect(signingStatus({})).toMatchObject({ signed: false, required: false });
    expect(signingStatus({ CWS_REQUIRE_SIGNING: '1' })).toMatchObject({ signed: false, required: true });
    expect(signingStatus({ CSC_LINK: 'C:\\certs\\trust.pfx' }).signed).toBe(false);
    expect(signingStatus({ CSC_LINK: 'C:\\certs\\trust.pfx', CSC_KEY_PASSWORD: 'x' }).signed).toBe(true);
    expect(signingStatus({ WIN_CSC_LINK: 'https://vault.example/cert.pfx', WIN_CSC_KEY_PASSWORD: 'x' }).signed).toBe(
      true,
    );
  });
});
