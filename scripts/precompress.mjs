// After the web build: write brotli (.br) and gzip (.gz) copies beside each text asset of web/dist, compressed
// once at the highest levels, so the server sends them as they are (@fastify/static `preCompressed`) instead
// of compressing on every request. A copy that saves less than a tenth of the size is not kept.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = process.argv[2] ?? 'web/dist';
const TEXT = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
let saved = 0;
for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
  const file = join(root, name);
  if (!TEXT.test(name) || !statSync(file).isFile()) continue;
  const raw = readFileSync(file);
  const variants = [
    [`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })],
    [`${file}.gz`, gzipSync(raw, { level: 9 })],
  ];
  for (const [out, bytes] of variants) {
    if (bytes.length < raw.length * 0.9) {
      writeFileSync(out, bytes);
      saved += raw.length - bytes.length;
    } else rmSync(out, { force: true });
  }
}
process.stdout.write(`precompressed web assets (${(saved / 1024).toFixed(0)} KB saved across copies)\n`);
