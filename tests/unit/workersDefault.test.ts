// What users are told about the default number of load workers matches what the engine does:
// one per core, but one fewer on a loopback target (workerCount). The CLI's help and the
// builder's load description both said "one per CPU core".
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RUN_HELP } from '../../src/main/cli/commands/run.ts';
import { workerCount } from '../../src/main/engine/index.ts';
import { DEFAULT_WORKERS_TEXT } from '../../src/shared/workersDefault.ts';
import { describeLoad } from '../../src/renderer/src/scenarioForm/describeLoad.ts';
import { scenarioOf } from '../support/runScenario.ts';

describe('the default number of load workers, in words', () => {
  it('says what the engine does: a core fewer for a target on this machine', () => {
    const cores = availableParallelism();
    expect(DEFAULT_WORKERS_TEXT).toMatch(/^one per CPU core, one fewer when the target is on this machine/);
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 64 }))).toBe(Math.max(1, cores - 1));
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://10.0.0.1/', connections: 64 }))).toBe(cores);
  });

  it('barrage run --help', () => {
    const line = RUN_HELP.split('\n').find((l) => l.includes('--workers'));
    expect(line).toBe(`  -w, --workers N         load worker threads (default: ${DEFAULT_WORKERS_TEXT})`);
  });

  it('the builder’s description of the load', () => {
    const lines = describeLoad(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 8 }));
    expect(lines.at(-1)).toMatch(new RegExp(`^Load workers: ${DEFAULT_WORKERS_TEXT.replace(/[()]/g, '\\$&')}; timeout `));
    expect(describeLoad(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 8, workers: 2 })).at(-1)).toMatch(/^2 load workers;/);
  });
});
