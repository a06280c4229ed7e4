// The user's theme: dark, light, or the OS's (system). Kept in localStorage so it survives a
// restart; applied as data-theme="dark|light" on <html>, which styles/app.css keys its palette
// on (the charts re-read the palette when that attribute changes, see charts/theme.svelte.ts).

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: ThemeChoice[] = ['system', 'light', 'dark'];
const KEY = 'barrage.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class ThemePreference {
  choice = $state<ThemeChoice>(stored());
  #media = window.matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    this.#media.addEventListener('change', () => this.#apply());
    this.#apply();
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Storage refused (private mode): the choice holds for this session only.
    }
    this.#apply();
  }

  #apply(): void {
    const dark = this.choice === 'dark' || (this.choice === 'system' && this.#media.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }
}

export const themePreference = new ThemePreference();
