// Checks of a step: status rules ("200", "2xx", "200,201"), JSON path exists / equals /
// matches, body contains, header present, latency limit. A failed check is the `check` error
// kind for its step (counted once per failed check) and the step's failure.
import type { Check } from '../../../shared/flowSteps.ts';
import type { TracedCheck } from '../../../shared/flowTrace.ts';
import { checkLabel } from '../../../shared/flowTrace.ts';
import { compileJsonPath, valueText } from './jsonPath.ts';
import type { ResponseView } from './responseView.ts';
import { compileTemplate, type VariableSource } from './template.ts';

export type CompiledCheck = (response: ResponseView, vars: VariableSource) => TracedCheck;

/** A status rule as a predicate: exact codes and classes (2xx), any of a list. */
export function statusRule(rule: string): (status: number) => boolean {
  const parts = rule.split(',').map((p) => p.trim().toLowerCase());
  const exact = new Set(parts.filter((p) => !p.endsWith('xx')).map(Number));
  const classes = new Set(parts.filter((p) => p.endsWith('xx')).map((p) => Number(p[0])));
  return (status) => exact.has(status) || classes.has(Math.floor(status / 100));
}

export function compileCheck(check: Check): CompiledCheck {
  const name = checkLabel(check);
  const verdict = (passed: boolean, detail?: string): TracedCheck => (passed ? { name, passed } : { name, passed, detail });
  switch (check.type) {
    case 'status': {
      const ok = statusRule(check.status);
      return (r) => (r.status === undefined ? verdict(false, 'no status') : verdict(ok(r.status), `got ${r.status}`));
    }
    case 'jsonPath': {
      const path = compileJsonPath(check.path);
      const value = check.value === undefined ? undefined : compileTemplate(check.value);
      // A `matches` pattern without variables is compiled once.
      const fixedRe = check.op === 'matches' && value?.constant ? new RegExp(value.source) : undefined;
      return (r, vars) => {
        const json = r.json();
        if (json === undefined) return verdict(false, 'the body is not JSON');
        const hit = path.first(json);
        if (!hit.found) return verdict(false, `${check.path} found nothing`);
        if (check.op === 'exists') return verdict(true);
        const text = valueText(hit.value);
        const expected = value?.render(vars) ?? '';
        if (check.op === 'equals') {
          // The value as written ("3", "true", "abc") equals the found value's text or its JSON.
          const passed = text === expected || JSON.stringify(hit.value) === expected;
          return verdict(passed, `got ${text.slice(0, 200)}`);
        }
        const re = fixedRe ?? new RegExp(expected);
        return verdict(re.test(text), `got ${text.slice(0, 200)}`);
      };
    }
    case 'bodyContains': {
      const text = compileTemplate(check.text);
      return (r, vars) => verdict(r.body.includes(text.render(vars)), `${r.body.length} characters without it`);
    }
    case 'header': {
      const header = check.header;
      return (r) => verdict(r.header(header) !== undefined, 'absent');
    }
    case 'latency': {
      const maxUs = check.maxMs * 1000;
      return (r) => verdict(r.latencyUs <= maxUs, `took ${(r.latencyUs / 1000).toFixed(1)} ms`);
    }
  }
}
