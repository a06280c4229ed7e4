// The bench's A/B rows (bench/abBench.ts): per figure, how many regression tries were caught and
// how many A/A tries were called different, with what `ab` said about the rounds it would need.
import { describe, expect, it } from 'vitest';
import { rows, type AbTry } from '../../bench/abBench.ts';

const tryOf = (kind: AbTry['kind'], verdicts: Record<string, [string, string?]>): AbTry => ({
  kind,
  exitCode: 0,
  groupId: 'g',
  wallSec: 60,
  verdicts: Object.entries(verdicts).map(([figure, [verdict, sentence]]) => ({ figure, verdict, sentence: sentence ?? `${figure}: ${verdict}` })),
});

describe('ab bench rows', () => {
  it('count caught tries and A/A false calls for throughput, p50 and p99 separately', () => {
    const results = [
      tryOf('regression', { throughput: ['worse'], p50: ['worse'], p99: ['no clear difference', 'p99: … no clear difference; about 23 rounds would detect a 10% change at this noise level'] }),
      tryOf('regression', { throughput: ['worse'], p50: ['no clear difference'], p99: ['no clear difference', 'p99: …; more than 1000 rounds would be needed to detect a 10% change at this noise level'] }),
      tryOf('A/A', { throughput: ['no clear difference'], p50: ['better'], p99: ['no clear difference'] }),
      tryOf('A/A', { throughput: ['no clear difference'], p50: ['no clear difference'], p99: ['no clear difference'] }),
    ];
    const out = rows(results, 2);
    const row = (text: string) => out.find((r) => r.figure.includes(text))!;
    expect(out).toHaveLength(6);
    expect(row('caught in throughput').barrage).toBe(1);
    expect(row('caught in p50').barrage).toBe(0.5);
    expect(row('caught in p99').barrage).toBe(0);
    expect(row('caught in p99').goal).toBeNull();
    expect(row('caught in p99').note).toMatch(/about 23, more than 1000 rounds would detect a 10% change/);
    expect(row('called different in throughput').barrage).toBe(0);
    expect(row('called different in p50').barrage).toBe(1);
    expect(row('called different in p50').note).toBe('1 of 2 A/A tries (2 requested): better, no clear difference');
    expect(row('called different in p99').barrage).toBe(0);
  });
});
