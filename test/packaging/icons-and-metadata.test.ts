// The icon and the publisher details a ward PC shows (issue 14 item 10): electron-builder.yml names
// icon files that exist and are what assets/make-icons.mjs draws (so the picture has one source),
// the ICO holds every size Windows asks for, and package.json names its author (the MSI's
// Manufacturer, the deb's vendor).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ico, icoSizes, png, svg } from '../../assets/make-icons.mjs';
import { readRawConfig, repoRoot } from './builder-config';

const file = (relative: string): Buffer => readFileSync(path.join(repoRoot, relative));

describe('icons', () => {
  it('electron-builder.yml names an icon for Windows, Linux and macOS, and each file exists', async () => {
    const raw = (await readRawConfig()) as unknown as Record<string, { icon?: string } | undefined>;
    const icons = { win: raw['win']?.icon, linux: raw['linux']?.icon, mac: raw['mac']?.icon };
    expect(icons).toEqual({ win: 'assets/icon.ico', linux: 'assets/icon.png', mac: 'assets/icon.png' });
    for (const icon of Object.values(icons)) expect(() => file(icon!), icon).not.toThrow();
  });

  it('the committed files are exactly what assets/make-icons.mjs draws (run it after changing a shape)', () => {
    expect(file('assets/icon.svg').toString('utf8')).toBe(svg());
    expect(file('assets/icon.png').equals(png(512))).toBe(true);
    expect(file('assets/icon.ico').equals(ico())).toBe(true);
  });

  it('the PNG is 512 px square and the ICO has PNG frames from 16 to 256 px', () => {
    const image = file('assets/icon.png');
    expect(image.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([512, 512]);
    const icon = file('assets/icon.ico');
    expect([icon.readUInt16LE(0), icon.readUInt16LE(2)]).toEqual([0, 1]);
    const count = icon.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => icon[6 + 16 * i] || 256);
    expect(sizes).toEqual(icoSizes);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    for (let i = 0; i < count; i++) {
      const offset = icon.readUInt32LE(6 + 16 * i + 12);
      expect(icon.subarray(offset + 1, offset + 4).toString('ascii')).toBe('PNG');
    }
  });
});

describe('package.json', () => {
  it('names its author (the publisher Windows shows for the MSI) and describes the app', () => {
    const pkg = JSON.parse(file('package.json').toString('utf8')) as Record<string, unknown>;
    expect(
      typeof pkg['author'] === 'string' ? pkg['author'] : (pkg['author'] as { name?: string } | undefined)?.name,
    ).toMatch(/\S/);
    expect(pkg['description']).toMatch(/NHS ward workstations/);
    if (pkg['homepage'] !== undefined) expect(String(pkg['homepage'])).toMatch(/^https:\/\//);
  });
});
