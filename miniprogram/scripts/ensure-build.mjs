#!/usr/bin/env node
// Builds the mini-program for `h5` or `weapp` unless its output matches the sources. The fingerprint is
// a hash of the inputs' contents (not mtimes: a fresh clone has new mtimes), kept in the output folder.
// Used by `npm start` (h5) and test/run.mjs (both). Usage: node ensure-build.mjs h5|weapp [--force]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const mp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(mp, '..');
const type = process.argv[2];
if (type !== 'h5' && type !== 'weapp') {
  console.error('usage: ensure-build.mjs h5|weapp [--force]');
  process.exit(2);
}
const out = path.join(mp, type === 'h5' ? 'dist-h5' : 'dist');
const stamp = path.join(out, '.finecity-build');
const inputs = [
  path.join(mp, 'src'), path.join(mp, 'config'), path.join(mp, 'babel.config.js'), path.join(mp, 'package.json'),
  path.join(mp, 'tsconfig.json'), path.join(repo, 'types', 'src'),
];

function files(p) {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).sort().flatMap((n) => (n.endsWith('.test.ts') ? [] : files(path.join(p, n))));
}

const hash = crypto.createHash('sha256');
hash.update(`${type}\0${process.env.TARO_APP_API_BASE ?? ''}\0`);
for (const f of inputs.flatMap(files)) hash.update(path.relative(repo, f)).update('\0').update(fs.readFileSync(f));
const want = hash.digest('hex');
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';

if (want === have && !process.argv.includes('--force')) {
  console.log(`mini-program ${type} build is up to date (${path.relative(repo, out)})`);
  process.exit(0);
}
console.log(`building the mini-program for ${type} → ${path.relative(repo, out)} (taro build --type ${type}, about a minute)…`);
const started = Date.now();
const taro = path.join(repo, 'node_modules', '@tarojs', 'cli', 'bin', 'taro');
const r = spawnSync(process.execPath, [taro, 'build', '--type', type], {
  cwd: mp,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, NODE_ENV: 'production' },
  encoding: 'utf8',
});
const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
if (r.status !== 0 || /Compiled with some errors|Failed to compile/.test(log)) {
  process.stderr.write(log);
  console.error(`taro build --type ${type} failed`);
  process.exit(1);
}
if (type === 'h5') precompress(out);
fs.writeFileSync(stamp, `${want}\n`);
console.log(`built ${type} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * The server sends these .br/.gz siblings instead of compressing on each request (server/src/http/static.ts):
 * maximum brotli once at build time is about a quarter smaller than on-the-fly compression.
 */
function precompress(dir) {
  for (const f of files(dir)) {
    if (!/\.(js|css|html|json|svg)$/.test(f)) continue;
    const raw = fs.readFileSync(f);
    if (raw.length < 1024) continue;
    fs.writeFileSync(`${f}.br`, zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
    fs.writeFileSync(`${f}.gz`, zlib.gzipSync(raw, { level: 9 }));
  }
}
