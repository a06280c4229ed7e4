// How an HTTP scenario gets updates from the server, when it does: REST polling, long polling,
// or a Server-Sent Events stream (scenario.ts: `poll`, `poll.long`, `sse`). Such a run counts
// events delivered, not requests answered, so its throughput reads "events/s" everywhere.

export type UpdateMode = 'poll' | 'long-poll' | 'sse';

/** The part of a scenario (or a stored configuration) that says so. */
export interface UpdateModeFields {
  protocol: string;
  poll?: { long?: boolean } | undefined;
  sse?: object | undefined;
}

export function updateModeOf(c: UpdateModeFields | null | undefined): UpdateMode | null {
  if (!c || c.protocol !== 'http') return null;
  if (c.sse !== undefined) return 'sse';
  if (c.poll !== undefined) return c.poll.long ? 'long-poll' : 'poll';
  return null;
}

/** What a run's throughput counts: "requests", "messages", "events" or a flow's "steps" (step completions). */
export function completionNoun(c: UpdateModeFields): 'requests' | 'messages' | 'events' | 'steps' {
  if (updateModeOf(c) !== null) return 'events';
  return c.protocol === 'ws' ? 'messages' : c.protocol === 'flow' ? 'steps' : 'requests';
}

const UNITS = { requests: 'req/s', messages: 'msg/s', events: 'events/s', steps: 'steps/s' } as const;

/** The short throughput unit: "req/s", "msg/s", "events/s" or "steps/s". */
export function throughputUnitOf(c: UpdateModeFields): string {
  return UNITS[completionNoun(c)];
}
