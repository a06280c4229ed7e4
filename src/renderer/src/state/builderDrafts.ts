// What the scenario builder showed when the user left it — by Run (which opens the Run view
// without saving), a link, or Back — kept for that entry of the browser history, so coming back
// to it (Back, Forward) shows the form as it was, not an empty builder or the last saved version.
//
// The entry is marked with a key in its history.state (which replaceState keeps through the
// builder's own address change, new → saved id); the forms themselves stay in this window's
// memory, never in history.state, because a form may hold credentials and a browser may write
// its session history to disk. A reload starts afresh. A new visit of the builder (a link to
// "New scenario") is a new history entry without a key: a fresh form.

const KEY = 'barrageBuilderDraft';
/** Enough entries for any Back the user will press; the oldest go first. */
const MAX_DRAFTS = 50;

const drafts = new Map<string, Record<string, unknown>>();
let keys = 0;

function entryKey(create: boolean): string | null {
  const state: unknown = history.state;
  const existing = state !== null && typeof state === 'object' ? (state as Record<string, unknown>)[KEY] : undefined;
  if (typeof existing === 'string') return existing;
  if (!create) return null;
  const key = `${Date.now().toString(36)}-${++keys}`;
  const base = state !== null && typeof state === 'object' ? state : {};
  history.replaceState({ ...base, [KEY]: key }, '', location.href);
  return key;
}

/**
 * The history entry on screen, for a builder while it is shown: `keep` stores its form for the
 * entry (call it when the builder goes), `restored` is what was kept for the entry before.
 * Read it when the builder starts, before anything navigates.
 */
export function builderEntry<T>(part: 'single' | 'flow'): { restored: T | undefined; keep: (draft: T) => void } {
  const key = entryKey(true);
  const restored = key !== null ? (drafts.get(key)?.[part] as T | undefined) : undefined;
  return {
    restored,
    keep(draft: T) {
      if (key === null) return;
      const entry = drafts.get(key) ?? {};
      drafts.delete(key);
      drafts.set(key, { ...entry, [part]: draft });
      while (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value as string);
    },
  };
}
