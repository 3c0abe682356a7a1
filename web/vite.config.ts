/**
 * The playground's build: a Vite app over the library's built output (dist/, `npm run build`), so
 * the page uses exactly what the package exports ('lstm', and 'lstm/kernel-worker' for the
 * WebAssembly threads). The dev and preview servers send the cross-origin isolation headers that
 * shared WebAssembly memory, and so the worker threads, need; `base: './'` lets any static host
 * serve the built files from any folder.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '..');
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** precache.json: every file the build writes, which public/sw.js caches so the page works offline. */
function precacheList(): Plugin {
  return {
    name: 'lstm-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== 'precache.json');
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files.sort()) });
    },
  };
}

export default defineConfig({
  plugins: [precacheList()],
  root: here,
  base: './',
  resolve: {
    alias: [
      { find: /^lstm$/, replacement: resolve(repo, 'dist/src/index.js') },
      { find: /^lstm\/kernel-worker$/, replacement: resolve(repo, 'dist/src/kernels/kernel-worker.js') },
      // the dataset package's exports list no data files: its CSVs are reached by path
      { find: /^vega-datasets\/data\/(.*)$/, replacement: resolve(repo, 'node_modules/vega-datasets/data/$1') },
    ],
  },
  worker: { format: 'es' },
  server: { headers: isolation, fs: { allow: [repo] } },
  preview: { headers: isolation },
  build: { outDir: resolve(here, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
