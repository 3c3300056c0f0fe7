/**
 * The dashboard's build: a single-page app served by the engine under /dashboard/ (src/api/dashboard.ts).
 * `npm run dev:dashboard` serves it with hot reload and sends /v1 to a running engine (NIGHTSHIFT_URL,
 * default http://127.0.0.1:3000).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The graph library is most of the bundle; one chunk keeps the first paint to two requests.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/v1': process.env.NIGHTSHIFT_URL ?? 'http://127.0.0.1:3000' },
  },
});
