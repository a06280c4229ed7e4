// When the CLI's bundle (bin/cliBundle.js) counts as stale: any input file whose size or
// modification time differs from the build's stamp, including one that is gone.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript (it runs before any TypeScript can be loaded), no types
import { firstChanged, stampOf } from '../../bin/cliBundle.js';

type Stamp = [string, number, number];
const stamp = stampOf as (rel: string, base: string) => Stamp;
const changed = firstChanged as (inputs: Stamp[], base: string) => string | null;

const dirs: string[] = [];
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-bundle-fresh-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'b.ts'), 'export const b = 2;\n');
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('CLI bundle freshness', () => {
  it('is fresh while no input changed', () => {
    const dir = fixture();
    expect(changed([stamp('a.ts', dir), stamp('b.ts', dir)], dir)).toBeNull();
  });

  it('is stale when an input was rewritten with another size', () => {
    const dir = fixture();
    const inputs = [stamp('a.ts', dir), stamp('b.ts', dir)];
    writeFileSync(join(dir, 'b.ts'), 'export const b = 22;\n');
    expect(changed(inputs, dir)).toBe('b.ts');
  });

  it('is stale when an input has another modification time (same size)', () => {
    const dir = fixture();
    const inputs = [stamp('a.ts', dir), stamp('b.ts', dir)];
    utimesSync(join(dir, 'a.ts'), new Date(), new Date(Date.now() + 5000));
    expect(changed(inputs, dir)).toBe('a.ts');
  });

  it('is stale when an input is gone, and a stamp of a missing file never matches a new one', () => {
    const dir = fixture();
    const inputs = [stamp('a.ts', dir), stamp('b.ts', dir)];
    rmSync(join(dir, 'a.ts'));
    expect(changed(inputs, dir)).toBe('a.ts');
    // A file saved during a build is stamped -2 (bin/cliBundle.js), which no file has.
    expect(changed([['b.ts', -2, -2]], dir)).toBe('b.ts');
  });
});
