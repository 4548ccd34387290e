// Builds the app into dist/ (or the directory after --out): app-[hash].js and app-[hash].css from
// src/main.js, and index.html from src/index.html pointing at them. The output depends only on the
// sources and the locked packages: the same inputs give byte-identical files (dist_test.go checks that
// the committed dist/ is what this script makes).
import * as esbuild from 'esbuild';
import {mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outdir = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(here, 'dist'));

// Only the build's own files are removed, so a mistaken --out cannot wipe a directory.
await mkdir(outdir, {recursive: true});
for (const name of await readdir(outdir)) {
  if (name === 'index.html' || /^[a-z]+-[A-Z0-9]{8}\.(js|css)$/.test(name)) await rm(path.join(outdir, name));
}

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: {app: 'src/main.js'},
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  splitting: true, // the editor is a chunk of its own, loaded when a planner opens it
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir,
  metafile: true,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
});

let js = '';
let css = '';
let preload = [];
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (out.entryPoint !== 'src/main.js') continue;
  js = path.basename(file);
  css = out.cssBundle ? path.basename(out.cssBundle) : '';
  // The chunks the entry imports statically, fetched in parallel with it.
  preload = out.imports.filter((i) => i.kind === 'import-statement').map((i) => path.basename(i.path)).sort();
}
if (!js || !css) throw new Error(`build: no entry script or style sheet among ${Object.keys(result.metafile.outputs)}`);

const html = (await readFile(path.join(here, 'src/index.html'), 'utf8'))
  .replace('{{JS}}', `./${js}`)
  .replace('{{CSS}}', `./${css}`)
  .replace('{{PRELOAD}}\n', preload.map((p) => `<link rel="modulepreload" href="./${p}">\n`).join(''));
await writeFile(path.join(outdir, 'index.html'), html);
const files = Object.keys(result.metafile.outputs).map((f) => path.basename(f)).sort();
console.log(`build: ${path.relative(process.cwd(), outdir) || '.'}: index.html ${files.join(' ')}`);
