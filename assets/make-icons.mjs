#!/usr/bin/env node
// Draws the shell's icon from the shapes below, with no image library and nothing downloaded:
// icon.svg (the source to read), icon.png (512 px, for the Linux packages and macOS) and icon.ico
// (16 to 256 px PNG frames, for the Windows exe, MSI and shortcuts). electron-builder reads them
// from this folder (directories.buildResources in electron-builder.yml).
// Run again after changing a shape: node assets/make-icons.mjs (test/packaging/icons.test.ts
// fails while the committed files differ from what this draws).
//
// The picture: a ward workstation's screen with a padlock on it, white on NHS blue (#005eb8).
// It is our own drawing, not the NHS logo, which only the NHS identity guidelines may place.
// Node's globals imported by name: eslint's Node globals cover scripts/, not this folder.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const BLUE = [0x00, 0x5e, 0xb8];
const WHITE = [0xff, 0xff, 0xff];

/** Shapes on a 256-unit square, painted in order. */
export const shapes = [
  { kind: 'rect', x: 16, y: 16, w: 224, h: 224, r: 48, colour: BLUE }, // the tile
  { kind: 'rect', x: 44, y: 54, w: 168, h: 116, r: 12, colour: WHITE }, // the screen
  { kind: 'rect', x: 114, y: 170, w: 28, h: 22, r: 0, colour: WHITE }, // its stand
  { kind: 'rect', x: 80, y: 190, w: 96, h: 16, r: 8, colour: WHITE }, // and foot
  { kind: 'ring', cx: 128, cy: 106, outer: 20, inner: 11, upperHalf: true, colour: BLUE }, // the padlock's shackle
  { kind: 'rect', x: 104, y: 104, w: 48, h: 44, r: 6, colour: BLUE }, // its body
  { kind: 'rect', x: 124, y: 118, w: 8, h: 16, r: 4, colour: WHITE }, // its keyhole
];

const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export function svg() {
  const body = shapes.map((s) => {
    if (s.kind === 'rect')
      return `  <rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${hex(s.colour)}"/>`;
    const mid = (s.outer + s.inner) / 2;
    return `  <path d="M ${s.cx - mid} ${s.cy} A ${mid} ${mid} 0 0 1 ${s.cx + mid} ${s.cy}" fill="none" stroke="${hex(s.colour)}" stroke-width="${s.outer - s.inner}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256">\n  <title>Clinical Workstation Shell</title>\n${body.join('\n')}\n</svg>\n`;
}

function inside(s, x, y) {
  if (s.kind === 'rect') {
    if (x < s.x || x > s.x + s.w || y < s.y || y > s.y + s.h) return false;
    const cx = Math.min(Math.max(x, s.x + s.r), s.x + s.w - s.r);
    const cy = Math.min(Math.max(y, s.y + s.r), s.y + s.h - s.r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= s.r ** 2;
  }
  const d = Math.hypot(x - s.cx, y - s.cy);
  return d <= s.outer && d >= s.inner && (!s.upperHalf || y <= s.cy);
}

/** RGBA pixels at `size` px, 4×4 samples a pixel for smooth edges. */
export function raster(size) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let pxX = 0; pxX < size; pxX++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = ((pxX + (sx + 0.5) / n) * 256) / size;
          const y = ((py + (sy + 0.5) / n) * 256) / size;
          let colour = null;
          for (const s of shapes) if (inside(s, x, y)) colour = s.colour;
          if (colour !== null) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const o = (py * size + pxX) * 4;
      // Colour averaged over the covered samples (unpremultiplied), coverage as alpha.
      px[o] = a ? Math.round(r / a) : 0;
      px[o + 1] = a ? Math.round(g / a) : 0;
      px[o + 2] = a ? Math.round(b / a) : 0;
      px[o + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return px;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG (RGBA, 8 bits, no filter), as the PNG specification (W3C, second edition) lays it out. */
export function png(size) {
  const px = raster(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) px.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const icoSizes = [16, 24, 32, 48, 64, 128, 256];

/** An ICO of PNG frames (Windows Vista and later read PNG frames; 256 is written as 0). */
export function ico() {
  const frames = icoSizes.map((size) => ({ size, data: png(size) }));
  const header = Buffer.alloc(6 + 16 * frames.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(frames.length, 4);
  let offset = header.length;
  frames.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header[e] = size % 256;
    header[e + 1] = size % 256;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...frames.map((f) => f.data)]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = (name) => fileURLToPath(new URL(name, import.meta.url));
  writeFileSync(here('icon.svg'), svg());
  writeFileSync(here('icon.png'), png(512));
  writeFileSync(here('icon.ico'), ico());
  console.log('assets/icon.svg, icon.png (512 px) and icon.ico written.');
}
