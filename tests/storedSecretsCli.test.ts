// Issue #10 item 8, from the terminal: `barrage run` stores a redacted copy of its configuration
// unless --store-secrets; running a stored run again (`run --from-run`, `ab --baseline`) needs
// the secret back — from BARRAGE_* variables, or typed on a terminal — and never sends ***.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget } from '../src/main/target/demoTarget.ts';
import { BIN, runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-stored-secrets-'));
/** Every Authorization header value the target received. */
const seen = new Set<string>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.add(req.headers.authorization ?? '(none)');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function storedRows(db: string): Array<{ id: number; url: string; config: string }> {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT id, url, config FROM runs ORDER BY id').all() as Array<{ id: number; url: string; config: string }>;
  } finally {
    d.close();
  }
}

const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);
const short = ['-d', '1', '-c', '1', '-w', '1', '--warmup', '0', '-q'];

describe('stored run configurations and secrets', () => {
  const db = join(dir, 'history.db');
  const url = () => base.replace('http://', 'http://alice:pa55word@');

  it('a run without --store-secrets stores *** for the URL password and the Authorization value; with it, both', { timeout: 60_000 }, async () => {
    const r1 = await runCli(['run', base, '-H', 'Authorization: Bearer t0ken', ...short, '--db', db]);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await runCli(['run', url(), '-H', 'X-Api-Key: k3y', ...short, '--db', db]);
    expect(r2.code, r2.stderr).toBe(0);
    const r3 = await runCli(['run', base, '-H', 'Authorization: Bearer kept', ...short, '--db', db, '--store-secrets']);
    expect(r3.code, r3.stderr).toBe(0);
    expect(seen).toContain('Bearer t0ken');
    const [a, b, c] = storedRows(db);
    expect(JSON.parse(a.config).headers).toEqual({ Authorization: '***' });
    expect(b.url).toContain('alice:***@');
    expect(JSON.parse(b.config).url).toContain('alice:***@');
    expect(JSON.parse(b.config).headers).toEqual({ 'X-Api-Key': '***' });
    expect(`${a.config}${a.url}${b.config}${b.url}`).not.toMatch(/t0ken|pa55word|k3y/);
    expect(JSON.parse(c.config).headers).toEqual({ Authorization: 'Bearer kept' });
  });

  it('run --from-run of a redacted run without the secret: exit 2, one line naming the field and its variable; nothing sent', { timeout: 30_000 }, async () => {
    seen.clear();
    const r = await runCli(['run', '--from-run', '1', ...short, '--db', db]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('header Authorization: run 1 was stored without it (no --store-secrets); set BARRAGE_HEADER_AUTHORIZATION');
    expect(seen.size).toBe(0);
  });

  it('run --from-run with the secrets in BARRAGE_* variables sends them (never ***) and stores a redacted copy again', { timeout: 60_000 }, async () => {
    seen.clear();
    const r = await runCli(['run', '--from-run', '2', ...short, '--db', db, '--json'], { BARRAGE_URL_PASSWORD: 'n3w-pw', BARRAGE_HEADER_X_API_KEY: 'n3w-key' });
    expect(r.code, r.stderr).toBe(0);
    const runId = (JSON.parse(r.stdout) as { runId: number }).runId;
    const row = storedRows(db).find((x) => x.id === runId)!;
    expect(JSON.parse(row.config).url).toContain('alice:***@');
    expect(row.config).not.toMatch(/n3w/);
    // Basic auth from the URL: alice:n3w-pw, not alice:***.
    expect(seen).toEqual(new Set([`Basic ${Buffer.from('alice:n3w-pw').toString('base64')}`]));
  });

  it('a run stored with --store-secrets runs again as it is', { timeout: 60_000 }, async () => {
    seen.clear();
    const r = await runCli(['run', '--from-run', '3', ...short, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen).toEqual(new Set(['Bearer kept']));
  });

  it('on a terminal the secret is asked for without echo', { timeout: 60_000 }, async () => {
    seen.clear();
    // `script` gives the CLI a pseudo-terminal; what the test writes is typed into it.
    const cmd = [process.execPath, BIN, 'run', '--from-run', '1', ...short, '--db', db].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('(not shown, not stored): ') && !child.stdin.writableEnded) child.stdin.end('Bearer typ3d\r');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('header Authorization for run 1 (not shown, not stored): ');
    expect(out).not.toContain('typ3d');
    expect(code, out).toBe(0);
    expect(seen).toEqual(new Set(['Bearer typ3d']));
  });

  it('ab --baseline on a redacted baseline run without the secret: exit 2, one line, nothing sent', { timeout: 30_000 }, async () => {
    seen.clear();
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ protocol: 'http', url: base, headers: { Authorization: 'Bearer t0ken' }, durationSec: 1, connections: 1, workers: 1, warmupSec: 0 }));
    expect((await runCli(['scenarios', 'save', file, '--name', 'api', '--db', db])).code).toBe(0);
    expect((await runCli(['scenarios', 'baseline', 'api', '1', '--db', db])).code).toBe(0);
    const r = await runCli(['ab', 'api', '--baseline', '--rounds', '4', '-q', '--db', db]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('header Authorization: baseline run 1 was stored without it (no --store-secrets); set BARRAGE_HEADER_AUTHORIZATION');
    expect(seen.size).toBe(0);
  });

  it('runs redact ID replaces the secrets of a run stored with them, leaving no copy in the file; --all finds none left', { timeout: 30_000 }, async () => {
    const bytes = () => `${readFileSync(db).toString('latin1')}${existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`).toString('latin1') : ''}`;
    expect(bytes()).toContain('Bearer kept');
    const r = await runCli(['runs', 'redact', '3', '99', '--db', db]);
    expect(r.stdout).toBe('Redacted the secrets of run 3.\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no run 99 in /);
    expect(JSON.parse(storedRows(db).find((x) => x.id === 3)!.config).headers).toEqual({ Authorization: '***' });
    expect(bytes()).not.toContain('Bearer kept');
    const all = await runCli(['runs', 'redact', '--all', '--db', db]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toBe('No stored run held a secret.\n');
  });
});

describe('every command that stores runs keeps a redacted copy by default', () => {
  it('barrage showdown and barrage capacity store *** for URL passwords', { timeout: 120_000 }, async () => {
    const demo = await startDemoTarget();
    try {
      const withPw = (u: string) => u.replace('://', '://alice:sh0wpw@');
      const db = join(dir, 'jobs.db');
      const sd = await runCli(['showdown', '--http', `${withPw(demo.httpUrl)}/echo`, '--ws', `${withPw(demo.wsUrl)}/ws/echo`, '-a', '100', '-c', '1', '--warmup', '0', '--only', 'exchange', '-q', '--db', db]);
      expect(sd.code, sd.stderr).toBe(0);
      const cap = await runCli(['capacity', `${withPw(demo.httpUrl)}/`, '--slo', 'p99<2s', '--start-rate', '20', '--max-rate', '30', '--step-sec', '2', '--budget', '4', '-w', '1', '-q', '--db', db]);
      expect(cap.code, cap.stderr).toBe(0);
      const stored = storedRows(db);
      expect(stored.length).toBeGreaterThanOrEqual(4);
      for (const row of stored) {
        expect(row.url).toContain('alice:***@');
        expect(row.config).not.toContain('sh0wpw');
      }
      // Nor anywhere else in the rows (a capacity step's name was made of the URL), nor printed.
      const d = new Database(db, { readonly: true });
      const everything = JSON.stringify(d.prepare('SELECT * FROM runs').all());
      d.close();
      expect(everything).not.toContain('sh0wpw');
      expect(`${sd.stdout}${sd.stderr}${cap.stdout}${cap.stderr}`).not.toContain('sh0wpw');
      expect(cap.stdout).toContain('alice:***@');
    } finally {
      await demo.close();
    }
  });
});
