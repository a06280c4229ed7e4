// Chart colours come from the CSS custom properties of styles/app.css: canvas cannot use CSS,
// so the charts read the palette here, and re-read it (and redraw) when the theme flips.

export interface ChartTheme {
  text: string;
  axis: string;
  grid: string;
  border: string;
  warmup: string;
  bg: string;
  series: string[];
  font: string;
}

function read(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  const fontFamily = v('--font-ui') || 'sans-serif';
  return {
    text: v('--text'),
    axis: v('--chart-axis'),
    grid: v('--chart-grid'),
    border: v('--border'),
    warmup: v('--chart-warmup'),
    bg: v('--bg-elev'),
    series: [1, 2, 3, 4, 5, 6].map((i) => v(`--series-${i}`)),
    font: `11px ${fontFamily}`,
  };
}

class ThemeWatch {
  current = $state<ChartTheme>(read());

  constructor() {
    // The palette follows <html data-theme> (the user's choice or the OS's, see
    // state/themePreference.svelte.ts): re-read it whenever that attribute changes.
    new MutationObserver(() => (this.current = read())).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }
}

export const chartTheme = new ThemeWatch();

/** The colour of the i-th series (0-based), cycling through the palette. */
export const seriesColor = (theme: ChartTheme, i: number): string => theme.series[i % theme.series.length];
