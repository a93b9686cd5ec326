import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// `npm run dev`: Vite on 5173 with the API and live stream proxied to a hopwatch on 8080.
const api = process.env.HOPWATCH_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api/live': { target: api, ws: true },
      '/api': api,
      '/healthz': api,
      '/metrics': api,
    },
  },
  build: {
    outDir: 'dist',
    // No source maps in the shipped build: they would publish the source to anyone who can load the page.
    sourcemap: false,
    // recharts (most of the JavaScript) lands in the chunk of the lazily imported RTT chart
    // (components/charts/rtt-band-chart-lazy.tsx), so the first screen does not wait for it. Rolldown's own
    // splitting does this; a manual `charts` group was tried and made the entry import that chunk statically
    // (it took modules the entry shares), so there is none. The server's spa test checks the split.
    chunkSizeWarningLimit: 1500,
  },
});

// Build-time compression: every text asset of the build also written as .br (brotli, best) and .gz (gzip, best),
// which the server sends as they are (@fastify/static's preCompressed) to clients that accept them. Brotli at
// its best quality takes seconds for the whole bundle: fine once per build, far too slow per request.
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;
/** Below this a compressed copy saves less than a packet. */
const MIN_BYTES = 1_024;

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'hopwatch-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of files(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const body = readFileSync(file);
        if (body.byteLength < MIN_BYTES) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
