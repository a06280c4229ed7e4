// A showdown's polling run is stored with a configuration that describes its load but that the
// engine would run as something else; the app marks it as not re-runnable instead of running
// that something else on "Run again" (histories from before keep the same latency meaning).
import { describe, expect, it } from 'vitest';
import { POLL_LATENCY_MEANING } from '../../src/main/showdown/pollClient.ts';
import { notRerunnableReason } from '../../src/shared/showdown.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

describe('Run again', () => {
  it('is refused for a showdown polling run, with the reason, and offered for any other run', () => {
    const engineRun = syntheticRun({ seconds: 2 });
    expect(notRerunnableReason(engineRun.summary)).toBeNull();
    expect(notRerunnableReason(null)).toBeNull();
    const pollRun = { ...engineRun.summary, latencyMeaning: POLL_LATENCY_MEANING };
    expect(notRerunnableReason(pollRun)).toMatch(/polling run: run the showdown again/);
  });
});
