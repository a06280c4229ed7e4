// The one way a time of day is written: "2025-03-14 09:26:53", to the second, truncated (never
// rounded), so the run view, History, the CLI and the HTML report show the same second for the
// same run. Local time on screens and in terminals; a report that travels writes UTC and says so.

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-03-14 09:26:53" in local time, "… UTC" with `utc`; an unreadable value is returned as it is. */
export function formatStartTime(iso: string, opts: { utc?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (opts.utc) return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
