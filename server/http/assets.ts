/**
 * The browser bundles at /assets: modeler/build.mjs writes them to modeler/dist with content hashes in
 * their names, a manifest.json naming each page's current script, stylesheet and the chunks its script
 * imports, and each script and stylesheet also brotli- and gzip-compressed beside it.
 *
 * A hashed file never changes, so it is sent as immutable for a year; a client that accepts br or
 * gzip gets the compressed copy as it is (made once at the strongest settings, none made per request).
 * The pages find the current names through `url` and `script`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import express, { type Request, type RequestHandler, type Response } from 'express';

/** what modeler/build.mjs writes: `task-form.js` → its hashed file and the chunks it imports, paths under dist */
type Manifest = Record<string, { file: string; imports?: string[] }>;

export interface Assets {
  /** the URL of a page's script or stylesheet (`task-form.js`, `modeler.css`) */
  url(name: string): string;
  /** the URLs of the chunks a page's script imports, for `<link rel="modulepreload">` */
  imports(name: string): string[];
  /** serves /assets */
  handler: RequestHandler;
}

const PREFIX = '/assets/';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** esbuild's `[name]-[hash]`: eight characters of base32 before the extension (and `.map` after it) */
const HASHED = /-[A-Z2-7]{8}\.[a-z0-9]+(\.map)?$/;
const PRECOMPRESSED = /\.(js|css|svg)$/;
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/** the encodings an `Accept-Encoding` header allows (q=0 refuses one) */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

export function createAssets(dist: string): Assets {
  const manifestPath = join(dist, 'manifest.json');
  let manifest: Manifest = {};
  let readAt: number | undefined;
  let checkedAt = -Infinity;
  /**
   * the manifest as it is now: read again when a build has rewritten it, so that a running app follows
   * `node modeler/build.mjs` (which removes the files the old names pointed to); looked at no more
   * than once a second, not at every asset name a page renders
   */
  const current = (): Manifest => {
    const now = Date.now();
    if (now - checkedAt < 1_000) return manifest;
    checkedAt = now;
    const mtime = statSync(manifestPath, { throwIfNoEntry: false })?.mtimeMs;
    if (mtime !== readAt) {
      manifest = mtime === undefined ? {} : (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest);
      readAt = mtime;
    }
    return manifest;
  };

  const serve = express.static(dist, {
    index: false,
    // the headers are set here, per file
    cacheControl: false,
    setHeaders: (res, path) => res.setHeader('cache-control', HASHED.test(path.replace(/\.(br|gz)$/, '')) ? IMMUTABLE : 'no-cache'),
  });

  /** points the request at the compressed copy when the client takes it and it exists */
  const precompressed = (req: Request, res: Response): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !PRECOMPRESSED.test(req.path)) return;
    res.vary('Accept-Encoding');
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return;
    }
    // only files under dist: anything else is left to express.static, which refuses it
    if (path.includes('..') || path.includes('\0')) return;
    const accepted = acceptedEncodings(req.get('accept-encoding'));
    const encoding = ENCODINGS.find((e) => accepted.has(e.name) && existsSync(join(dist, path + e.ext)));
    if (!encoding) return;
    // the type of the file itself, not of .br/.gz (send keeps a Content-Type already set)
    res.type(extname(path)).set('content-encoding', encoding.name);
    req.url = req.path + encoding.ext;
  };

  return {
    // no manifest (the assets not built, as in the API tests): the page names as they are
    url: (name) => PREFIX + (current()[name]?.file ?? name),
    imports: (name) => (current()[name]?.imports ?? []).map((f) => PREFIX + f),
    handler: (req, res, next) => {
      precompressed(req, res);
      serve(req, res, next);
    },
  };
}
