// What a browser adds to a recorded request that a load test should not replay, and which
// recorded requests are static assets rather than API calls. Used by both importers (a pasted
// "Copy as cURL" carries the same browser headers as a HAR entry).

/**
 * Header names left out of an imported step: HTTP/2 pseudo-headers (`:authority`…), client hints
 * and fetch metadata (`sec-ch-*`, `sec-fetch-*`), and what the load engine sets itself or must
 * not be told: `accept-encoding` (an encoded answer would defeat body checks and extraction),
 * `content-length` (computed from the step's body once variables are filled in), `host` (from
 * the URL), hop-by-hop headers (`connection`, `keep-alive`…, the engine keeps one keep-alive
 * connection per virtual user) and `priority`. Authorization, cookies (unless asked), user-agent,
 * origin and referer are kept: a server may depend on them.
 */
const DROPPED_EXACT = new Set([
  'accept-encoding',
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'priority',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function isBrowserNoiseHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith(':') || n.startsWith('sec-ch-') || n.startsWith('sec-fetch-') || DROPPED_EXACT.has(n);
}

export interface CleanHeaders {
  headers: Record<string, string>;
  /** Names left out (lower case, each once), in the order met. */
  dropped: string[];
}

/**
 * The headers to keep, as a step's record: browser noise left out, cookies too when asked;
 * repeated names joined (cookies with "; ", as HTTP/2 splits them; others with ", ").
 * The first spelling of a name is kept.
 */
export function cleanHeaders(pairs: ReadonlyArray<readonly [string, string]>, opts: { dropCookies: boolean }): CleanHeaders {
  const headers: Record<string, string> = {};
  const spelling = new Map<string, string>();
  const dropped: string[] = [];
  for (const [rawName, value] of pairs) {
    const name = rawName.trim();
    const lower = name.toLowerCase();
    if (isBrowserNoiseHeader(lower) || (opts.dropCookies && lower === 'cookie')) {
      if (!dropped.includes(lower)) dropped.push(lower);
      continue;
    }
    const first = spelling.get(lower);
    if (first === undefined) {
      spelling.set(lower, name);
      headers[name] = value;
    } else {
      headers[first] = `${headers[first]}${lower === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  return { headers, dropped };
}

/** Find a header's value by name, whatever its case. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const STATIC_EXTENSIONS = new Set([
  // images
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp', 'tif', 'tiff', 'apng',
  // fonts
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  // styles, scripts, source maps, WebAssembly
  'css', 'js', 'mjs', 'cjs', 'map', 'wasm',
  // media
  'mp4', 'webm', 'ogg', 'ogv', 'oga', 'mp3', 'wav', 'm4a', 'm4v', 'aac', 'flac', 'mov', 'avi', 'mkv', 'vtt',
]);

/** Chrome's `_resourceType` values of static assets (Firefox writes none; mime type and extension decide there). */
const STATIC_RESOURCE_TYPES = new Set(['image', 'font', 'stylesheet', 'script', 'media', 'texttrack', 'manifest']);

/**
 * Why a recorded request is a static asset (images, fonts, CSS, JavaScript, source maps, media),
 * or undefined when it is not — by the response's mime type, the URL path's extension, or
 * Chrome's resource type.
 */
export function staticAssetReason(mimeType: string, url: string, resourceType?: string): string | undefined {
  const mime = mimeType.toLowerCase().split(';')[0].trim();
  if (/^(image|font|audio|video)\//.test(mime)) return mime.split('/')[0];
  if (mime === 'text/css') return 'css';
  if (/(java|ecma)script$/.test(mime)) return 'javascript';
  if (/^application\/(x-)?font-|^application\/vnd\.ms-fontobject$/.test(mime)) return 'font';
  if (mime === 'application/wasm') return 'wasm';
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0];
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext !== undefined && STATIC_EXTENSIONS.has(ext)) return ext === 'map' ? 'source map' : ext;
  if (resourceType !== undefined && STATIC_RESOURCE_TYPES.has(resourceType.toLowerCase())) return resourceType.toLowerCase();
  return undefined;
}
