// Issue #9's leftovers stay gone: one inverse-normal implementation (normalQuantile in
// src/shared/stats/distributions.ts; the store's copy of Acklam's approximation was a second),
// and no exports that nothing imports (EVENT_NAMES, protocolLabel, formatRate; since then any
// exported function, constant or class that nothing uses, e.g. loadProfile's formatStage).
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

/** Every file that may use an export of src: the sources, tests, benches, scripts, launchers, configs. */
function users(): Map<string, string> {
  const files = ['src', 'tests', 'bench', 'bin', 'scripts'].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|svelte|js|mjs)$/.test(e.name))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name))),
  );
  const configs = readdirSync(root).filter((f) => /\.config\.(ts|js)$/.test(f));
  // Not this file: it names what it looks for.
  const self = path.relative(root, import.meta.filename);
  return new Map([...files, ...configs].filter((f) => f !== self).map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
}

describe('no duplicates, no dead exports', () => {
  it('one implementation of the inverse normal CDF', () => {
    // A coefficient of Acklam's approximation, in either spelling.
    const withAcklam = all.filter((f) => /2\.506628277459239|-3\.969683028665376e1|-39\.69683028665376/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(withAcklam).toEqual(['src/shared/stats/distributions.ts']);
  });

  it('every exported function, constant and class is used somewhere (in its own file, another, or a test)', () => {
    const texts = users();
    const unused: string[] = [];
    for (const file of all) {
      const text = texts.get(file)!;
      for (const m of text.matchAll(/^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm)) {
        const name = m[1];
        const ownUses = text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
        if (ownUses > 1) continue;
        const word = new RegExp(`\\b${name}\\b`);
        if ([...texts].some(([other, t]) => other !== file && word.test(t))) continue;
        unused.push(`${file}: ${name}`);
      }
    }
    expect(unused).toEqual([]);
  });

  // protocolLabel is back, used (src/shared/protocolLabel.ts names HTTP/2 runs); the rule above
  // keeps any export honest, so only the two that were dead stay named here.
  it.each(['EVENT_NAMES', 'formatRate'])('%s is not exported', (name) => {
    const exporting = all.filter((f) => new RegExp(`export (const|function|let) ${name}\\b`).test(readFileSync(path.join(root, f), 'utf8')));
    expect(exporting).toEqual([]);
  });
});
