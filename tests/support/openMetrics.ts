// Reading what Barrage's Prometheus endpoint serves, for tests: the OpenMetrics text format as far
// as prom-client writes it for us (no timestamps, no exemplars), and a free loopback port.
import { createServer } from 'node:net';
import { expect } from 'vitest';

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseOpenMetrics(text: string): Series[] {
  const lines = text.trimEnd().split('\n');
  expect(lines.at(-1)).toBe('# EOF');
  const out: Series[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    out.push({ name: m![1], labels, value: Number(m![3]) });
  }
  return out;
}

/** The one series of `name` whose labels include `extra`; fails when there is not exactly one. */
export function seriesValue(series: Series[], name: string, extra: Record<string, string> = {}): Series {
  const found = series.filter((s) => s.name === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v));
  expect(found, name).toHaveLength(1);
  return found[0];
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
