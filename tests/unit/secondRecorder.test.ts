// The per-second recorder inside a load worker (src/main/engine/metrics/secondRecorder.ts) on a
// fake clock: one sample per second boundary after the common start, events in the second they
// happened, a late timer caught up by the driver's catchUp, and a last partial second on finish.
import { afterEach, describe, expect, it } from 'vitest';
import { SecondRecorder } from '../../src/main/engine/metrics/secondRecorder.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import { decodeHistogram, histogramFromRaw } from '../../src/shared/result/histogramCodec.ts';
import { FakeClock } from '../support/fakeClock.ts';

const START = 1_764_470_000_123.25;
let recorders: SecondRecorder[] = [];
afterEach(() => {
  for (const r of recorders) r.finish();
  recorders = [];
});

function setup(trackWs = false) {
  const clock = new FakeClock(START - 40);
  const samples: Array<WorkerSample & { at: number }> = [];
  const recorder = new SecondRecorder(START, (s) => samples.push({ ...s, at: clock.now() - START }), trackWs, clock);
  recorders.push(recorder);
  recorder.start();
  return { clock, samples, recorder };
}

// A worker's seconds carry their latencies as raw counts (the controller encodes them).
const latencies = (s: WorkerSample) => {
  if (!s.latency) return { count: 0, max: 0 };
  const h = histogramFromRaw(s.latency);
  return { count: h.totalCount, max: h.maxValue };
};

describe('SecondRecorder on a fake clock', () => {
  it('emits second t exactly at start + (t + 1) s, with what happened in it', () => {
    const { clock, samples, recorder } = setup();
    clock.advanceTo(START + 500);
    recorder.completed(800);
    recorder.completed(1200);
    recorder.status(200);
    recorder.status(503);
    recorder.error('status');
    clock.advanceTo(START + 1500);
    recorder.completed(5000);
    recorder.error('timeout', 2);
    clock.advanceTo(START + 2000);
    expect(samples.map((s) => s.at)).toEqual([1000, 2000]);
    expect(samples.map((s) => s.t)).toEqual([0, 1]);
    expect(samples.map((s) => s.completed)).toEqual([2, 1]);
    expect(samples[0].statusCodes).toEqual({ 200: 1, 503: 1 });
    expect(samples[0].errors).toEqual({ status: 1 });
    expect(samples[1].errors).toEqual({ timeout: 2 });
    expect(samples[1].statusCodes).toEqual({});
    expect(latencies(samples[0])).toEqual({ count: 2, max: 1200 });
    expect(latencies(samples[1]).count).toBe(1);
    // Nothing before the first boundary: a second with nothing in it is still a sample.
    clock.advanceTo(START + 3000);
    expect(samples[2]).toMatchObject({ t: 2, completed: 0, histogram: '' });
    expect(samples[2].latency).toBeUndefined();
  });

  it('a late timer: the driver catches up before recording, so events land in their own second', () => {
    const { clock, samples, recorder } = setup();
    clock.advanceTo(START + 900);
    recorder.completed(100);
    // The event loop is busy until +1,400: the boundary timer for +1,000 has not run.
    clock.jumpTo(START + 1400);
    recorder.catchUp(clock.now());
    expect(samples.map((s) => [s.t, s.at, s.completed])).toEqual([[0, 1400, 1]]);
    recorder.completed(200);
    // catchUp re-arms for the next boundary; the stale timer does not emit a second sample.
    clock.advanceTo(START + 1999);
    expect(samples).toHaveLength(1);
    clock.advanceTo(START + 2000);
    expect(samples.map((s) => [s.t, s.at, s.completed])).toEqual([
      [0, 1400, 1],
      [1, 2000, 1],
    ]);
    // catchUp inside the current second does nothing.
    recorder.catchUp(START + 2500);
    expect(samples).toHaveLength(2);
  });

  it('finish emits the last partial second and stops the clock', () => {
    const { clock, samples, recorder } = setup();
    clock.advanceTo(START + 1250);
    recorder.completed(300);
    recorder.finish();
    expect(samples.map((s) => [s.t, s.at, s.completed])).toEqual([
      [0, 1000, 0],
      [1, 1250, 1],
    ]);
    expect(clock.pending).toEqual([]);
    clock.advanceTo(START + 5000);
    expect(samples).toHaveLength(2);
  });

  it('connections: the peak of each second, short-lived ones included; opened and failed per second', () => {
    const { clock, samples, recorder } = setup();
    clock.advanceTo(START + 100);
    recorder.connectionOpened(1500);
    recorder.connectionOpened(2500);
    recorder.connectionOpened();
    recorder.connectionClosed();
    recorder.connectionFailed();
    clock.advanceTo(START + 1000);
    recorder.connectionClosed();
    clock.advanceTo(START + 2000);
    expect(samples.map((s) => [s.openConnections, s.connectionsOpened, s.connectionsFailed])).toEqual([
      [3, 3, 1],
      [2, 0, 0],
    ]);
    expect(recorder.openConnections).toBe(1);
    expect(decodeHistogram(samples[0].connectHistogram!).totalCount).toBe(2);
    expect(samples[1].connectHistogram).toBe('');
  });

  it('bytes per second are the differences of the driver’s cumulative counter', () => {
    const { clock, samples, recorder } = setup();
    let sent = 0;
    let received = 0;
    recorder.setByteCounter(() => ({ sent, received }));
    sent = 1000;
    received = 5000;
    clock.advanceTo(START + 1000);
    sent = 1500;
    received = 9000;
    clock.advanceTo(START + 2000);
    expect(samples.map((s) => [s.bytesSent, s.bytesReceived])).toEqual([
      [1000, 5000],
      [500, 4000],
    ]);
  });

  it('WebSocket counters only when tracked; a lost message is also an error', () => {
    const ws = setup(true);
    ws.recorder.wsSent(3);
    ws.recorder.wsReceived(2);
    ws.recorder.wsLost();
    ws.recorder.wsClosed(1011);
    ws.recorder.wsPing(400);
    ws.clock.advanceTo(START + 1000);
    expect(ws.samples[0].ws).toMatchObject({ sent: 3, received: 2, lost: 1, closes: { 1011: 1 } });
    expect(ws.samples[0].errors).toEqual({ lost: 1 });
    expect(decodeHistogram(ws.samples[0].ws!.pingHistogram).totalCount).toBe(1);
    ws.clock.advanceTo(START + 2000);
    expect(ws.samples[1].ws).toMatchObject({ sent: 0, received: 0, lost: 0, closes: {}, pingHistogram: '' });

    const http = setup(false);
    http.recorder.wsSent(3);
    http.clock.advanceTo(START + 1000);
    expect(http.samples[0].ws).toBeUndefined();
  });
  it('beginDrain cuts the second in progress and marks everything after it as the drain', () => {
    const { clock, samples, recorder } = setup(true);
    clock.advanceTo(START + 1000);
    clock.advanceTo(START + 1300);
    recorder.completed(900);
    recorder.beginDrain();
    expect(samples.map((s) => [s.t, s.completed, s.drain ?? false])).toEqual([
      [0, 0, false],
      [1, 1, false],
    ]);
    recorder.completed(5000);
    clock.advanceTo(START + 2000);
    recorder.completed(7000);
    recorder.finish();
    // The drain's seconds count from the cut (the run's accumulator merges them into one period).
    expect(samples.slice(2).map((s) => [s.t, s.completed, s.drain ?? false])).toEqual([[2, 2, true]]);
  });
});
