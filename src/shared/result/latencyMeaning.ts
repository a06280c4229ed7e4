// What a run's latency measures, in words; stored with every summary (`latencyMeaning`).
import { isOpenModel, type Scenario } from '../scenario.ts';

/** The latency meaning of a polling run (an HTTP scenario with `poll`; the showdown's polling). */
export const POLL_LATENCY_MEANING = 'REST polling delivery lag: event creation (server timestamp) to receipt of the poll response';

/** The latency meaning of a Server-Sent Events run (an HTTP scenario with `sse`). */
export const SSE_LATENCY_MEANING = 'Server-Sent Events delivery lag: event timestamp ("ts" in its data) to receipt';

/** The latency meaning of a long-polling run (an HTTP scenario with `poll.long`). */
export const LONG_POLL_LATENCY_MEANING = 'Long-polling delivery lag: event creation (server timestamp) to receipt of the poll response';

export function describeLatency(scenario: Scenario): string {
  if (scenario.protocol === 'http') {
    if (scenario.poll !== undefined) return scenario.poll.long ? LONG_POLL_LATENCY_MEANING : POLL_LATENCY_MEANING;
    if (scenario.sse !== undefined) return SSE_LATENCY_MEANING;
    return isOpenModel(scenario)
      ? 'HTTP request latency from each request’s scheduled send time (open model) to its complete response'
      : 'HTTP request latency from writing the request to its complete response';
  }
  if (scenario.protocol === 'flow') {
    return isOpenModel(scenario)
      ? 'Flow steps pooled: each HTTP request to its complete response and each WebSocket exchange to its matched answer; an iteration’s first step from its scheduled start (open model)'
      : 'Flow steps pooled: each HTTP request to its complete response and each WebSocket exchange to its matched answer';
  }
  switch (scenario.mode) {
    case 'echo':
      return 'WebSocket message round trip: send to echo received';
    case 'rate':
      return 'WebSocket message round trip from each message’s scheduled send time to its echo';
    case 'push':
      return 'WebSocket push delivery lag: server send timestamp to receipt';
  }
}
