// The app's keyboard shortcuts come from one table (src/renderer/src/shortcuts/shortcutTable.ts):
// the help dialog lists it and the key handler matches against it. This checks the table itself
// (no key bound twice, every view reachable), the matching (Ctrl/⌘ shortcuts act while typing,
// letters and Alt+digits never do), and that the views' marked controls and the navigation's links
// are the ones the table names, so the table and the handlers cannot drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NAV_VIEWS,
  SHORTCUTS,
  actsWhileTyping,
  chordsOf,
  displayKeys,
  matchShortcut,
  type KeyInput,
} from '../../src/renderer/src/shortcuts/shortcutTable.ts';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key: k, code: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
const idOf = (r: ReturnType<typeof matchShortcut>) => (r && 'shortcut' in r ? r.shortcut.id : r && 'pending' in r ? `pending:${r.pending}` : null);
/** A sequence of presses, the pending prefix carried from one to the next. */
function press(keys: KeyInput[], typing = false): string | null {
  let pending: string | null = null;
  let last: ReturnType<typeof matchShortcut> = null;
  for (const k of keys) {
    last = matchShortcut(k, pending, typing);
    pending = last && 'pending' in last ? last.pending : null;
  }
  return idOf(last);
}

describe('the shortcut table', () => {
  it('binds no key (or key sequence) twice, and no sequence is the prefix of a single key', () => {
    const all = SHORTCUTS.flatMap((s) => s.keys.map((k) => chordsOf(k).join(' ')));
    expect(new Set(all).size).toBe(all.length);
    const singles = new Set(all.filter((k) => !k.includes(' ')));
    for (const seq of all.filter((k) => k.includes(' '))) expect(singles.has(seq.split(' ')[0])).toBe(false);
  });

  it('reaches every view of the navigation, by g-letter and by Alt+number in the navigation’s order', () => {
    NAV_VIEWS.forEach((view, i) => {
      const s = SHORTCUTS.find((x) => x.action.kind === 'navigate' && x.action.view === view)!;
      expect(s.keys).toContain(`Alt+${i + 1}`);
      expect(s.keys.some((k) => /^g [a-z,]$/.test(k))).toBe(true);
    });
  });

  it('has run, stop, save, search and help', () => {
    for (const id of ['run', 'stop', 'save', 'search', 'help']) expect(SHORTCUTS.some((s) => s.id === id)).toBe(true);
  });
});

describe('matching key presses', () => {
  it('Ctrl/⌘+Enter runs, Ctrl/⌘+. stops, Ctrl/⌘+S saves — also while typing in a field', () => {
    for (const typing of [false, true]) {
      expect(press([key('Enter', { ctrlKey: true })], typing)).toBe('run');
      expect(press([key('Enter', { metaKey: true })], typing)).toBe('run');
      expect(press([key('.', { ctrlKey: true })], typing)).toBe('stop');
      expect(press([key('s', { ctrlKey: true })], typing)).toBe('save');
      expect(press([key('S', { metaKey: true, shiftKey: true })], typing)).toBe('save');
      expect(press([key('k', { ctrlKey: true })], typing)).toBe('search');
    }
  });

  it('/ searches and ? opens the help, but not while typing (they are characters there)', () => {
    expect(press([key('/')])).toBe('search');
    expect(press([key('?', { shiftKey: true })])).toBe('help');
    expect(press([key('/')], true)).toBeNull();
    expect(press([key('?', { shiftKey: true })], true)).toBeNull();
  });

  it('g then a letter goes to a view; never while typing; a wrong second key goes nowhere', () => {
    expect(press([key('g')])).toBe('pending:g');
    expect(press([key('g'), key('h')])).toBe('go-history');
    expect(press([key('g'), key('Shift'), key('s')])).toBe('go-scenarios');
    expect(press([key('g'), key('w')])).toBe('go-showdown');
    expect(press([key('g'), key('x')])).toBeNull();
    // After a dead end the key counts on its own: g then / searches.
    expect(press([key('g'), key('/')])).toBe('search');
    expect(press([key('g'), key('h')], true)).toBeNull();
    // h alone is nothing.
    expect(press([key('h')])).toBeNull();
  });

  it('Alt+number goes to a view by the physical key (⌥+3 types "£" on a Mac), never while typing', () => {
    expect(press([key('3', { altKey: true, code: 'Digit3' })])).toBe('go-history');
    expect(press([key('£', { altKey: true, code: 'Digit3' })])).toBe('go-history');
    expect(press([key('6', { altKey: true, code: 'Digit6' })])).toBe('go-capacity');
    expect(press([key(',', { ctrlKey: true })], true)).toBe('go-settings');
    expect(press([key('£', { altKey: true, code: 'Digit3' })], true)).toBeNull();
    // Ctrl+digits stay the browser's (tab switching).
    expect(press([key('3', { ctrlKey: true, code: 'Digit3' })])).toBeNull();
  });

  it('says which bindings act while typing, and shows them per platform', () => {
    expect(actsWhileTyping('Mod+Enter')).toBe(true);
    expect(actsWhileTyping('g h')).toBe(false);
    expect(actsWhileTyping('Alt+1')).toBe(false);
    expect(displayKeys('Mod+Enter', false)).toEqual(['Ctrl+Enter']);
    expect(displayKeys('Mod+Enter', true)).toEqual(['⌘+Enter']);
    expect(displayKeys('g h', false)).toEqual(['g', 'h']);
    expect(displayKeys('Alt+2', true)).toEqual(['⌥+2']);
  });
});

describe('the table and the views agree', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const renderer = path.join(root, 'src/renderer/src');
  const svelteFiles = readdirSync(renderer, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.svelte'))
    .map((e) => path.join(e.parentPath, e.name));
  const marked = new Map<string, string[]>();
  for (const f of svelteFiles) {
    for (const m of readFileSync(f, 'utf8').matchAll(/data-shortcut="([a-z-]+)"/g)) {
      marked.set(m[1], [...(marked.get(m[1]) ?? []), path.basename(f)]);
    }
  }
  const targets = SHORTCUTS.flatMap((s) => (s.action.kind === 'view' ? [s.action.target] : []));

  it('every control a view marks for a shortcut is one the table has, and every such shortcut has controls', () => {
    for (const name of marked.keys()) expect(targets).toContain(name);
    for (const t of targets) expect(marked.get(t)?.length ?? 0).toBeGreaterThan(0);
    // Ctrl+S saves in the builder: the single-request form or, for a flow, the flow builder it shows instead.
    expect([...new Set(marked.get('save'))].sort()).toEqual(['FlowBuilder.svelte', 'ScenarioBuilder.svelte']);
    for (const view of ['ScenarioBuilder.svelte', 'RunView.svelte', 'RunReport.svelte', 'ShowdownView.svelte', 'CapacityView.svelte', 'AbPanel.svelte']) {
      expect(marked.get('run')).toContain(view);
    }
    for (const view of ['RunView.svelte', 'ShowdownView.svelte', 'CapacityView.svelte', 'AbPanel.svelte']) expect(marked.get('stop')).toContain(view);
  });

  it('the navigation links are the table’s views, in its order, each marked data-nav', () => {
    const nav = readFileSync(path.join(renderer, 'components/NavBar.svelte'), 'utf8');
    expect([...nav.matchAll(/\{ key: '([a-z]+)', label:/g)].map((m) => m[1])).toEqual([...NAV_VIEWS]);
    expect(nav).toContain('data-nav={item.key}');
  });

  it('no view handles keys of its own beside the table', () => {
    const own = svelteFiles.filter((f) => /<svelte:window[^>]*onkeydown/.test(readFileSync(f, 'utf8'))).map((f) => path.basename(f));
    expect(own).toEqual(['App.svelte']);
  });
});
