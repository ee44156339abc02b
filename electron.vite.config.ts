/**
 * Electron build (`npm run build:app` / `npm start`): explicit entries for the main process (and the
 * engine utilityProcess + the image and thumbnail workers it starts), the sandboxed preload (CommonJS, as sandboxed
 * preloads must be) and the renderer. Native modules (better-sqlite3, onnxruntime-node, sharp) stay
 * external.
 */
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const at = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
/** Output root; tests build into a temporary folder so they never replace the served `out/`. */
const outRoot = process.env['POSEBENCH_ELECTRON_OUT'] ?? at('./out');
const out = (sub: string): string => `${outRoot}/${sub}`;

export default defineConfig({
  main: {
    build: {
      outDir: out('main'),
      rollupOptions: {
        input: {
          index: at('./src-main/hosts/electron/main.ts'),
          'engine-utility': at('./src-main/hosts/electron/engine-utility.ts'),
          // resolved next to the inference code at run time (image-prefetcher.ts: ./image-worker.js)
          'image-worker': at('./src-main/inference/runtime/image-worker.ts'),
          // forked by the engine at the lowest priority (thumbnail-worker-client.ts: ./thumbnail-worker.js)
          'thumbnail-worker': at('./src-main/engine/background/thumbnails/thumbnail-worker.ts'),
          // forked by the engine at the lowest priority (crop-preparer.ts: ./crop-prepare-worker.js)
          'crop-prepare-worker': at('./src-main/engine/background/crop-preparation/crop-prepare-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: out('preload'),
      rollupOptions: {
        input: { preload: at('./src-main/hosts/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('./src-renderer'),
    plugins: [react()],
    build: {
      outDir: out('renderer'),
      minify: true,
      rollupOptions: { input: { index: at('./src-renderer/index.html') } },
    },
  },
});
