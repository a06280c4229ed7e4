// "Run again" on a polling run: a run stored with its `poll` configuration (the engine's polling
// driver) is re-runnable; one stored before that, with a stand-in GET configuration that the
// engine would run as something else, stays marked as not re-runnable, with the reason.
import { describe, expect, it } from 'vitest';
import { POLL_LATENCY_MEANING, describeLatency } from '../../src/shared/result/latencyMeaning.ts';
import { httpScenarioSchema, scenarioSchema } from '../../src/shared/scenario.ts';
import { notRerunnableReason } from '../../src/shared/showdown.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

const pollConfig = { protocol: 'http', url: 'http://127.0.0.1:1/events', connections: 5, poll: { intervalMs: 500 }, durationSec: 2 } as const;

describe('Run again', () => {
  it('is offered for an engine run and for a polling run stored with its poll configuration', () => {
    const engineRun = syntheticRun({ seconds: 2 });
    expect(notRerunnableReason(engineRun.summary, engineRun.config)).toBeNull();
    expect(notRerunnableReason(null, null)).toBeNull();
    const config = scenarioSchema.parse(pollConfig);
    expect(notRerunnableReason({ ...engineRun.summary, latencyMeaning: POLL_LATENCY_MEANING }, config)).toBeNull();
  });

  it('is refused for a polling run stored with the old stand-in configuration', () => {
    const engineRun = syntheticRun({ seconds: 2 });
    const standIn = httpScenarioSchema.parse({ protocol: 'http', url: 'http://127.0.0.1:1/events', connections: 5, rate: 10, durationSec: 2 });
    expect(notRerunnableReason({ ...engineRun.summary, latencyMeaning: POLL_LATENCY_MEANING }, standIn)).toMatch(/run the showdown again/);
  });
});

describe('poll scenario', () => {
  it('stores the interval and describes its latency as delivery lag', () => {
    const config = scenarioSchema.parse(pollConfig);
    expect(config.protocol === 'http' && config.poll).toEqual({ intervalMs: 500 });
    expect(describeLatency(config)).toBe(POLL_LATENCY_MEANING);
  });

  it('refuses what polling cannot do, naming the field', () => {
    const bad = (extra: object) => httpScenarioSchema.safeParse({ ...pollConfig, ...extra });
    expect(bad({ rate: 10 }).error?.issues[0]).toMatchObject({ path: ['rate'], message: 'cannot be combined with poll' });
    expect(bad({ method: 'POST' }).error?.issues[0]).toMatchObject({ path: ['method'] });
    expect(bad({ poll: { intervalMs: 0 } }).error?.issues[0].path).toEqual(['poll', 'intervalMs']);
    expect(bad({ poll: { every: 5 } }).success).toBe(false);
  });
});
