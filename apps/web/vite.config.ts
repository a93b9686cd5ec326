import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev`: Vite on 5173 with the API and live stream proxied to a hopwatch on 8080.
const api = process.env.HOPWATCH_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api/live': { target: api, ws: true },
      '/api': api,
      '/healthz': api,
      '/metrics': api,
    },
  },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1500 },
});
