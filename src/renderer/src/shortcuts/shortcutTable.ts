// Every keyboard shortcut of the app, in one table: the help dialog (`?`) lists this table and the
// key handler (shortcutKeys.ts) matches against it, so what the dialog says and what the keys do
// cannot drift apart. No DOM here: matching is a pure function of a key event's fields.
//
// Conventions, from the tools Barrage's users come from:
// - Ctrl/⌘+Enter runs (Postman sends a request with it; the builder already used it), Ctrl/⌘+S
//   saves, Ctrl/⌘+. stops (JMeter's Stop is Ctrl+.), Ctrl/⌘+K or / search (Postman's Ctrl+K;
//   / in GitHub, Gmail and Grafana), ? lists the shortcuts (GitHub, Gmail, Grafana).
// - Views: "g" then a letter (GitHub's and Gmail's g-then-letter) or Alt+1…7 in the navigation's
//   order (desktop apps' numbered views), Ctrl/⌘+, for Settings. Ctrl+1…8 stays the browser's
//   tab switching.
// - Never steal keys while someone types: in a text field, a select or an editable area only the
//   Ctrl/⌘ shortcuts act (they type nothing); letters, /, ? and Alt+digits (⌥+digits type
//   characters on a Mac) reach the field as typed.

/** The places of the navigation, in its order (NavBar marks its links with data-nav). */
export const NAV_VIEWS = ['scenarios', 'run', 'history', 'compare', 'showdown', 'capacity', 'settings'] as const;
export type NavView = (typeof NAV_VIEWS)[number];

/**
 * What a shortcut does. A view action presses the view's own control marked for it
 * (data-shortcut="run" | "stop" | "save") or, for search, focuses the view's search field, so the
 * shortcut always does exactly what that button or field does, and nothing where there is none.
 */
export type ShortcutAction =
  | { kind: 'view'; target: 'run' | 'stop' | 'save' }
  | { kind: 'search' }
  | { kind: 'navigate'; view: NavView }
  | { kind: 'help' };

export interface Shortcut {
  id: string;
  group: 'In the current view' | 'Go to' | 'Help';
  /** Key bindings, any one of which triggers it: "Mod+Enter", "/", "g h", "Alt+3" (Mod: Ctrl, or ⌘ on a Mac). */
  keys: string[];
  description: string;
  action: ShortcutAction;
}

const NAV_LABELS: Record<NavView, { label: string; letter: string }> = {
  scenarios: { label: 'Scenarios', letter: 's' },
  run: { label: 'Run (the live run)', letter: 'r' },
  history: { label: 'History', letter: 'h' },
  compare: { label: 'Compare', letter: 'c' },
  showdown: { label: 'Showdown (REST vs WebSocket)', letter: 'w' },
  capacity: { label: 'Capacity (find the knee)', letter: 'k' },
  // "," as in Ctrl/⌘+, — the settings key of most desktop apps (also bound below).
  settings: { label: 'Settings', letter: ',' },
};

export const SHORTCUTS: readonly Shortcut[] = [
  {
    id: 'run',
    group: 'In the current view',
    keys: ['Mod+Enter'],
    description: 'Run: the builder’s form, Run again on a finished run, the showdown, the capacity search, the A/B',
    action: { kind: 'view', target: 'run' },
  },
  {
    id: 'stop',
    group: 'In the current view',
    keys: ['Mod+.'],
    description: 'Stop the run, showdown, capacity search or A/B this view shows (what was measured is kept)',
    action: { kind: 'view', target: 'stop' },
  },
  { id: 'save', group: 'In the current view', keys: ['Mod+S'], description: 'Save the scenario (builder)', action: { kind: 'view', target: 'save' } },
  { id: 'search', group: 'In the current view', keys: ['/', 'Mod+K'], description: 'Search: the History’s search, the Scenarios’ filter', action: { kind: 'search' } },
  ...NAV_VIEWS.map(
    (view, i): Shortcut => ({
      id: `go-${view}`,
      group: 'Go to',
      keys: [`g ${NAV_LABELS[view].letter}`, `Alt+${i + 1}`, ...(view === 'settings' ? ['Mod+,'] : [])],
      description: NAV_LABELS[view].label,
      action: { kind: 'navigate', view },
    }),
  ),
  { id: 'help', group: 'Help', keys: ['?'], description: 'Show these shortcuts (Esc closes)', action: { kind: 'help' } },
];

/** The key event fields matching needs (a KeyboardEvent has them all). */
export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/**
 * One key press as written in the table: "Mod+Enter", "Mod+s", "Alt+1", "/", "?", "g". Shift is
 * left out (it is already in the character: "?" is Shift+/); letters are lower case. Alt+digit is
 * read from the physical key, because ⌥+1 on a Mac produces "¡".
 */
export function chordOf(e: KeyInput): string {
  const mods = (e.ctrlKey || e.metaKey ? 'Mod+' : '') + (e.altKey ? 'Alt+' : '');
  let key = e.key;
  if (e.altKey && /^Digit\d$/.test(e.code)) key = e.code.slice(5);
  if (key.length === 1) key = key.toLowerCase();
  return mods + key;
}

/** Binding text → the chords it is made of: "g h" → ["g", "h"]; "Mod+S" → ["Mod+s"]. */
export function chordsOf(binding: string): string[] {
  return binding.split(' ').map((c) => {
    const parts = c.split('+');
    const key = parts.pop()!;
    return [...parts, key.length === 1 ? key.toLowerCase() : key].join('+');
  });
}

/** Whether a binding may act while focus is in a text field: only Ctrl/⌘ ones (they type nothing). */
export function actsWhileTyping(binding: string): boolean {
  return chordsOf(binding).every((c) => c.startsWith('Mod+'));
}

export type MatchResult = { shortcut: Shortcut } | { pending: string } | null;

/**
 * The shortcut a key press completes, given the first key of a sequence pressed just before
 * (`pending`, e.g. "g"), or a new pending prefix, or null. `typing`: focus is in a text field.
 */
export function matchShortcut(e: KeyInput, pending: string | null, typing: boolean): MatchResult {
  if (['Control', 'Meta', 'Alt', 'Shift'].includes(e.key)) return pending === null ? null : { pending };
  const chord = chordOf(e);
  const seq = pending === null ? [chord] : [pending, chord];
  let prefix = false;
  for (const s of SHORTCUTS) {
    for (const binding of s.keys) {
      if (typing && !actsWhileTyping(binding)) continue;
      const chords = chordsOf(binding);
      if (chords.length === seq.length && chords.every((c, i) => c === seq[i])) return { shortcut: s };
      if (pending === null && chords.length > 1 && chords[0] === chord) prefix = true;
    }
  }
  if (prefix) return { pending: chord };
  // A sequence that went nowhere: the key may start a shortcut of its own ("g" then "/").
  return pending !== null ? matchShortcut(e, null, typing) : null;
}

/** A binding as shown in the help: "Ctrl+Enter" (or "⌘+Enter" on a Mac), "g then h". */
export function displayKeys(binding: string, mac: boolean): string[] {
  return binding.split(' ').map((c) => c.replace(/^Mod\+/, mac ? '⌘+' : 'Ctrl+').replace(/^Alt\+/, mac ? '⌥+' : 'Alt+'));
}
