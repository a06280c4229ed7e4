// The one name of a run's or scenario's protocol in every view (the app's badges, the HTML
// report, Markdown summaries): an HTTP run over HTTP/2 is "HTTP/2", not "HTTP", so a comparison
// of an HTTP/1.1 run with an HTTP/2 one says so at a glance.

import type { UpdateMode } from './updateMode.ts';

/** What a label needs: the protocol, and whether an HTTP run went over HTTP/2 (`config.http2`, or `summary.http2` present). */
export interface ProtocolOf {
  protocol: string;
  http2?: boolean;
  /** An HTTP run that measured server updates (SSE, polling, long polling: src/shared/updateMode.ts). */
  update?: UpdateMode | null;
}

const UPDATE_LABELS: Record<UpdateMode, string> = { sse: 'SSE', poll: 'HTTP polling', 'long-poll': 'HTTP long polling' };
const UPDATE_BADGES: Record<UpdateMode, string> = { sse: 'SSE', poll: 'POLL', 'long-poll': 'LONG POLL' };

/** "HTTP", "HTTP/2", "WebSocket" (other protocols by their own name). */
export function protocolLabel(p: ProtocolOf): string {
  if (p.protocol === 'http' && p.update) return UPDATE_LABELS[p.update];
  if (p.protocol === 'http') return p.http2 === true ? 'HTTP/2' : 'HTTP';
  if (p.protocol === 'ws') return 'WebSocket';
  return p.protocol.charAt(0).toUpperCase() + p.protocol.slice(1);
}

/** The short form for badges: "HTTP", "HTTP/2", "WS". */
export function protocolBadgeText(p: ProtocolOf): string {
  if (p.protocol === 'http' && p.update) return UPDATE_BADGES[p.update];
  return p.protocol === 'ws' ? 'WS' : protocolLabel(p);
}

/** Whether a stored configuration (any shape) asked for HTTP/2. */
export function isHttp2Config(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { http2?: unknown }).http2 === true;
}
