import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLoopbackTarget, workerCount, workerShares } from '../../src/main/engine/workerShares.ts';
import { scenarioOf } from '../support/runScenario.ts';

describe('worker shares', () => {
  it('leaves a core to a target on this machine', () => {
    const cores = availableParallelism();
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 100 }))).toBe(Math.max(1, cores - 1));
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://example.invalid/', connections: 100 }))).toBe(cores);
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 100, workers: 3 }))).toBe(3);
    expect(workerCount(scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 1, workers: 3 }))).toBe(1);
  });

  it.each([
    ['http://127.0.0.1:8080/', true],
    ['http://127.5.6.7/', true],
    ['ws://localhost:1/ws', true],
    ['http://[::1]:80/', true],
    ['http://10.0.0.1/', false],
    ['https://api.example.com/', false],
  ])('%s on loopback: %s', (url, expected) => {
    expect(isLoopbackTarget(url)).toBe(expected);
  });

  it('splits connections, rate and amount so that they add up', () => {
    const shares = workerShares(scenarioOf({ protocol: 'http', url: 'http://a/', connections: 10, rate: 999, workers: 3 }), 3);
    expect(shares.map((s) => s.connections)).toEqual([4, 3, 3]);
    expect(shares.reduce((a, s) => a + (s.rate ?? 0), 0)).toBeCloseTo(999);
    const amounts = workerShares(scenarioOf({ protocol: 'http', url: 'http://a/', connections: 4, amount: 10 }), 4).map((s) => s.amount);
    expect(amounts).toEqual([3, 3, 2, 2]);
  });
});
