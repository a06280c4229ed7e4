// The app's OpenAPI import through the contract (the dispatcher validates as for both transports):
// the renderer sends a file's text or a loopback URL, the main process lists the operations
// (`scenarios.openapiPreview`) and saves the chosen ones (`scenarios.openapiImport`) with the
// CLI's importer. Bad input gets one line naming the problem; the app never reads local files
// (a path given as a URL, or a $ref to a file) and never fetches off loopback.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../src/main/app/appServices.ts';
import { OPENAPI_MAX_TEXT_CHARS } from '../src/shared/openapiImport.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/openapi/', import.meta.url));
const V3 = readFileSync(join(FIXTURES, 'petstore-v3.yaml'), 'utf8');
const V2 = readFileSync(join(FIXTURES, 'petstore-v2.json'), 'utf8');

let dir: string;
let services: AppServices;
let server: http.Server;
/** MiB the endless document had written when the import closed the connection. */
let endlessSentMiB = Infinity;
let base = '';

type Reply = { ok: true; value: any } | { ok: false; error: { message: string; invalidInput: boolean } };
const call = (channel: string, input: unknown) => services.dispatch(channel, input) as Promise<Reply>;
const failure = async (channel: string, input: unknown): Promise<string> => {
  const r = await call(channel, input);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  const message = (r as Extract<Reply, { ok: false }>).error.message;
  expect(message.split('\n'), message).toHaveLength(1);
  return message;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barrage-openapi-app-'));
  services = createAppServices({ dbPath: join(dir, 'runs.db'), transport: 'browser' });
  server = http.createServer((req, res) => {
    if (req.url === '/openapi.yaml') res.end(V3.replace('http://127.0.0.1:{port}/v1', '/api'));
    else if (req.url === '/redirect') res.writeHead(302, { location: 'http://192.0.2.1/x.yaml' }).end();
    else if (req.url === '/endless.yaml') {
      // A document that never ends (chunked, no length): the import must stop reading at 20 MiB.
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      let sent = 0;
      const more = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once('drain', more);
        else res.end();
      };
      res.on('close', () => (endlessSentMiB = sent));
      more();
    }
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await services?.close();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenAPI import in the app (scenarios.openapiPreview / openapiImport)', () => {
  it('lists the operations of an uploaded file with method, path, summary and what to fill in; saves nothing', async () => {
    const r = await call('scenarios.openapiPreview', { source: { fileName: 'petstore v3.yaml', text: V3 } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const doc = (r as { value: any }).value;
    expect(doc.spec).toBe('OpenAPI 3.0.3');
    expect(doc.baseUrl).toBe('http://127.0.0.1:8080/v1');
    expect(doc.operations.map((o: any) => `${o.method} ${o.path} ${o.id}`)).toEqual([
      'GET /pets listPets',
      'POST /pets createPet',
      'GET /pets/{petId} showPetById',
      'DELETE /pets/{petId} deletePet',
      'PUT /owners/{ownerId}/photo uploadPhoto',
    ]);
    expect(doc.operations[0].summary).toBe('List all pets');
    expect(doc.operations[2].placeholders).toEqual(['{{BEARER_AUTH}}']);
    expect((await call('scenarios.list', undefined)) as any).toMatchObject({ ok: true, value: [] });
  });

  it('saves only the chosen operations, with the example path parameter, a body from the schema and auth left as a placeholder', async () => {
    const r = await call('scenarios.openapiImport', { source: { fileName: 'petstore.yaml', text: V3 }, operations: ['createPet', 'showPetById'], prefix: 'pets ' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const result = (r as { value: any }).value;
    expect(result.saved.map((s: any) => [s.name, s.operation, s.updated])).toEqual([
      ['pets createPet', 'createPet', false],
      ['pets showPetById', 'showPetById', false],
    ]);
    expect(result.placeholders.sort()).toEqual(['{{API_KEY}}', '{{BEARER_AUTH}}']);
    const list = ((await call('scenarios.list', undefined)) as { value: any[] }).value;
    const byName = Object.fromEntries(list.map((s) => [s.name, s.config]));
    expect(Object.keys(byName).sort()).toEqual(['pets createPet', 'pets showPetById']);
    expect(byName['pets showPetById']).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8080/v1/pets/42', headers: { Authorization: 'Bearer {{BEARER_AUTH}}' } });
    const create = byName['pets createPet'];
    expect(create).toMatchObject({ method: 'POST', bodyType: 'json', headers: { 'Content-Type': 'application/json' } });
    expect(Object.keys(JSON.parse(create.body)).length).toBeGreaterThan(0);

    // Importing again replaces the scenario of the same name rather than adding a second.
    const again = await call('scenarios.openapiImport', { source: { fileName: 'petstore.yaml', text: V3 }, operations: ['createPet'], prefix: 'pets ' });
    expect((again as { value: any }).value.saved[0]).toMatchObject({ name: 'pets createPet', updated: true });
  });

  it('reads Swagger 2 JSON text too', async () => {
    const r = await call('scenarios.openapiPreview', { source: { fileName: 'petstore-v2.json', text: V2 } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect((r as { value: any }).value.spec).toBe('Swagger 2.0');
  });

  it('fetches a URL on loopback in the main process, a relative server resolved against it', async () => {
    const r = await call('scenarios.openapiPreview', { source: { url: `${base}/openapi.yaml` } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect((r as { value: any }).value.baseUrl).toBe(`${base}/api`);
  });

  it('refuses, in one line naming the problem: other hosts, paths, redirects off loopback, bad documents, unknown operations, too large', async () => {
    expect(await failure('scenarios.openapiPreview', { source: { url: 'http://192.0.2.1/openapi.yaml' } })).toBe(
      'http://192.0.2.1/openapi.yaml: only URLs on loopback (127.0.0.1, ::1, localhost) can be imported; save the document to a file and choose it instead',
    );
    expect(await failure('scenarios.openapiPreview', { source: { url: join(FIXTURES, 'petstore-v3.yaml') } })).toMatch(/: give an http\(s\) URL on loopback .*, or choose a file$/);
    expect(await failure('scenarios.openapiPreview', { source: { url: `${base}/redirect` } })).toMatch(new RegExp(`^${base}/redirect: `));
    expect(await failure('scenarios.openapiPreview', { source: { url: `${base}/missing.yaml` } })).toMatch(/HTTP 404/);
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'broken.yaml', text: readFileSync(join(FIXTURES, 'broken.yaml'), 'utf8') } })).toMatch(/^broken\.yaml: /);
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'junk.json', text: '{"openapi": ' } })).toMatch(/^junk\.json: cannot be parsed/);
    // A relative server in an uploaded file cannot be resolved: the app's wording, not the CLI's flag.
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'rel.yaml', text: V3.replace('http://127.0.0.1:{port}/v1', '/v1') } })).toBe(
      'rel.yaml: servers[0].url "/v1" is not an absolute URL; give a base URL (e.g. http://127.0.0.1:8080/v1)',
    );
    const withBase = await call('scenarios.openapiPreview', { source: { fileName: 'rel.yaml', text: V3.replace('http://127.0.0.1:{port}/v1', '/v1') }, baseUrl: 'http://127.0.0.1:9000/v1' });
    expect((withBase as { value: any }).value.baseUrl).toBe('http://127.0.0.1:9000/v1');
    expect(await failure('scenarios.openapiImport', { source: { fileName: 'p.yaml', text: V3 }, operations: ['nope'] })).toBe('operations: the document has no operation "nope"');
    expect(await failure('scenarios.openapiImport', { source: { fileName: 'p.yaml', text: V3 }, operations: [] })).toBe('operations: choose at least one operation');
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'big.yaml', text: 'x'.repeat(OPENAPI_MAX_TEXT_CHARS + 1) } })).toBe('source.text: the file is larger than 8 MiB');
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'p.yaml' } })).toBe('source: give either a file (fileName and text) or a URL');
    expect(await failure('scenarios.openapiPreview', { source: { url: `${base}/endless.yaml` } })).toBe(`${base}/endless.yaml: is larger than 20 MiB`);
    // Cut off near the limit, not read whole (200 MiB) and measured afterwards.
    await new Promise((r) => setTimeout(r, 100));
    expect(endlessSentMiB).toBeLessThan(60);
  });

  it('never reads local files for the app: a $ref to a file or a sibling of the upload fails', async () => {
    const secret = join(dir, 'secret.json');
    const withRef = (ref: string) =>
      `openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'http://127.0.0.1:8080'}]\npaths:\n  /a:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '${ref}'}}}}\n      responses: {'200': {description: ok}}\n`;
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'a.yaml', text: withRef(`file://${secret}`) } })).toMatch(/^a\.yaml: .*resolve/i);
    expect(await failure('scenarios.openapiPreview', { source: { fileName: 'a.yaml', text: withRef('other.yaml') } })).toBe('a.yaml: Unable to resolve $ref pointer "other.yaml"');
  });
});
