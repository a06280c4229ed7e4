// Credentials and one-line errors (issue #10 items 7 and 8): the history is created owner-only,
// a URL's password never silently replaces an explicit Authorization header and is never
// printed, and faults of the history's location are one line, not a stack trace.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-credentials-'));
let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at [\w.<]+ \(|node:internal/);

describe('the history is owner-only', () => {
  it('a new database and its folder are created 0600 / 0700', async () => {
    const folder = join(dir, 'fresh', 'nested');
    const db = join(folder, 'h.db');
    const r = await runCli(['runs', 'list', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });
});

describe('credentials in URLs', () => {
  it('user:password@ in the URL together with an Authorization header is refused', async () => {
    const url = target.httpUrl.replace('http://', 'http://alice:s3cret@');
    const r = await runCli(['run', `${url}/`, '-H', 'Authorization: Bearer abc', '-d', '1', '--no-save', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/password.*Authorization|Authorization.*password/i);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('the password and secret header values are never printed (summary, JSON, runs list)', async () => {
    const db = join(dir, 'secrets.db');
    const url = target.httpUrl.replace('http://', 'http://alice:s3cret@');
    const run = await runCli(['run', `${url}/`, '-H', 'X-Api-Key: k3yvalue', '-H', 'Cookie: sid=c00kie', '-d', '1', '-c', '1', '-w', '1', '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    const json = await runCli(['run', `${url}/`, '-H', 'Authorization: Bearer t0ken', '-d', '1', '-c', '1', '-w', '1', '--no-save', '--json', '-q']);
    const list = await runCli(['runs', 'list', '--db', db]);
    const show = await runCli(['runs', 'show', '1', '--db', db]);
    for (const out of [run.stdout + run.stderr, json.stdout + json.stderr, list.stdout, show.stdout]) {
      for (const secret of ['s3cret', 'k3yvalue', 'c00kie', 't0ken']) expect(out).not.toContain(secret);
    }
    expect(run.stdout + run.stderr).toContain('alice:***@');
  });
});

describe('one line instead of a stack trace', () => {
  it('a --db whose parent is a file', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const r = await runCli(['run', `${target.httpUrl}/`, '-d', '1', '--db', join(file, 'h.db'), '-q']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ENOTDIR|not a folder/);
    noStack(r.stderr);
  });

  it('a header name with CR/LF is refused without echoing the control characters', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, '-H', 'X-Bad\r\nInjected: yes: v', '-d', '1', '--no-save', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\r/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    noStack(r.stderr);
  });
});
