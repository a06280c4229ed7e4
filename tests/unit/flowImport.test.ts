// Importing steps into a flow (issue #12): a curl command as browsers' devtools copy it (bash
// quoting, `$'…'` ANSI-C strings, backslash-newline continuations) and a HAR file, into HTTP
// steps the flow schema accepts. The samples are written out as Chrome and Firefox produce them.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cleanHeaders, staticAssetReason } from '../../src/shared/flowImport/browserNoise.ts';
import { curlStep, FORM_BOUNDARY, parseCurl } from '../../src/shared/flowImport/curlImport.ts';
import { HAR_MAX_BYTES, harHosts, harRows, harSteps, readHar, visibleRows } from '../../src/shared/flowImport/harImport.ts';
import { stepNameFor, stepUrl } from '../../src/shared/flowImport/importedStep.ts';
import { joinContinuations, shellWords } from '../../src/shared/flowImport/shellWords.ts';
import { httpStepSchema } from '../../src/shared/flowSteps.ts';
import { parseScenario } from '../../src/shared/scenario.ts';

/** Chrome 131, Network panel → Copy → Copy as cURL (bash): a pretty-printed JSON login whose password has a quote and a `!` (hence $'…', with \n for its line breaks, \u0021 for the `!`, \\ for a backslash). */
const CHROME_LOGIN = String.raw`curl 'https://shop.example.test/login' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: en-GB,en;q=0.9' \
  -H 'content-type: application/json' \
  -b 'sid=abc123; theme=dark' \
  -H 'origin: https://shop.example.test' \
  -H 'priority: u=1, i' \
  -H 'referer: https://shop.example.test/' \
  -H 'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "Linux"' \
  -H 'sec-fetch-dest: empty' \
  -H 'sec-fetch-mode: cors' \
  -H 'sec-fetch-site: same-origin' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  --data-raw $'{\n  "user": "user1",\n  "password": "it\'s-s3cret\u0021",\n  "note": "line1\\nline2 \\\\ back"\n}'`;

/** Firefox 133, Copy as cURL (POSIX): one line, Title-Case headers, -X POST, the same $'…' rules for a quote. */
const FIREFOX_CART = String.raw`curl 'https://shop.example.test/cart' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' -H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br, zstd' -H 'Content-Type: application/json' -H 'Authorization: Bearer 6f1c0d2a' -H 'Origin: https://shop.example.test' -H 'Connection: keep-alive' -H 'Cookie: sid=abc123' -H 'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Site: same-origin' -H 'Priority: u=0' -H 'TE: trailers' --data-raw $'{"itemId":3,"note":"Bob\'s gift"}'`;

/** Chrome's copy of a multipart form post: the body as $'…' with \r\n, the boundary in the content type. */
const CHROME_MULTIPART = String.raw`curl 'https://shop.example.test/profile' \
  -H 'accept: */*' \
  -H 'content-type: multipart/form-data; boundary=----WebKitFormBoundaryq4mVXzXEXpYrzHE3' \
  --data-raw $'------WebKitFormBoundaryq4mVXzXEXpYrzHE3\r\nContent-Disposition: form-data; name="displayName"\r\n\r\nAda\r\n------WebKitFormBoundaryq4mVXzXEXpYrzHE3--\r\n'`;

const opts = { baseUrl: 'https://shop.example.test', dropCookies: false, takenNames: [] as string[] };

describe('shell words', () => {
  test("continuations are removed outside single quotes; $'…' is decoded (\\n, \\', \\\\, \\u0021)", () => {
    const r = shellWords(CHROME_LOGIN);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.words).not.toContain('');
    expect(r.words.at(-2)).toBe('--data-raw');
    expect(r.words.at(-1)).toBe('{\n  "user": "user1",\n  "password": "it\'s-s3cret!",\n  "note": "line1\\nline2 \\\\ back"\n}');
  });
  test('a backslash-newline inside single quotes is not a continuation; an empty argument stays', () => {
    expect(joinContinuations("a 'x\\\ny' \\\n b")).toBe("a 'x\\\ny'  b");
    const r = shellWords("curl 'http://h/x' \\\n  --data-raw ''");
    expect(r).toEqual({ ok: true, words: ['curl', 'http://h/x', '--data-raw', ''] });
  });
  test('CRLF continuations (a command copied on Windows into bash) are removed too', () => {
    expect(shellWords("curl 'http://h/x' \\\r\n  -H 'a: b'")).toEqual({ ok: true, words: ['curl', 'http://h/x', '-H', 'a: b'] });
  });
  test('a pipe or a second command is refused, naming it', () => {
    const r = shellWords("curl 'http://h/x' | jq .");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/"\|"/);
    expect(shellWords('curl http://h/a && curl http://h/b').ok).toBe(false);
  });
  test('an unquoted URL with ? and * is taken literally; $VAR is kept as written', () => {
    expect(shellWords('curl http://h/x?a=1 -H X-Tok:$TOKEN')).toEqual({ ok: true, words: ['curl', 'http://h/x?a=1', '-H', 'X-Tok:$TOKEN'] });
  });
});

describe('curl → step', () => {
  test('Chrome login: POST inferred from --data-raw, JSON body decoded, browser noise dropped, cookie kept from -b', () => {
    const r = curlStep(CHROME_LOGIN, opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.step).toMatchObject({ type: 'http', name: 'POST /login', method: 'POST', url: '/login', bodyType: 'json' });
    expect(JSON.parse(r.step.body!)).toEqual({ user: 'user1', password: "it's-s3cret!", note: 'line1\nline2 \\ back' });
    expect(Object.keys(r.step.headers ?? {})).toEqual(['accept', 'accept-language', 'content-type', 'Cookie', 'origin', 'referer', 'user-agent']);
    expect(r.step.headers?.Cookie).toBe('sid=abc123; theme=dark');
    expect(r.notes.join('\n')).toMatch(/Browser headers left out: priority, sec-ch-ua, sec-ch-ua-mobile, sec-ch-ua-platform, sec-fetch-dest, sec-fetch-mode, sec-fetch-site/);
    expect(r.origin).toBe('https://shop.example.test');
    // What the builder makes of it is a valid step.
    expect(httpStepSchema.safeParse(r.step).success).toBe(true);
  });

  test('Firefox cart: -X POST, Authorization kept, Accept-Encoding/Connection/TE/Priority/Sec-Fetch dropped; cookies dropped only when asked', () => {
    const kept = curlStep(FIREFOX_CART, opts);
    expect(kept.ok).toBe(true);
    if (!kept.ok) return;
    expect(kept.step.headers).toEqual({
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      Accept: '*/*',
      'Accept-Language': 'en-US,en;q=0.5',
      'Content-Type': 'application/json',
      Authorization: 'Bearer 6f1c0d2a',
      Origin: 'https://shop.example.test',
      Cookie: 'sid=abc123',
    });
    expect(JSON.parse(kept.step.body!)).toEqual({ itemId: 3, note: "Bob's gift" });
    const dropped = curlStep(FIREFOX_CART, { ...opts, dropCookies: true });
    expect(dropped.ok && dropped.step.headers).not.toHaveProperty('Cookie');
  });

  test('Chrome multipart: the recorded body and its boundary are kept byte for byte (CRLF)', () => {
    const r = curlStep(CHROME_MULTIPART, opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.step.body).toBe('------WebKitFormBoundaryq4mVXzXEXpYrzHE3\r\nContent-Disposition: form-data; name="displayName"\r\n\r\nAda\r\n------WebKitFormBoundaryq4mVXzXEXpYrzHE3--\r\n');
    expect(r.step.bodyType).toBe('text');
    expect(r.step.headers?.['content-type']).toBe('multipart/form-data; boundary=----WebKitFormBoundaryq4mVXzXEXpYrzHE3');
  });

  test('-F builds a multipart body; a file part is left out and said so', () => {
    const r = parseCurl("curl -F 'name=Ada' -F 'bio=hi;type=text/plain' -F 'avatar=@me.png' http://h/p");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.method).toBe('POST');
    expect(r.request.body).toBe(
      `--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n` +
        `--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="bio"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--${FORM_BOUNDARY}--\r\n`,
    );
    expect(r.request.headers).toContainEqual(['Content-Type', `multipart/form-data; boundary=${FORM_BOUNDARY}`]);
    expect(r.notes.join(' ')).toMatch(/avatar=@me.png: a file upload; the part "avatar" is left out/);
  });

  test('-d pieces join with &, with the form content type; --data-urlencode encodes; -G moves them to the query', () => {
    const post = parseCurl("curl http://h/s -d a=1 --data-urlencode 'q=hello world&x' --data-urlencode '=raw value'");
    expect(post.ok && post.request).toMatchObject({ method: 'POST', body: 'a=1&q=hello%20world%26x&raw%20value' });
    expect(post.ok && post.request.headers).toContainEqual(['Content-Type', 'application/x-www-form-urlencoded']);
    const get = parseCurl("curl -G http://h/s?z=0 -d a=1 --data-urlencode 'q=a b'");
    expect(get.ok && get.request).toMatchObject({ method: 'GET', url: 'http://h/s?z=0&a=1&q=a%20b', body: undefined });
  });

  test('--json sets JSON content type and accept; -u becomes Basic (UTF-8); -b a cookie; -A and -e headers', () => {
    const r = parseCurl(`curl --json '{"a":1}' -u 'zoë:pässword' -b 'sid=1' -A 'bench/1' -e https://h/ http://h/j`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.method).toBe('POST');
    expect(r.request.body).toBe('{"a":1}');
    const h = Object.fromEntries(r.request.headers);
    expect(h).toEqual({
      Authorization: `Basic ${Buffer.from('zoë:pässword', 'utf8').toString('base64')}`,
      Cookie: 'sid=1',
      'User-Agent': 'bench/1',
      Referer: 'https://h/',
      'Content-Type': 'application/json',
      Accept: 'application/json',
    });
  });

  test('short option clusters and attached values: -sSLk -XPUT -H"x: 1"', () => {
    const r = parseCurl('curl -sSLk -XPUT -H"x: 1" http://h/a -d v');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.method).toBe('PUT');
    expect(r.request.headers).toContainEqual(['x', '1']);
    expect(r.insecure).toBe(true);
    expect(r.ignored).toEqual(['-s', '-S', '-L']);
    expect(r.notes.join(' ')).toMatch(/^-k:/);
  });

  test('--compressed is ignored, unknown flags are reported by name, not dropped silently', () => {
    const r = curlStep("curl 'http://h/a' --compressed --frobnicate -Q", opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.notes).toContain('Not understood, left out: --frobnicate, -Q.');
    expect(r.notes).toContain('Ignored (they change how curl runs, not the request): --compressed.');
    expect(r.step.method).toBe('GET');
    expect(r.step.url).toBe('http://h/a');
  });

  test('-I is HEAD; -X wins over -d; a method a step cannot take is refused naming -X', () => {
    expect(parseCurl('curl -I http://h/').ok && (parseCurl('curl -I http://h/') as { request: { method: string } }).request.method).toBe('HEAD');
    const del = parseCurl('curl -X delete http://h/x -d a');
    expect(del.ok && del.request.method).toBe('DELETE');
    expect(parseCurl('curl -X TRACE http://h/')).toEqual({ ok: false, error: '-X TRACE: a step\'s method is one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS' });
  });

  test('refusals are one sentence naming what is wrong', () => {
    expect(parseCurl('wget http://h/')).toEqual({ ok: false, error: 'does not start with "curl" (it starts with "wget")' });
    expect(parseCurl('curl -H "a: b"')).toEqual({ ok: false, error: "has no URL (curl 'https://…')" });
    expect(parseCurl('curl http://h/ -d @body.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^-d @body.json: reads a file/) });
    expect(parseCurl('curl http://h/ -H')).toEqual({ ok: false, error: '-H: expects a value after it' });
    expect(parseCurl('curl ftp://h/f')).toMatchObject({ ok: false, error: expect.stringMatching(/"ftp:" URLs/) });
    expect(parseCurl('curl http://h/a http://h/b')).toMatchObject({ ok: false, error: expect.stringMatching(/more than one URL/) });
    expect(parseCurl('curl ^"http://h/a^" -H ^"x: 1^"')).toMatchObject({ ok: false, error: expect.stringMatching(/Windows cmd/) });
    expect(parseCurl("Invoke-WebRequest -Uri 'http://h/'")).toMatchObject({ ok: false, error: expect.stringMatching(/PowerShell/) });
    expect(parseCurl('')).toEqual({ ok: false, error: 'is empty: paste a curl command' });
  });

  test('a URL without a scheme is http://, as curl takes it', () => {
    const r = parseCurl('curl localhost:8080/items');
    expect(r.ok && r.request.url).toBe('http://localhost:8080/items');
  });
});

describe('URLs and names', () => {
  test('relative only on the same origin (scheme, host and port), whatever path the base URL has', () => {
    expect(stepUrl('https://a.test/items?x=1', 'https://a.test/api')).toBe('/items?x=1');
    expect(stepUrl('https://a.test:8443/items', 'https://a.test')).toBe('https://a.test:8443/items');
    expect(stepUrl('http://a.test/items', 'https://a.test')).toBe('http://a.test/items');
    expect(stepUrl('https://b.test/items', 'https://a.test')).toBe('https://b.test/items');
    expect(stepUrl('https://b.test/items', '')).toBe('https://b.test/items');
  });
  test('asked to, a request on another host is sent to the base URL (path and query alone)', () => {
    expect(stepUrl('https://staging.test/items?p=2', 'http://127.0.0.1:8080', true)).toBe('/items?p=2');
    expect(stepUrl('https://staging.test/items', '', true)).toBe('https://staging.test/items');
    const r = curlStep("curl 'https://staging.test/items'", { ...opts, rebase: true });
    expect(r.ok && r.step.url).toBe('/items');
  });
  test('names are method + path, unique, without the characters thresholds cannot quote', () => {
    expect(stepNameFor('GET', 'http://h/items?page=2', [])).toBe('GET /items');
    expect(stepNameFor('GET', 'http://h/items', ['GET /items', 'GET /items 2'])).toBe('GET /items 3');
    expect(stepNameFor('GET', 'http://h/a/%7Bid%7D', [])).toBe('GET /a/id');
  });
});

describe('HAR', () => {
  const text = readFileSync(new URL('../fixtures/flowImport/shop.har', import.meta.url), 'utf8');
  const read = readHar(text, 'shop.har');
  if (!read.ok) throw new Error(read.error);
  const har = read.har;

  test('lists every entry in order with method, path, status, mime and size', () => {
    const rows = harRows(har);
    expect(rows).toHaveLength(11);
    expect(rows.map((r) => `${r.method} ${r.path} ${r.status}`).slice(5, 8)).toEqual(['OPTIONS /items 204', 'GET /items 200', 'POST /cart 201']);
    expect(rows[6]).toMatchObject({ host: 'shop.example.test', mimeType: 'application/json', size: 412 });
    expect(rows[10].problem).toBe('not an http(s) request');
  });

  test('static assets (css, js, font, image, source map) and the CORS preflight are hidden; the page itself is not', () => {
    const rows = harRows(har);
    expect(rows.map((r) => r.staticReason)).toEqual([undefined, 'css', 'javascript', 'font', 'image', 'CORS preflight', undefined, undefined, 'source map', undefined, undefined]);
    const hosts = harHosts(rows);
    // The shop has 3 API requests (page, /items, /cart), the font CDN 0, the metrics host 1.
    expect(hosts.map((h) => `${h.host} ${h.requests}/${h.all}`)).toEqual(['shop.example.test 3/8', 'metrics.example-cdn.test 1/1', 'fonts.example-cdn.test 0/1']);
    expect(visibleRows(rows, 'shop.example.test', true).map((r) => r.path)).toEqual(['/', '/items', '/cart']);
    expect(visibleRows(rows, 'shop.example.test', false)).toHaveLength(8);
  });

  test('chosen entries become steps in the recorded order: relative URLs, Authorization kept, noise dropped, cookies joined', () => {
    const r = harSteps(har, [7, 6], { baseUrl: 'https://shop.example.test', dropCookies: false, takenNames: ['GET /items'] });
    expect(r.steps.map((s) => s.name)).toEqual(['GET /items 2', 'POST /cart']);
    const [items, cart] = r.steps;
    expect(items).toMatchObject({ method: 'GET', url: '/items', checks: [{ type: 'status', status: '2xx' }] });
    expect(items.headers).toEqual({
      accept: 'application/json, text/plain, */*',
      'accept-language': 'en-GB,en;q=0.9',
      authorization: 'Bearer 6f1c0d2a9b8e7f3a5c4d2e1f0a9b8c7d',
      cookie: 'sid=abc123; theme=dark',
      'user-agent': expect.stringMatching(/^Mozilla/),
    });
    expect(cart).toMatchObject({ method: 'POST', url: '/cart', body: '{"itemId":3,"quantity":1}', bodyType: 'json' });
    expect(cart.headers).not.toHaveProperty('content-length');
    expect(r.droppedHeaders).toEqual([':authority', ':method', ':path', ':scheme', 'accept-encoding', 'priority', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'content-length']);
    const noCookies = harSteps(har, [6], { baseUrl: '', dropCookies: true, takenNames: [] });
    expect(noCookies.steps[0].headers).not.toHaveProperty('cookie');
    expect(noCookies.steps[0].url).toBe('https://shop.example.test/items');
  });

  test('the steps make a flow the scenario schema accepts', () => {
    const { steps } = harSteps(har, [0, 6, 7], { baseUrl: 'https://shop.example.test', dropCookies: false, takenNames: [] });
    const flow = parseScenario({ protocol: 'flow', url: 'https://shop.example.test', virtualUsers: 1, durationSec: 1, steps });
    expect(flow.ok).toBe(true);
  });

  test('form params without text become a urlencoded body; a status of the recorded class is checked', () => {
    const h = {
      log: {
        entries: [
          {
            request: { method: 'POST', url: 'http://h/f', headers: [], postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: '1&2' }, { name: 'up', fileName: 'x.png' }] } },
            response: { status: 302, content: { size: 0, mimeType: '' } },
          },
        ],
      },
    };
    const r = readHar(JSON.stringify(h));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = harSteps(r.har, [0], { baseUrl: 'http://h', dropCookies: false, takenNames: [] });
    expect(out.steps[0]).toMatchObject({ body: 'a%20b=1%262', bodyType: 'text', checks: [{ type: 'status', status: '3xx' }] });
    expect(out.notes).toEqual(['POST /f: file parts left out: up']);
  });

  test('schema errors name the field; not JSON and too large are one line', () => {
    expect(readHar('{"log":{}}', 'a.har')).toEqual({ ok: false, error: 'a.har: log.entries: is required (the list of recorded requests)' });
    expect(readHar('{"log":{"entries":[{"request":{"method":"GET","headers":[]},"response":{"status":200}}]}}', 'a.har')).toEqual({
      ok: false,
      error: 'a.har: log.entries.0.request.url: is required',
    });
    expect(readHar('[]', 'a.har')).toMatchObject({ ok: false, error: expect.stringMatching(/^a\.har: \(top level\): must be a JSON object/) });
    expect(readHar('{"log": ', 'a.har')).toMatchObject({ ok: false, error: expect.stringMatching(/^a\.har: not JSON \(/) });
    expect(readHar(' '.repeat(HAR_MAX_BYTES + 1), 'big.har')).toMatchObject({ ok: false, error: expect.stringMatching(/^big\.har: larger than 50 MiB/) });
  });

  test('WebSocket entries and methods a step cannot take are listed but cannot be steps', () => {
    const h = {
      log: {
        entries: [
          { _resourceType: 'websocket', request: { method: 'GET', url: 'wss://h/ws', headers: [] }, response: { status: 101 } },
          { request: { method: 'PROPFIND', url: 'http://h/dav', headers: [] }, response: { status: 207 } },
        ],
      },
    };
    const r = readHar(JSON.stringify(h));
    if (!r.ok) throw new Error(r.error);
    expect(harRows(r.har).map((x) => x.problem)).toEqual(['a WebSocket: add ws-connect steps', 'PROPFIND is not a step method']);
    expect(harSteps(r.har, [0, 1], { baseUrl: '', dropCookies: false, takenNames: [] }).steps).toEqual([]);
  });
});

describe('static assets by mime type and extension', () => {
  test.each([
    ['image/webp', 'http://h/a', 'image'],
    ['font/woff2', 'http://h/a', 'font'],
    ['text/css; charset=utf-8', 'http://h/a', 'css'],
    ['text/javascript', 'http://h/a', 'javascript'],
    ['application/x-javascript', 'http://h/a', 'javascript'],
    ['video/mp4', 'http://h/a', 'video'],
    ['application/octet-stream', 'http://h/x/app.js?v=3', 'js'],
    ['application/json', 'http://h/app.js.map', 'source map'],
    ['', 'http://h/i.PNG', 'png'],
    ['application/json', 'http://h/api/items', undefined],
    ['text/html', 'http://h/', undefined],
  ])('%s %s → %s', (mime, url, reason) => {
    expect(staticAssetReason(mime, url)).toBe(reason);
  });
  test('Authorization is never browser noise', () => {
    expect(cleanHeaders([['Authorization', 'Bearer x'], [':path', '/'], ['Sec-Fetch-Mode', 'cors']], { dropCookies: true }).headers).toEqual({ Authorization: 'Bearer x' });
  });
});

describe('imported steps in the builder', () => {
  test('a pasted curl becomes a step of the chosen phase; a flow with no base URL takes the origin; the form validates', async () => {
    const { addImportedSteps, defaultFlowForm, validateFlowForm } = await import('../../src/renderer/src/flowForm/flowForm.ts');
    const f = defaultFlowForm();
    f.name = 'imported';
    const r = curlStep(CHROME_LOGIN, { baseUrl: 'https://shop.example.test', dropCookies: true, takenNames: [] });
    if (!r.ok) throw new Error(r.error);
    const [login] = addImportedSteps(f, 'setup', [r.step], r.origin);
    expect(f.url).toBe('https://shop.example.test');
    expect(f.setup).toHaveLength(1);
    expect(login).toMatchObject({ name: 'POST /login', method: 'POST', url: '/login', bodyType: 'json' });
    expect(login.checks.map((c) => c.status)).toEqual(['2xx']);
    expect(login.headers.map((h) => h.name)).toEqual(['accept', 'accept-language', 'content-type', 'origin', 'referer', 'user-agent']);
    const v = validateFlowForm(f);
    expect(v.errors).toEqual({});
    expect(v.scenario?.setup[0]).toMatchObject({ type: 'http', name: 'POST /login', url: '/login' });
  });
});
