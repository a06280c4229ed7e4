// Issue #9's leftovers stay gone: one inverse-normal implementation (normalQuantile in
// src/shared/stats/distributions.ts; the store's copy of Acklam's approximation was a second),
// and no exports that nothing imports (EVENT_NAMES, protocolLabel, formatRate).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const all = sources('src');

describe('no duplicates, no dead exports', () => {
  it('one implementation of the inverse normal CDF', () => {
    // A coefficient of Acklam's approximation, in either spelling.
    const withAcklam = all.filter((f) => /2\.506628277459239|-3\.969683028665376e1|-39\.69683028665376/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(withAcklam).toEqual(['src/shared/stats/distributions.ts']);
  });

  it.each(['EVENT_NAMES', 'protocolLabel', 'formatRate'])('%s is not exported', (name) => {
    const exporting = all.filter((f) => new RegExp(`export (const|function|let) ${name}\\b`).test(readFileSync(path.join(root, f), 'utf8')));
    expect(exporting).toEqual([]);
  });
});
