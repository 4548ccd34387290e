// Prints, for a fixed set of texts, the version and a SHA-256 of the QR code that src/qr.js draws, one
// line each: "length version sha256". qr_test.go compares the lines with testdata/qr.txt, which
// `node e2e/qrcheck.mjs --reference > e2e/testdata/qr.txt` makes with qrcode-generator (a
// devDependency, never bundled): the two encoders must agree module for module, at every version.
import {createHash} from 'node:crypto';
import {qrMatrix} from '../src/qr.js';

const reference = process.argv.includes('--reference');
let encode = qrMatrix;
if (reference) {
  const {default: qrcode} = await import('qrcode-generator');
  encode = (text) => {
    const q = qrcode(0, 'M');
    q.addData(text); // ASCII only below: its bytes are the same as UTF-8's
    q.make();
    const n = q.getModuleCount();
    return Array.from({length: n}, (_, r) => Array.from({length: n}, (_, c) => q.isDark(r, c)));
  };
}

// Texts of a URL's characters, from a fixed seed.
let seed = 20260301;
const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%:/?&=.-_';
const text = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    s += chars[seed % chars.length];
  }
  return s;
};
const lengths = [0, 1, 2, 5, 10, 14, 20, 26, 32, 42, 53, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504,
  560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331];
const texts = ['otpauth://totp/officemap:auditor?algorithm=SHA1&digits=6&issuer=officemap&period=30&secret=7FI2PCNXAWRJMZ52ZJJVUKERT4KFEYHB',
  ...lengths.map(text)];
for (const t of texts) {
  const q = encode(t);
  const bits = q.map((row) => row.map((d) => (d ? '1' : '0')).join('')).join('\n');
  console.log(`${t.length} ${(q.length - 17) / 4} ${createHash('sha256').update(bits).digest('hex')}`);
}
