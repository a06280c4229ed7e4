// A stored run's configuration values as a person reads them in the run page's Configuration
// panel: headers one per line, lists comma-separated, stages as the CLI writes them (2s:20), a
// flow's steps by name and request, its data rows by count and hash — never "[object Object]"
// (which is what String() makes of a stage, a step or a data row).

/** One value of the configuration, as text. */
export function configValueText(key: string, v: unknown): string {
  if (key === 'stages' && Array.isArray(v)) return v.map((s) => stageText(s)).join(', ');
  if ((key === 'steps' || key === 'setup' || key === 'teardown') && Array.isArray(v)) return v.map((s) => stepText(s)).join('\n');
  if (key === 'data' && isRecord(v)) return dataText(v);
  if (Array.isArray(v)) return v.map((x) => (isRecord(x) || Array.isArray(x) ? JSON.stringify(x) : String(x))).join(', ');
  if (isRecord(v)) return Object.entries(v).map(([k, x]) => `${k}: ${isRecord(x) || Array.isArray(x) ? JSON.stringify(x) : String(x)}`).join('\n');
  return String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "2s:20", the CLI's --stage syntax. */
function stageText(s: unknown): string {
  return isRecord(s) ? `${String(s.durationSec)}s:${String(s.target)}` : JSON.stringify(s);
}

/** "login (POST /login)", "rpc call (ws-send)". */
function stepText(s: unknown): string {
  if (!isRecord(s)) return JSON.stringify(s);
  const what = s.type === 'http' ? `${String(s.method ?? 'GET')} ${String(s.url)}` : s.type === 'ws-connect' ? `ws-connect ${String(s.url)}` : String(s.type);
  return `${String(s.name)} (${what})`;
}

/** "users.csv · 100 rows · per-vu · sha256 c1fe60bce29d…". */
function dataText(d: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof d.file === 'string') parts.push(d.file);
  if (Array.isArray(d.rows)) parts.push(`${d.rows.length.toLocaleString('en-US')} row${d.rows.length === 1 ? '' : 's'}`);
  if (typeof d.assign === 'string') parts.push(d.assign);
  if (typeof d.sha256 === 'string') parts.push(`sha256 ${d.sha256.slice(0, 12)}…`);
  return parts.join(' · ');
}
