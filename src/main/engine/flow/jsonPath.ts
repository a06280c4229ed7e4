// JSON paths of extractions and checks ($.token, $.items[0].id, $..id, $.items[?(@.n>1)].id).
// jsonpath-plus (in its default "safe" eval mode: filter expressions are interpreted, never run
// as code) parses every path and evaluates the general ones. Measured on this 2-core machine
// (busy), one jsonpath-plus evaluation of `$.items[1].id` costs ≈ 30 µs even with the path
// pre-parsed — as much as a whole loopback request — so a path that is only a chain of names
// and indices (nearly every path a flow uses) is compiled into a direct walk (≈ 0.1 µs).
import { JSONPath } from 'jsonpath-plus';

/** What a path found: the first match, or nothing. */
export type PathResult = { found: true; value: unknown } | { found: false };

export interface CompiledPath {
  readonly source: string;
  /** The first value the path selects in `json` (a parsed JSON document). */
  first(json: unknown): PathResult;
}

const NOT_FOUND: PathResult = { found: false };
/** Path segments only the general evaluator understands: wildcards, descent, filters, scripts, unions, slices, parents, property names. */
const GENERAL = /^(\*|\.\.|\?\(|\(|@|\^|~)|[:,]/;

export function compileJsonPath(source: string): CompiledPath {
  const segments = JSONPath.toPathArray(source).slice(1); // leading '$'
  if (segments.every((s) => !GENERAL.test(s))) {
    return {
      source,
      first(json) {
        let at: unknown = json;
        for (const s of segments) {
          if (at === null || typeof at !== 'object') return NOT_FOUND;
          if (!Object.hasOwn(at, s)) return NOT_FOUND;
          at = (at as Record<string, unknown>)[s];
        }
        return { found: true, value: at };
      },
    };
  }
  return {
    source,
    first(json) {
      if (json === null || typeof json !== 'object') return NOT_FOUND;
      let all: unknown[];
      try {
        all = JSONPath({ path: source, json, wrap: true, eval: 'safe' }) as unknown[];
      } catch {
        // The safe evaluator refuses a filter it cannot interpret (an assignment, a call): it selects nothing.
        return NOT_FOUND;
      }
      return all.length > 0 ? { found: true, value: all[0] } : NOT_FOUND;
    },
  };
}

/** A found value as text: strings as they are, everything else as its JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
}
