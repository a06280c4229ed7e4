// The layers point one way (docs/ARCHITECTURE.md): the result model is in src/shared/result and
// imports nothing from src/main; outside src/main/engine only the engine's façade is imported;
// the renderer imports only src/shared; the generator-saturation thresholds exist once.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorHealth, SATURATED_CPU_PERCENT, SATURATED_LOOP_LAG_MS, secondSaturated } from '../../src/shared/result/generatorHealth.ts';
import type { RunSample } from '../../src/shared/runResult.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|svelte)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Every relative module a file imports, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

// No exceptions: the showdown's polling, once a client on the main thread, is the engine's
// polling driver (src/main/engine/poll/pollLoad.ts).
const ENGINE_INTERNALS_ALLOWED = new Set<string>([]);

describe('layering', () => {
  it('nothing outside the engine imports its internals, only src/main/engine/index.ts', () => {
    const offenders: string[] = [];
    for (const file of sources('src')) {
      if (file.startsWith(path.join('src', 'main', 'engine') + path.sep)) continue;
      for (const target of importsOf(file)) {
        if (target.startsWith(path.join('src', 'main', 'engine') + path.sep) && target !== path.join('src', 'main', 'engine', 'index.ts')) {
          if (!ENGINE_INTERNALS_ALLOWED.has(`${file} -> ${target}`)) offenders.push(`${file} -> ${target}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the shared code (result model included) imports nothing from src/main or the renderer', () => {
    const offenders = sources('src/shared').flatMap((file) =>
      importsOf(file)
        .filter((t) => !t.startsWith(path.join('src', 'shared') + path.sep))
        .map((t) => `${file} -> ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer imports nothing from src/main', () => {
    const offenders = sources('src/renderer').flatMap((file) =>
      importsOf(file)
        .filter((t) => t.startsWith(path.join('src', 'main') + path.sep))
        .map((t) => `${file} -> ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the composition root is not among the services', () => {
    expect(sources('src/main/services').filter((f) => /appServices/.test(f))).toEqual([]);
  });

  it('no view keeps its own copy of the saturation thresholds', () => {
    const copies = sources('src/renderer').filter((file) => /cpuPercent\s*>=?\s*\d|loopLagMs\s*>=?\s*\d/.test(readFileSync(path.join(root, file), 'utf8')));
    expect(copies).toEqual([]);
  });
});

describe('the generator-saturation rule', () => {
  const second = (t: number, cpuPercent: number, loopLagMs = 1, warmup = false): RunSample =>
    ({ t, cpuPercent, loopLagMs, warmup }) as RunSample;

  it('flags a run only when a quarter of its steady seconds ran a worker hot', () => {
    const oneHotOfTen = Array.from({ length: 10 }, (_, t) => second(t, t === 5 ? 99 : 40));
    expect(generatorHealth(oneHotOfTen, 1).saturated).toBe(false);
    const threeHotOfTen = Array.from({ length: 10 }, (_, t) => second(t, t < 3 ? 99 : 40));
    const health = generatorHealth(threeHotOfTen, 1);
    expect(health.saturated).toBe(true);
    expect(health.reasons[0]).toContain('3 of 10 seconds');
  });

  it('flags any event-loop delay beyond the limit, and marks single hot seconds', () => {
    expect(generatorHealth([second(0, 10, SATURATED_LOOP_LAG_MS + 1)], 1).saturated).toBe(true);
    expect(secondSaturated({ cpuPercent: SATURATED_CPU_PERCENT, loopLagMs: 0 })).toBe(true);
    expect(secondSaturated({ cpuPercent: SATURATED_CPU_PERCENT - 1, loopLagMs: SATURATED_LOOP_LAG_MS })).toBe(false);
  });
});
