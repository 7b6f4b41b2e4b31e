/**
 * Serves the admin console (the single-page app built into console/dist by `npm run build:console`) at
 * /console/. Every /console/* path that is not a file answers index.html, so the app's own routes can be
 * reloaded and bookmarked; a missing file under /console/assets/ stays a 404. When the console has not
 * been built, nothing is registered and /console/ is a plain 404.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** console/dist of the package, the same from src/http (tests) and dist/http (production). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** The console talks only to its own origin; it is never framed (clickjacking). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // CodeMirror injects its styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-frame-options', 'DENY');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
}

export async function consoleStatic(app: FastifyInstance, options: { root?: string } = {}): Promise<void> {
  const root = options.root ?? CONSOLE_DIST;
  if (!existsSync(`${root}/index.html`)) {
    app.log.debug({ root }, 'admin console not built; /console/ is not served');
    return;
  }
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/', 302));

  await app.register(
    async (child) => {
      child.addHook('onSend', async (_request, reply, payload) => {
        securityHeaders(reply);
        return payload;
      });
      await child.register(fastifyStatic, {
        root,
        prefix: '/',
        // Routes for the files found at start; /console/ itself is the route below.
        wildcard: false,
        index: false,
        schemaHide: true,
        setHeaders(reply, path) {
          // Vite names assets by content hash: they never change. index.html must always be fresh.
          reply.header(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      const sendIndex = (reply: FastifyReply) =>
        reply.header('cache-control', 'no-cache').type('text/html').sendFile('index.html');
      // Only /console/: /console (no slash) is the redirect above.
      child.get('/', { schema: { hide: true }, prefixTrailingSlash: 'slash' }, (_request, reply) =>
        sendIndex(reply),
      );
      child.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          return reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${path}` } });
        }
        if (path.startsWith('/console/assets/')) {
          return reply.status(404).send({ error: { code: 'not_found', message: `No file ${path}` } });
        }
        return sendIndex(reply);
      });
    },
    { prefix: '/console' },
  );
}
