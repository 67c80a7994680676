/**
 * Draws the extension's icon (images/icon.png, 128×128): a database cylinder under a magnifying
 * lens on a dark rounded square. Shapes are distance functions, sampled 4×4 per pixel for smooth
 * edges, and the PNG is encoded here, so the icon needs no drawing program and no font.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;
const background = [21, 30, 52];
const cylinder = [45, 212, 191];
const cylinderShade = [20, 150, 136];
const lens = [241, 245, 249];
const glass = [148, 163, 184];

/** The colour and opacity at a point of the 128×128 canvas, painting shapes back to front. */
function paint(x, y) {
  let colour = [0, 0, 0];
  let alpha = 0;
  const over = (rgb, a) => {
    colour = colour.map((c, i) => c * (1 - a) + rgb[i] * a);
    alpha = alpha + a * (1 - alpha);
  };
  // Rounded square.
  if (roundedBox(x - 64, y - 64, 60, 60, 22) <= 0) over(background, 1);
  // Database: a cylinder of three discs, drawn as ellipses and the bands between them.
  const cx = 54;
  const rx = 30;
  const ry = 10;
  for (const top of [78, 60, 42]) {
    const inBand = Math.abs(x - cx) <= rx && y >= top && y <= top + 14;
    const inBottom = ellipse(x - cx, y - (top + 14), rx, ry) <= 0;
    if (inBand || inBottom) over(cylinderShade, 1);
    if (ellipse(x - cx, y - top, rx, ry) <= 0) over(top === 42 ? cylinder : cylinderShade, 1);
    if (top !== 42 && Math.abs(x - cx) <= rx && Math.abs(ellipse(x - cx, y - top, rx, ry)) < 0.09) over(background, 0.6);
  }
  if (ellipse(x - cx, y - 42, rx, ry) <= 0) over(cylinder, 1);
  // Lens: a ring with a tinted glass, and its handle.
  const lx = 82;
  const ly = 74;
  const distance = Math.hypot(x - lx, y - ly);
  if (distance <= 19) over(glass, 0.35);
  if (distance > 19 && distance <= 26) over(lens, 1);
  const along = ((x - lx) + (y - ly)) / Math.SQRT2;
  const across = ((x - lx) - (y - ly)) / Math.SQRT2;
  if (along >= 25 && along <= 46 && Math.abs(across) <= 6) over(lens, 1);
  return [...colour, alpha];
}

function roundedBox(x, y, halfWidth, halfHeight, radius) {
  const qx = Math.abs(x) - halfWidth + radius;
  const qy = Math.abs(y) - halfHeight + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Negative inside the ellipse, 0 on it (in units of its radii). */
function ellipse(x, y, rx, ry) {
  return (x / rx) ** 2 + (y / ry) ** 2 - 1;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let px = 0; px < SIZE; px++) {
    let sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const [r, g, b, a] = paint(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        sum = [sum[0] + r * a, sum[1] + g * a, sum[2] + b * a, sum[3] + a];
      }
    }
    const a = sum[3] / (SAMPLES * SAMPLES);
    const unpremultiply = (c) => (sum[3] === 0 ? 0 : Math.round(c / sum[3]));
    row.set([unpremultiply(sum[0]), unpremultiply(sum[1]), unpremultiply(sum[2]), Math.round(a * 255)], 1 + px * 4);
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace.
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const output = join(import.meta.dirname, '..', 'images', 'icon.png');
mkdirSync(join(import.meta.dirname, '..', 'images'), { recursive: true });
writeFileSync(output, png);
console.log(`${output}: ${png.length} bytes`);
