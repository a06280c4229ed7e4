// A run in which nothing completed has no latency: the CLI summary (`barrage run`, `runs show`)
// shows "–" with "nothing completed" instead of the empty histogram's 0 µs, and the JSON says
// so in `latencyUnavailable` (issue #10: such a run never reads as clean).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort } from './support/faultServers.ts';
import { runCli } from './support/cliProcess.ts';

describe('nothing completed: no latency figure reads 0 µs', () => {
  it('every connection refused: run table, run --json, runs show and runs show --json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barrage-empty-'));
    const db = path.join(dir, 'history.db');
    try {
      const url = `http://127.0.0.1:${await closedPort()}/`;
      const table = await runCli(['run', url, '-d', '1', '-c', '1', '-w', '1', '--db', db, '-q', '--allow-empty']);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/–\s*\(nothing completed\)/);
      expect(table.stdout).not.toMatch(/0 µs/);

      const json = await runCli(['run', url, '-d', '1', '-c', '1', '-w', '1', '--db', db, '-q', '--allow-empty', '--json']);
      expect(json.code, json.stderr).toBe(0);
      const doc = JSON.parse(json.stdout) as { runId: number; latencyUnavailable?: string; latencyUs: { count: number } };
      expect(doc.latencyUnavailable).toBe('nothing completed');
      expect(doc.latencyUs.count).toBe(0);

      const shown = await runCli(['runs', 'show', String(doc.runId), '--db', db]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/nothing completed/);
      expect(shown.stdout).not.toMatch(/0 µs/);
      const shownJson = await runCli(['runs', 'show', String(doc.runId), '--db', db, '--json']);
      expect((JSON.parse(shownJson.stdout) as { summary: { latencyUnavailable?: string } }).summary.latencyUnavailable).toBe('nothing completed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
