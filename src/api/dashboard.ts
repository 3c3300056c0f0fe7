/**
 * The web dashboard's files, served under /dashboard/ from its Vite build (dashboard/dist). They are
 * public: the dashboard holds no data of its own and asks the API for everything with the admin key
 * the user signs in with. Hashed assets are cached for a year; index.html never (it names the current
 * assets), and any other path under /dashboard/ is a page of the single-page app, answered with it.
 * Without a build, /dashboard/ answers a page saying how to make one.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

/** Where `npm run build:dashboard` writes, from src/api or dist/api alike. */
export const defaultDashboardDir = resolve(import.meta.dirname, '..', '..', 'dashboard', 'dist');

const prefix = '/dashboard';
const immutable = 'public, max-age=31536000, immutable';

// The app loads only its own files and talks only to this server; nothing may frame it.
const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nightshift dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>The dashboard is not built</h1>
<p>This Nightshift server has no dashboard files in <code>dashboard/dist</code>. In the Nightshift checkout, run</p>
<p><code>npm run build:dashboard</code></p>
<p>(<code>npm install</code> and <code>npm start</code> build it too), then reload this page. The HTTP API under <code>/v1</code> works without it.</p>
</body></html>`;

/** Headers go on the answer itself: serveStatic builds it before any hook could add them to the context. */
function withHeaders(response: Response, cacheControl: string): Response {
  for (const [name, value] of Object.entries(securityHeaders)) response.headers.set(name, value);
  response.headers.set('Cache-Control', cacheControl);
  return response;
}

const noFile = async () => {};

/** Mounts the dashboard; `dir` null serves nothing there. Registered as middleware, so it is no API route. */
export function mountDashboard(app: Hono, dir: string | null): void {
  if (dir === null) return;
  const files = serveStatic({ root: dir, rewriteRequestPath: (path) => path.slice(prefix.length) || '/' });
  const index = serveStatic({ path: join(dir, 'index.html') });
  app.use(`${prefix}/*`, async (context, next) => {
    const method = context.req.method;
    if (method !== 'GET' && method !== 'HEAD') return next();
    if (context.req.path === prefix) return context.redirect(`${prefix}/`, 301);
    if (!existsSync(join(dir, 'index.html'))) return withHeaders(context.html(notBuiltPage, 503), 'no-store');
    const asset = context.req.path.startsWith(`${prefix}/assets/`);
    const served = await files(context, noFile);
    if (served) return withHeaders(served, asset ? immutable : 'no-cache');
    // A missing asset is a 404, never the page: a browser would try to run HTML as a script.
    if (asset) return next();
    const page = await index(context, noFile);
    return page ? withHeaders(page, 'no-cache') : next();
  });
}
