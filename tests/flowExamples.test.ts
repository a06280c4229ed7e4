// The example flows in examples/ run end to end through the real `barrage` process against the
// demo target (issue #12); a flow whose data file is malformed is refused before the run,
// naming the file and the line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-flow-examples-'));
const env = { BARRAGE_DB: join(dir, 'history.db') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage run --scenario with a data file', () => {
  it('a malformed row is refused before the run, naming the file and its line (no stack trace)', async () => {
    writeFileSync(join(dir, 'people.csv'), 'user,password\nuser1,pw-user1\nuser2\n');
    const scenario = {
      protocol: 'flow',
      url: 'http://127.0.0.1:9',
      data: { file: 'people.csv' },
      steps: [{ type: 'http', name: 'login', method: 'POST', url: '/login', body: '{"user":"{{user}}"}' }],
    };
    writeFileSync(join(dir, 'bad-flow.json'), JSON.stringify(scenario));
    const r = await runCli(['run', '--scenario', join(dir, 'bad-flow.json'), '-q'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--scenario: data.file: ${join(dir, 'people.csv')}: line 3: the row has 1 column; the header has 2`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
