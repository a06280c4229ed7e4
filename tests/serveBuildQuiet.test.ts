// `barrage serve` from a fresh clone builds the interface first; Vite's warnings (chunk sizes,
// hdr-histogram-js's eval) were printed to the new user as if something were wrong (issue #17,
// the quick-start walk). Only errors are printed now. Vite is mocked: the build's options are
// what is checked.
import { describe, expect, it, vi } from 'vitest';

const build = vi.fn(async (_options: { logLevel?: string }) => undefined);
vi.mock('vite', () => ({ build }));

describe('the interface build of barrage serve', () => {
  it('prints one line that it builds, and only errors from Vite', async () => {
    const { ensureRendererBuilt, rendererOutDir } = await import('../src/main/serve/rendererBuild.ts');
    const lines: string[] = [];
    expect(await ensureRendererBuilt((l) => lines.push(l), () => true)).toBe(rendererOutDir);
    expect(lines).toEqual(['building the user interface (first start, or its sources changed)…']);
    expect(build).toHaveBeenCalledTimes(1);
    expect(build.mock.calls[0][0].logLevel).toBe('error');
  });
});
