// Formatting of measured figures, shared by the CLI, the app and the reports.

/** A latency given in microseconds, in the unit that keeps 3 significant digits readable. */
export function formatUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${trim(us / 1000)} ms`;
  return `${trim(us / 1_000_000)} s`;
}

/**
 * A whole number with thousands separators, exactly as `n.toLocaleString('en-US')` writes it,
 * without Intl: the first use of Intl's number formatting in a process loads ICU's data (≈ 25
 * CPU-ms and more wall time), and the scenario schema's messages were built at load, on the way
 * to every run's first request (docs/PERFORMANCE.md, "Start-up"). Other numbers go to Intl.
 */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

export function formatCount(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : trim(v)} ${units[i]}`;
}

/** Bytes with one decimal below 100 (per-message figures are small and the decimal matters). */
export function formatSmallBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) < 100 && !Number.isInteger(n)) return `${n.toFixed(1)} B`;
  if (Math.abs(n) < 10_000) return `${formatCount(n)} B`;
  return `${formatCount(n / 1024, 1)} KiB`;
}

/** Microseconds with one decimal below 100 µs (CPU per exchange is a few µs). */
export function formatSmallUs(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.abs(n) < 100 ? `${Number(n.toFixed(1))} µs` : formatUs(n);
}

export function formatDuration(sec: number): string {
  if (sec < 60) return `${trim(sec)} s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Three significant digits without trailing zeros. */
function trim(v: number): string {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return Number(v.toFixed(digits)).toString();
}

/** A ratio as written in the showdown's conclusion and under its charts: "4.1×", "1.07×", "23×". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'far';
  if (r >= 10) return `${Math.round(r)}×`;
  // Close to 1 the second decimal matters (1.07× is not 1.1×).
  return `${r < 1.095 ? r.toFixed(2) : r.toFixed(1)}×`;
}
