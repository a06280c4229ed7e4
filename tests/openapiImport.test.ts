// `barrage scenarios import openapi` through the real CLI: an OpenAPI 3 and a Swagger 2 document
// (tests/fixtures/openapi, Petstore-shaped) become one saved scenario per operation with the
// document's server, path parameters from its examples, JSON bodies from its schemas and the
// security schemes' credentials as {{PLACEHOLDERS}}; --dry-run, --only, a loopback URL, and bad
// documents refused with one line and exit 2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/openapi/', import.meta.url));
const V3 = join(FIXTURES, 'petstore-v3.yaml');
const V2 = join(FIXTURES, 'petstore-v2.json');
const dir = mkdtempSync(join(tmpdir(), 'barrage-openapi-'));
let dbCount = 0;
const freshDb = () => join(dir, `h${++dbCount}.db`);

function scenarios(db: string) {
  const store = openStore(db);
  try {
    return Object.fromEntries(store.listScenarios().map((s) => [s.name, s.config as unknown as Record<string, unknown>]));
  } finally {
    store.close();
  }
}

let server: http.Server;
let served = '';
let docUrl = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/openapi.yaml') res.end(served);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  docUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.yaml`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage scenarios import openapi', () => {
  it('saves one scenario per OpenAPI 3 operation: server with its variable, examples, schema body, placeholders', async () => {
    const db = freshDb();
    const r = await runCli(['scenarios', 'import', 'openapi', V3, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OpenAPI 3\.0\.3 "Petstore \(test\)": 5 operations, server http:\/\/127\.0\.0\.1:8080\/v1$/m);
    expect(r.stdout).toMatch(/^5 scenarios saved in /m);
    expect(r.stdout).toMatch(/Fill in before running: \{\{API_KEY\}\}, \{\{BEARER_AUTH\}\}/);
    expect(r.stdout).toMatch(/note: path parameter "ownerId" has no example; used "00000000-0000-4000-8000-000000000000"/);
    expect(r.stdout).toMatch(/note: request body of type image\/png not generated/);

    const s = scenarios(db);
    expect(Object.keys(s).sort()).toEqual(['createPet', 'deletePet', 'listPets', 'showPetById', 'uploadPhoto']);
    // A required query parameter takes its default; an optional one is left out.
    expect(s.listPets).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8080/v1/pets?limit=20', headers: { 'X-API-Key': '{{API_KEY}}' } });
    // The path-level parameter's example; the operation's own security replaces the document's.
    expect(s.showPetById).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8080/v1/pets/42', headers: { Authorization: 'Bearer {{BEARER_AUTH}}' } });
    // "security: []" on the operation means no credentials at all.
    expect(s.deletePet).toMatchObject({ method: 'DELETE', url: 'http://127.0.0.1:8080/v1/pets/42', headers: {} });
    expect(s.createPet).toMatchObject({ method: 'POST', bodyType: 'json', headers: { 'Content-Type': 'application/json', 'X-API-Key': '{{API_KEY}}' } });
    // Examples and the first enum value; readOnly left out; the circular Category stops at null.
    expect(JSON.parse(s.createPet.body as string)).toEqual({
      name: 'Rex',
      status: 'available',
      born: '2024-01-01',
      tags: ['string'],
      category: { name: 'dogs', parent: null },
    });
    expect(s.uploadPhoto.body).toBeUndefined();
  });

  it('reads Swagger 2: host + basePath, body parameter, x-example and default, oauth2/basic/query api key', async () => {
    const db = freshDb();
    const r = await runCli(['scenarios', 'import', 'openapi', V2, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = scenarios(db);
    expect(Object.keys(s).sort()).toEqual(['GET /store/inventory', 'addPet', 'getPetById', 'updatePetWithForm']);
    expect(s.addPet).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9090/api/pet', headers: { Authorization: 'Bearer {{PETSTORE_AUTH}}', 'Content-Type': 'application/json' } });
    expect(JSON.parse(s.addPet.body as string)).toEqual({ id: 1, name: 'doggie', photoUrls: ['string'], tags: [{ id: 1, name: 'string' }], status: 'available' });
    expect(s.getPetById).toMatchObject({ url: 'http://127.0.0.1:9090/api/pet/7?api_key={{API_KEY}}', headers: {} });
    expect(s.updatePetWithForm).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9090/api/pet/3', headers: { Authorization: 'Basic {{BASIC}}' } });
    expect(r.stdout).toMatch(/note: form parameters not generated/);
    expect(s['GET /store/inventory']).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:9090/api/store/inventory' });
  });

  it('--dry-run lists the operations and saves nothing; --only picks operations; --prefix and --base-url apply', async () => {
    const db = freshDb();
    const dry = await runCli(['scenarios', 'import', 'openapi', V3, '--dry-run', '--db', db]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^OPERATION\s+METHOD\s+PATH\s+TO FILL IN$/m);
    expect(dry.stdout).toMatch(/^showPetById\s+GET\s+\/pets\/\{petId\}\s+\{\{BEARER_AUTH\}\}$/m);
    expect(dry.stdout).toMatch(/^deletePet\s+DELETE\s+\/pets\/\{petId\}\s+–$/m);
    expect(scenarios(db)).toEqual({});

    const only = await runCli(['scenarios', 'import', 'openapi', V3, '--only', 'createPet, deletePet', '--prefix', 'pets: ', '--base-url', 'http://localhost:3000/', '--db', db]);
    expect(only.stderr).toBe('');
    expect(only.code).toBe(0);
    const s = scenarios(db);
    expect(Object.keys(s).sort()).toEqual(['pets: createPet', 'pets: deletePet']);
    expect(s['pets: deletePet'].url).toBe('http://localhost:3000/pets/42');

    const json = await runCli(['scenarios', 'import', 'openapi', V2, '--dry-run', '--json', '--only', 'getPetById', '--db', db]);
    const doc = JSON.parse(json.stdout) as { spec: string; operations: Array<{ id: string; placeholders: string[] }> };
    expect(doc.spec).toBe('Swagger 2.0');
    expect(doc.operations.map((o) => [o.id, o.placeholders])).toEqual([['getPetById', ['{{API_KEY}}']]]);
  });

  it('imports from a URL on loopback, resolving a relative server against it; refuses other hosts', async () => {
    served = readFileSync(V3, 'utf8').replace(/url: http:\/\/127\.0\.0\.1:\{port\}\/v1/, 'url: /v2');
    const db = freshDb();
    const r = await runCli(['scenarios', 'import', 'openapi', docUrl, '--only', 'listPets', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(scenarios(db).listPets.url).toBe(`${new URL(docUrl).origin}/v2/pets?limit=20`);

    const far = await runCli(['scenarios', 'import', 'openapi', 'http://192.0.2.1/openapi.json', '--db', db]);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('barrage scenarios: http://192.0.2.1/openapi.json: only URLs on loopback (127.0.0.1, ::1, localhost) can be imported; save the document to a file instead\n');
  });

  it('refuses bad documents with one line naming the problem, exit 2, nothing saved', async () => {
    const db = freshDb();
    const badSchema = join(dir, 'bad-param.json');
    writeFileSync(badSchema, JSON.stringify({ swagger: '2.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { parameters: [{ name: 'q', in: 'nowhere' }], responses: { 200: { description: 'ok' } } } } } }));
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, '{"openapi": "3.0.0", "info": ');
    const relative = join(dir, 'relative.yaml');
    writeFileSync(relative, readFileSync(V3, 'utf8').replace(/url: http:\/\/127\.0\.0\.1:\{port\}\/v1/, 'url: /v1'));
    const cases: Array<[string[], RegExp]> = [
      [[join(FIXTURES, 'broken.yaml')], /broken\.yaml: paths: is missing \(not a valid OpenAPI document\)$/],
      [[badSchema], /bad-param\.json: Swagger schema validation failed\. #\/paths\/~1a\/get\/parameters\/0 /],
      [[truncated], /truncated\.json: cannot be parsed: /],
      [[join(dir, 'missing.yaml')], /missing\.yaml: no such file$/],
      [[relative], /relative\.yaml: servers\[0\]\.url "\/v1" is not an absolute URL; give --base-url/],
      [[V3, '--only', 'nope'], /--only: no operation "nope" in /],
      [[V3, '--base-url', 'ftp://127.0.0.1/'], /base URL "ftp:\/\/127\.0\.0\.1\/" is not an http\(s\) URL$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['scenarios', 'import', 'openapi', ...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    }
    const other = await runCli(['scenarios', 'import', 'postman', V3, '--db', db]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cannot import "postman": barrage scenarios import openapi SOURCE/);
    expect(scenarios(db)).toEqual({});
  });
});
