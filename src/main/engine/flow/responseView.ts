// What extractions and checks look at: an HTTP response or a WebSocket message, one interface,
// so the WebSocket steps use the same rules as HTTP ones.
export interface ResponseView {
  /** HTTP status; undefined for a WebSocket message. */
  status?: number;
  /** A header's value by name (any case); undefined for none (and for every WebSocket message). */
  header(name: string): string | undefined;
  /** The body or message as text. */
  readonly body: string;
  /** The body parsed as JSON (once, on first use), or undefined when it is not JSON. */
  json(): unknown;
  /** The step's latency for this response, µs. */
  latencyUs: number;
}

const NOT_JSON = Symbol('not json');

/** A ResponseView over a body whose JSON is parsed lazily, once. */
export function responseView(body: string, latencyUs: number, status?: number, headers?: Record<string, string | string[] | undefined>): ResponseView {
  let parsed: unknown = undefined;
  let done = false;
  return {
    status,
    body,
    latencyUs,
    header(name) {
      const v = headers?.[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    json() {
      if (!done) {
        done = true;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = NOT_JSON;
        }
      }
      return parsed === NOT_JSON ? undefined : parsed;
    },
  };
}
