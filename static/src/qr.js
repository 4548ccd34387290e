// A QR code (ISO/IEC 18004) as an SVG element, drawn in the page from text — the otpauth:// URL of a
// TOTP secret, which must never go to an image service. Byte mode (UTF-8), error correction level M,
// the smallest version (1–40) that holds the text. Module placement and the choice of mask follow
// qrcode-generator (Kazuhiko Arase, MIT), which e2e/qr_test.go checks this encoder against, module for
// module; this one is a twentieth of its size in the bundle.

// The error correction blocks of level M per version: [count, total codewords, data codewords]…
const BLOCKS = [[1, 26, 16], [1, 44, 28], [1, 70, 44], [2, 50, 32], [2, 67, 43], [4, 43, 27], [4, 49, 31],
  [2, 60, 38, 2, 61, 39], [3, 58, 36, 2, 59, 37], [4, 69, 43, 1, 70, 44], [1, 80, 50, 4, 81, 51], [6, 58, 36, 2, 59, 37],
  [8, 59, 37, 1, 60, 38], [4, 64, 40, 5, 65, 41], [5, 65, 41, 5, 66, 42], [7, 73, 45, 3, 74, 46], [10, 74, 46, 1, 75, 47],
  [9, 69, 43, 4, 70, 44], [3, 70, 44, 11, 71, 45], [3, 67, 41, 13, 68, 42], [17, 68, 42], [17, 74, 46], [4, 75, 47, 14, 76, 48],
  [6, 73, 45, 14, 74, 46], [8, 75, 47, 13, 76, 48], [19, 74, 46, 4, 75, 47], [22, 73, 45, 3, 74, 46], [3, 73, 45, 23, 74, 46],
  [21, 73, 45, 7, 74, 46], [19, 75, 47, 10, 76, 48], [2, 74, 46, 29, 75, 47], [10, 74, 46, 23, 75, 47], [14, 74, 46, 21, 75, 47],
  [14, 74, 46, 23, 75, 47], [12, 75, 47, 26, 76, 48], [6, 75, 47, 34, 76, 48], [29, 74, 46, 14, 75, 47], [13, 74, 46, 32, 75, 47],
  [40, 75, 47, 7, 76, 48], [18, 75, 47, 31, 76, 48]];

// GF(256) with the polynomial x⁸+x⁴+x³+x²+1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++, x = (x << 1) ^ (x & 0x80 ? 0x11d : 0)) {
  EXP[i] = x;
  LOG[x] = i;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

/** The n error correction codewords of data (Reed–Solomon, generator ∏(x − αⁱ), i < n). */
function correction(data, n) {
  let g = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(g.length + 1).fill(0);
    g.forEach((c, j) => {
      next[j] ^= c;
      next[j + 1] ^= mul(c, EXP[i]);
    });
    g = next;
  }
  const r = new Array(n).fill(0);
  for (const d of data) {
    const f = d ^ r.shift();
    r.push(0);
    for (let j = 0; j < n; j++) r[j] ^= mul(g[j + 1], f);
  }
  return r;
}

/** The centres of the alignment patterns of a version, on each axis. */
function alignment(v) {
  if (v === 1) return [];
  const n = Math.floor(v / 7) + 2;
  const step = v === 32 ? 26 : Math.ceil((v * 4 + 4) / (n * 2 - 2)) * 2;
  const out = [6];
  for (let p = v * 4 + 10; out.length < n; p -= step) out.splice(1, 0, p);
  return out;
}

/** A BCH code: data followed by the remainder of data·x^bits modulo g. */
function bch(data, g, bits) {
  let d = data << bits;
  const top = 31 - Math.clz32(g);
  while (31 - Math.clz32(d) >= top) d ^= g << (31 - Math.clz32(d) - top);
  return (data << bits) | d;
}

const MASKS = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/** The codewords of text in version v, interleaved, or null when it does not fit. */
function codewords(bytes, v) {
  const blocks = [];
  const t = BLOCKS[v - 1];
  for (let i = 0; i < t.length; i += 3) for (let k = 0; k < t[i]; k++) blocks.push([t[i + 1], t[i + 2]]);
  const capacity = blocks.reduce((s, b) => s + b[1], 0) * 8;
  const bits = [];
  const put = (num, len) => {
    for (let i = len - 1; i >= 0; i--) bits.push((num >>> i) & 1);
  };
  put(4, 4); // byte mode
  put(bytes.length, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  if (bits.length > capacity) return null;
  if (bits.length + 4 <= capacity) put(0, 4);
  while (bits.length % 8) bits.push(0);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  let offset = 0;
  const dc = blocks.map(([total, n]) => data.slice(offset, (offset += n)));
  const ec = blocks.map(([total, n], i) => correction(dc[i], total - n));
  const out = [];
  for (const group of [dc, ec]) {
    const longest = Math.max(...group.map((b) => b.length));
    for (let i = 0; i < longest; i++) for (const b of group) if (i < b.length) out.push(b[i]);
  }
  return out;
}

/** The modules of version v with mask m (test: format and version information left light, to score masks). */
function layout(v, data, m, test) {
  const n = v * 4 + 17;
  const q = Array.from({length: n}, () => new Array(n).fill(null));
  for (const [row, col] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        if (row + r < 0 || row + r >= n || col + c < 0 || col + c >= n) continue;
        q[row + r][col + c] = (r >= 0 && r <= 6 && (c === 0 || c === 6)) || (c >= 0 && c <= 6 && (r === 0 || r === 6)) ||
          (r >= 2 && r <= 4 && c >= 2 && c <= 4);
      }
    }
  }
  const pos = alignment(v);
  for (const row of pos) {
    for (const col of pos) {
      if (q[row][col] !== null) continue;
      for (let r = -2; r <= 2; r++) for (let c = -2; c <= 2; c++) q[row + r][col + c] = Math.max(Math.abs(r), Math.abs(c)) !== 1;
    }
  }
  for (let i = 8; i < n - 8; i++) {
    if (q[i][6] === null) q[i][6] = i % 2 === 0;
    if (q[6][i] === null) q[6][i] = i % 2 === 0;
  }
  const format = bch(m, 0x537, 10) ^ 0x5412; // level M is 00
  for (let i = 0; i < 15; i++) {
    const dark = !test && ((format >> i) & 1) === 1;
    q[i < 6 ? i : i < 8 ? i + 1 : n - 15 + i][8] = dark;
    q[8][i < 8 ? n - i - 1 : i < 9 ? 15 - i : 14 - i] = dark;
  }
  q[n - 8][8] = !test;
  if (v >= 7) {
    const version = bch(v, 0x1f25, 12);
    for (let i = 0; i < 18; i++) {
      const dark = !test && ((version >> i) & 1) === 1;
      q[Math.floor(i / 3)][(i % 3) + n - 11] = dark;
      q[(i % 3) + n - 11][Math.floor(i / 3)] = dark;
    }
  }
  const mask = MASKS[m];
  let bit = 0;
  for (let col = n - 1, up = true; col > 0; col -= 2, up = !up) {
    if (col === 6) col--;
    for (let k = 0; k < n; k++) {
      const row = up ? n - 1 - k : k;
      for (let c = 0; c < 2; c++) {
        if (q[row][col - c] !== null) continue;
        const byte = bit >> 3;
        const dark = byte < data.length && ((data[byte] >>> (7 - (bit & 7))) & 1) === 1;
        q[row][col - c] = dark !== mask(row, col - c);
        bit++;
      }
    }
  }
  return q;
}

/** How bad a mask looks (qrcode-generator's measure): runs, blocks, finder-like patterns, balance. */
function penalty(q) {
  const n = q.length;
  let lost = 0;
  let dark = 0;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      let same = 0;
      for (let r = -1; r <= 1; r++) {
        for (let c = -1; c <= 1; c++) {
          if ((r || c) && row + r >= 0 && row + r < n && col + c >= 0 && col + c < n && q[row + r][col + c] === q[row][col]) same++;
        }
      }
      if (same > 5) lost += 3 + same - 5;
      if (row < n - 1 && col < n - 1) {
        const k = q[row][col] + q[row + 1][col] + q[row][col + 1] + q[row + 1][col + 1];
        if (k === 0 || k === 4) lost += 3;
      }
      if (col < n - 6 && q[row][col] && !q[row][col + 1] && q[row][col + 2] && q[row][col + 3] && q[row][col + 4] &&
        !q[row][col + 5] && q[row][col + 6]) lost += 40;
      if (row < n - 6 && q[row][col] && !q[row + 1][col] && q[row + 2][col] && q[row + 3][col] && q[row + 4][col] &&
        !q[row + 5][col] && q[row + 6][col]) lost += 40;
      if (q[row][col]) dark++;
    }
  }
  return lost + (Math.abs((100 * dark) / n / n - 50) / 5) * 10;
}

/** The QR code of text: rows of booleans (true: dark), without the quiet zone. */
export function qrMatrix(text) {
  const bytes = new TextEncoder().encode(text);
  for (let v = 1; v <= 40; v++) {
    const data = codewords(bytes, v);
    if (!data) continue;
    let best = 0;
    let least = Infinity;
    for (let m = 0; m < 8; m++) {
      const p = penalty(layout(v, data, m, true));
      if (p < least) [least, best] = [p, m];
    }
    return layout(v, data, best, false);
  }
  throw new Error('qr: text too long');
}

const SVG = 'http://www.w3.org/2000/svg';

/** The QR code of text as an <svg>: dark modules on white, a quiet zone of margin modules, scale pixels a module. */
export function qrSVG(text, {scale = 4, margin = 4} = {}) {
  const q = qrMatrix(text);
  const n = q.length;
  let d = '';
  q.forEach((row, r) => row.forEach((dark, c) => {
    if (dark) d += `M${c + margin} ${r + margin}h1v1h-1z`;
  }));
  const size = n + 2 * margin;
  const el = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const svg = el('svg', {viewBox: `0 0 ${size} ${size}`, width: size * scale, height: size * scale, 'shape-rendering': 'crispEdges'});
  svg.dataset.modules = String(n);
  svg.append(el('rect', {width: size, height: size, fill: '#fff'}), el('path', {d, fill: '#000'}));
  return svg;
}
