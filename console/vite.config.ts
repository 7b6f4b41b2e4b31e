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
    // Vite's default limit (500 kB), kept on purpose: a chunk over it means a page's code or a library
    // ended up in the wrong place (see the groups below and the lazy pages in src/components/Layout.tsx).
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React changes less often than the console: its own chunk stays cached across releases.
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // CodeMirror is only needed by the Custom Database page, which loads it on demand. Its core
            // (view and state) and the rest (JavaScript language, commands, search, autocompletion) go in
            // two chunks, each under the size limit.
            {
              name: 'codemirror-core',
              test: /[\\/]node_modules[\\/](@codemirror[\\/](view|state)|@marijn|style-mod|w3c-keyname|crelt)[\\/]/,
            },
            {
              name: 'codemirror-extensions',
              test: /[\\/]node_modules[\\/](@codemirror|@lezer|codemirror)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': process.env.GATEHOUSE_URL ?? 'http://localhost:3000' },
  },
});
