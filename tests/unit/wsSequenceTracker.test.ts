import { describe, expect, it } from 'vitest';
import {
  ECHO_COMPLETED,
  ECHO_DUPLICATE,
  ECHO_LATE,
  ECHO_UNMATCHED,
  SequenceTracker,
  type EchoSink,
} from '../../src/main/engine/ws/sequenceTracker.ts';

function sink() {
  const s = {
    latencies: [] as number[],
    duplicates: 0,
    outOfOrder: 0,
    unmatched: 0,
    lost: 0,
    completed(us: number) {
      s.latencies.push(us);
    },
    wsDuplicate() {
      s.duplicates++;
    },
    wsOutOfOrder() {
      s.outOfOrder++;
    },
    wsUnmatched() {
      s.unmatched++;
    },
    wsLost(n = 1) {
      s.lost += n;
    },
  };
  return s satisfies EchoSink;
}

describe('SequenceTracker', () => {
  it('numbers messages from 1 and measures latency from each origin time (µs)', () => {
    const t = new SequenceTracker();
    const s = sink();
    expect(t.next(1000)).toBe(1);
    expect(t.next(1001)).toBe(2);
    expect(t.outstanding).toBe(2);
    expect(t.echo(1, 1002.5, s)).toBe(ECHO_COMPLETED);
    expect(t.echo(2, 1003, s)).toBe(ECHO_COMPLETED);
    expect(s.latencies).toEqual([2500, 2000]);
    expect(t.outstanding).toBe(0);
    expect(s.outOfOrder + s.duplicates + s.unmatched + s.lost).toBe(0);
  });

  it('matches by id, not arrival order: a reordered echo completes and counts out-of-order', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(0); // 1
    t.next(10); // 2
    t.next(20); // 3
    expect(t.echo(3, 25, s)).toBe(ECHO_COMPLETED);
    expect(t.echo(1, 30, s)).toBe(ECHO_COMPLETED);
    expect(t.echo(2, 31, s)).toBe(ECHO_COMPLETED);
    expect(s.latencies).toEqual([5000, 30000, 21000]);
    expect(s.outOfOrder).toBe(2);
  });

  it('counts a second echo of an answered id as a duplicate, not a completion', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(0);
    t.echo(1, 1, s);
    expect(t.echo(1, 2, s)).toBe(ECHO_DUPLICATE);
    expect(s.duplicates).toBe(1);
    expect(s.latencies).toHaveLength(1);
    expect(s.outOfOrder).toBe(0);
  });

  it('counts ids never sent and unreadable ones as unmatched', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(0);
    expect(t.echo(2, 1, s)).toBe(ECHO_UNMATCHED);
    expect(t.echo(0, 1, s)).toBe(ECHO_UNMATCHED);
    expect(t.echo(-1, 1, s)).toBe(ECHO_UNMATCHED);
    expect(s.unmatched).toBe(3);
    expect(t.outstanding).toBe(1);
  });

  it('gives up messages older than the cutoff, oldest first, and a late echo counts nothing more', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(100); // 1
    t.next(200); // 2
    t.next(300); // 3
    expect(t.expire(250, s)).toBe(2);
    expect(s.lost).toBe(2);
    expect(t.outstanding).toBe(1);
    expect(t.echo(1, 400, s)).toBe(ECHO_LATE);
    expect(s.duplicates + s.unmatched).toBe(0);
    expect(s.latencies).toHaveLength(0);
    // A second copy of the same late id is a duplicate.
    expect(t.echo(1, 401, s)).toBe(ECHO_DUPLICATE);
    expect(t.echo(3, 402, s)).toBe(ECHO_COMPLETED);
    expect(t.expire(1e9, s)).toBe(0);
  });

  it('skips answered ids when expiring', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(100);
    t.next(200);
    t.next(300);
    t.echo(1, 150, s);
    expect(t.expire(250, s)).toBe(1);
    expect(t.outstanding).toBe(1);
  });

  it('abandons everything outstanding (connection closed / end of run)', () => {
    const t = new SequenceTracker();
    const s = sink();
    t.next(0);
    t.next(0);
    t.next(0);
    t.echo(2, 1, s);
    expect(t.abandon(s)).toBe(2);
    expect(s.lost).toBe(2);
    expect(t.outstanding).toBe(0);
    expect(t.abandon(s)).toBe(0);
    // Ids keep increasing after a reconnect, so nothing from before can be mistaken for new.
    expect(t.next(5)).toBe(4);
  });

  it('keeps up with a long run without growing (answered ids are forgotten)', () => {
    const t = new SequenceTracker();
    const s = sink();
    for (let i = 0; i < 100_000; i++) {
      const seq = t.next(i);
      t.echo(seq, i + 1, s);
    }
    expect(t.outstanding).toBe(0);
    expect(s.latencies).toHaveLength(100_000);
  });
});

describe('SequenceTracker against a plain model', () => {
  it('agrees with a Map-based model over random sends, echoes, duplicates, expiries and abandons', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const t = new SequenceTracker();
    const s = sink();
    const model = new Map<number, number>();
    const answered = new Set<number>();
    let nextSeq = 1;
    let now = 0;
    let completed = 0;
    for (let step = 0; step < 20_000; step++) {
      now += random();
      const r = random();
      if (r < 0.45) {
        expect(t.next(now)).toBe(nextSeq);
        model.set(nextSeq++, now);
      } else if (r < 0.85 && model.size > 0) {
        // Echo a random outstanding id (out of order), sometimes one already answered.
        const ids = [...model.keys()];
        const seq = ids[Math.floor(random() * ids.length)];
        expect(t.echo(seq, now, s)).toBe(ECHO_COMPLETED);
        model.delete(seq);
        answered.add(seq);
        completed++;
        if (random() < 0.05) expect(t.echo(seq, now, s)).toBe(ECHO_DUPLICATE);
      } else if (r < 0.97) {
        const cutoff = now - 50;
        let expected = 0;
        for (const [seq, origin] of model) if (origin < cutoff) (model.delete(seq), expected++);
        expect(t.expire(cutoff, s)).toBe(expected);
      } else if (r < 0.975) {
        expect(t.abandon(s)).toBe(model.size);
        model.clear();
      }
      expect(t.outstanding).toBe(model.size);
    }
    expect(s.latencies).toHaveLength(completed);
  });
});
