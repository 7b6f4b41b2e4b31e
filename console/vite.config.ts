/**
 * The admin console: a React single-page app built into console/dist and served by Gatehouse at
 * /console/ (src/http/console-static.ts). `npm run build:console` builds it; during development,
 * `npx vite --config console/vite.config.ts` serves it with the API proxied to a running node.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/api': process.env.GATEHOUSE_URL ?? 'http://localhost:3000' },
  },
});
