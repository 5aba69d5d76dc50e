import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The most initial JavaScript, gzipped, the app may ask a browser to load before it can show anything. */
const INITIAL_JS_BUDGET = 250 * 1024;

/** Print the gzipped size of the JavaScript loaded at start (entry plus its static imports), and enforce the budget. */
function bundleSize(): Plugin {
  return {
    name: 'hindsight-bundle-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
      if (!entry || entry.type !== 'chunk') return;
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name)) return;
        initial.add(name);
        const chunk = bundle[name];
        if (chunk?.type === 'chunk') chunk.imports.forEach(visit);
      };
      visit(entry.fileName);
      let gz = 0;
      let raw = 0;
      for (const name of initial) {
        const chunk = bundle[name];
        if (chunk?.type !== 'chunk') continue;
        raw += Buffer.byteLength(chunk.code);
        gz += gzipSync(chunk.code, { level: 9 }).length;
      }
      let lazy = 0;
      for (const c of Object.values(bundle))
        if (c.type === 'chunk' && !initial.has(c.fileName)) lazy += gzipSync(c.code, { level: 9 }).length;
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(
        `\nweb bundle: initial JavaScript ${kb(gz)} gzipped (${kb(raw)} raw, ${initial.size} file(s)); ` +
          `lazy-loaded ${kb(lazy)} gzipped; budget ${kb(INITIAL_JS_BUDGET)}`,
      );
      if (gz > INITIAL_JS_BUDGET)
        this.error(`initial JavaScript ${kb(gz)} gzipped is over the ${kb(INITIAL_JS_BUDGET)} budget`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), bundleSize()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:4000', '/healthz': 'http://localhost:4000' } },
});
