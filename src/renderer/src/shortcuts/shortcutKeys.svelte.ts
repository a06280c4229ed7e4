// The app's one key handler: matches each key press against the shortcut table (shortcutTable.ts)
// and does what the table says. View actions press the view's own control marked
// data-shortcut="run" | "stop" | "save" (the first one visible and enabled); search focuses the
// view's search field (input[type=search]); views are reached through the navigation's own links
// (data-nav), so a shortcut goes exactly where a click goes (the last comparison, the live run).
import { notices } from '../state/notices.svelte.ts';
import { matchShortcut, type Shortcut, type ShortcutAction } from './shortcutTable.ts';

/** How long the first key of a sequence ("g") waits for the second. */
const SEQUENCE_MS = 1500;

const NOT_TEXT = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'image', 'reset', 'submit']);

/** Whether keys typed now go into a field: text inputs, text areas, selects, editable content. */
export function isTyping(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !NOT_TEXT.has(el.type);
}

const visible = (el: HTMLElement) => el.getClientRects().length > 0;

const NOTHING: Record<'run' | 'stop' | 'save', string> = {
  run: 'Nothing to run in this view',
  stop: 'Nothing is running in this view',
  save: 'Nothing to save in this view',
};

class ShortcutKeys {
  /** The help dialog is open. */
  helpOpen = $state(false);
  private pending: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  onKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing || e.repeat) return;
    // An open dialog owns the keyboard (Esc, Tab inside it): no shortcut acts on the view behind
    // it (Alt+3 would leave the view, and with it the dialog's work).
    if (this.helpOpen || document.querySelector('dialog:modal') !== null) return;
    const match = matchShortcut(e, this.pending, isTyping(document.activeElement));
    clearTimeout(this.timer);
    this.pending = null;
    if (match === null) return;
    if ('pending' in match) {
      this.pending = match.pending;
      this.timer = setTimeout(() => (this.pending = null), SEQUENCE_MS);
      return;
    }
    e.preventDefault();
    this.perform(match.shortcut);
  };

  private perform(s: Shortcut): void {
    const a: ShortcutAction = s.action;
    switch (a.kind) {
      case 'view': {
        const target = [...document.querySelectorAll<HTMLElement>(`main [data-shortcut="${a.target}"]`)].find(
          (el) => visible(el) && !(el as HTMLButtonElement).disabled,
        );
        if (target) target.click();
        else notices.info(NOTHING[a.target]);
        return;
      }
      case 'search': {
        const field = [...document.querySelectorAll<HTMLInputElement>('main input[type="search"]')].find(visible);
        if (field) {
          field.focus();
          field.select();
        } else notices.info('This view has no search');
        return;
      }
      case 'navigate':
        document.querySelector<HTMLAnchorElement>(`nav a[data-nav="${a.view}"]`)?.click();
        return;
      case 'help':
        this.helpOpen = true;
        return;
      default: {
        // Every kind of action has its case: a new one fails the type check here.
        const unhandled: never = a;
        throw new Error(`unhandled shortcut ${JSON.stringify(unhandled)}`);
      }
    }
  }
}

export const shortcutKeys = new ShortcutKeys();
