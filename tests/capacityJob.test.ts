// A capacity search from the app's API: a job of the one job registry, started, followed
// (capacity.changed pushed at each step, no polling), refused while it measures (it holds the
// measurement lock from its first step to its last, also between steps), stopped keeping what it
// measured; its input validated strictly like every channel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../src/main/app/appServices.ts';
import { forwardJobEvents } from '../src/main/services/runEvents.ts';
import type { CapacityStatus } from '../src/shared/capacity.ts';

let dir: string;
let services: AppServices;
let demo: { httpUrl: string };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barrage-capacity-job-'));
  services = createAppServices({ dbPath: join(dir, 'runs.db'), transport: 'browser', engine: { workers: 1 } });
  demo = await services.context.demoTarget();
});
afterAll(async () => {
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const settings = { slos: ['p50 < 100ms', 'errors < 1%'], startRate: 50, maxRate: 1000, stepSec: 2, precision: 0.05, warmupSec: 1 };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('capacity search as an app job', () => {
  it('refuses unknown fields, a missing source and bad settings, naming the field', async () => {
    const unknown = await services.dispatch('capacity.start', { url: `${demo.httpUrl}/`, ...settings, bogus: 1 });
    expect(unknown).toMatchObject({ ok: false, error: { invalidInput: true } });
    expect(!unknown.ok && unknown.error.message).toMatch(/bogus/);
    const neither = await services.dispatch('capacity.start', { ...settings });
    expect(!neither.ok && neither.error.message).toMatch(/either a saved scenario or a URL/);
    const both = await services.dispatch('capacity.start', { ...settings, url: `${demo.httpUrl}/`, scenarioId: 1 });
    expect(!both.ok && both.error.message).toMatch(/either a saved scenario or a URL/);
    const step = await services.dispatch('capacity.start', { ...settings, url: `${demo.httpUrl}/`, stepSec: 1 });
    expect(!step.ok && step.error.message).toMatch(/^stepSec: must be at least 2/);
    const order = await services.dispatch('capacity.start', { ...settings, url: `${demo.httpUrl}/`, maxRate: 10 });
    expect(!order.ok && order.error.message).toMatch(/^max-rate: must be at least the start rate/);
    const slo = await services.dispatch('capacity.start', { ...settings, url: `${demo.httpUrl}/`, slos: ['p98 < 1s'] });
    expect(!slo.ok && slo.error.message).toMatch(/^slo: /);
    const url = await services.dispatch('capacity.start', { ...settings, url: 'ftp://127.0.0.1/' });
    expect(!url.ok && url.error.message).toMatch(/^url: /);
    const scenario = await services.dispatch('capacity.start', { ...settings, scenarioId: 999 });
    expect(!scenario.ok && scenario.error.message).toMatch(/scenario 999 does not exist/);
    // Nothing was started by any of them.
    expect(services.context.runs.lock.holder()).toBeNull();
  });

  it('runs as a job holding the measurement lock, pushes every step, and Stop keeps what it measured', { timeout: 60_000 }, async () => {
    const pushed: CapacityStatus[] = [];
    /** Who held the lock at each push between two steps (a step judged, the next not started). */
    const holdersBetween: Array<string | null> = [];
    const off = forwardJobEvents(services.context.jobs, (event, payload) => {
      if (event !== 'capacity.changed') return;
      const s = payload as CapacityStatus;
      pushed.push(s);
      if (s.state === 'running' && s.current === null && s.steps.length > 0) holdersBetween.push(services.context.runs.lock.holder()?.kind ?? null);
    });
    try {
      // A queue served at 200/s: 50 and 100 pass, 200 is near the knee; Stop comes before it converges.
      const started = await services.dispatch('capacity.start', { url: `${demo.httpUrl}/capacity?rps=200`, ...settings });
      expect(started.ok).toBe(true);
      const first = (started as { value: CapacityStatus }).value;
      expect(first).toMatchObject({ state: 'running', steps: [] });
      expect(first.groupId).toMatch(/^cap-/);
      expect(services.context.runs.lock.holder()).toMatchObject({ kind: 'capacity', id: first.groupId });

      // Wait (on pushed events only) until two steps are judged.
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline && (pushed.at(-1)?.steps.length ?? 0) < 2) await wait(50);
      expect(pushed.at(-1)!.steps.length).toBeGreaterThanOrEqual(2);
      // Between steps the search still held the lock: nothing could start in the gap.
      expect(holdersBetween.length).toBeGreaterThanOrEqual(2);
      expect(holdersBetween.every((k) => k === 'capacity')).toBe(true);
      const refused = await services.dispatch('runs.start', { config: { protocol: 'http', url: `${demo.httpUrl}/`, durationSec: 1 } });
      expect(refused).toMatchObject({ ok: false, error: { busy: { kind: 'capacity', id: first.groupId, openable: true } } });
      // A start while it measures is refused, naming the search.
      const busy = await services.dispatch('capacity.start', { url: `${demo.httpUrl}/`, ...settings });
      expect(!busy.ok && busy.error.message).toMatch(new RegExp(`^cannot start: capacity search ${first.groupId}`));
      expect(busy).toMatchObject({ ok: false, error: { busy: { kind: 'capacity', id: first.groupId, openable: true } } });

      const stopped = await services.dispatch('capacity.stop', first.groupId);
      expect(stopped).toEqual({ ok: true, value: true });
      const end = Date.now() + 20_000;
      while (Date.now() < end && pushed.at(-1)!.state === 'running') await wait(50);
      const last = pushed.at(-1)!;
      expect(last.state).toBe('stopped');
      expect(last.answer!.stopReason).toBe('stopped');
      expect(last.steps.length).toBeGreaterThanOrEqual(2);
      expect(last.steps[0]).toMatchObject({ rate: 50, outcome: 'passed' });
      expect(last.answer!.capacity!.rate).toBeGreaterThanOrEqual(50);
      // The get answers the same as the last push; the lock is free again.
      expect(await services.dispatch('capacity.get', first.groupId)).toEqual({ ok: true, value: last });
      expect(services.context.runs.lock.holder()).toBeNull();
      // Every judged step is a stored run of the group, tagged capacity.
      const runs = services.context.store.listRuns({ groupId: first.groupId, limit: 50 });
      for (const s of last.steps) expect(runs.runs.some((r) => r.id === s.runId && r.tags.includes('capacity'))).toBe(true);
      const list = await services.dispatch('capacity.list', undefined);
      expect((list as { value: CapacityStatus[] }).value[0].groupId).toBe(first.groupId);
      expect(await services.dispatch('capacity.stop', first.groupId)).toEqual({ ok: true, value: false });
      expect(await services.dispatch('capacity.get', 'cap-nope')).toMatchObject({ ok: false });
    } finally {
      off();
    }
  });
});
