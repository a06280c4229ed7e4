// Templates of a flow step (`{{token}}`, `{{vu}}`, `{{randomInt 1 100}}`): compiled once per
// step and worker into literal parts and variable lookups, so rendering one in the hot path is a
// join with no regular expression. The syntax and the built-ins are defined in
// src/shared/flowTemplate.ts (scanTemplate, BUILTIN_VARIABLES); what a template reads at run time
// is a VariableSource — a virtual user (virtualUser.ts).
import { randomUUID } from 'node:crypto';
import { scanTemplate } from '../../../shared/flowTemplate.ts';

/** What a template reads: a variable's value by name (built-ins included), undefined when it has none. */
export interface VariableSource {
  variable(name: string): string | undefined;
}

/** A variable with no value when its step ran: the step fails with the `variable` error kind. */
export class MissingVariableError extends Error {
  readonly variable: string;
  constructor(variable: string) {
    super(`{{${variable}}} has no value (no earlier step extracted it in this iteration)`);
    this.variable = variable;
  }
}

type Part = string | ((vars: VariableSource) => string);

export interface Template {
  /** The template as written. */
  readonly source: string;
  /** True when it has no `{{…}}`: render() returns the source, and callers may precompute with it. */
  readonly constant: boolean;
  /** The variables it reads (built-ins included), in order of appearance. */
  readonly variables: readonly string[];
  /** Fills in the variables; throws MissingVariableError for one without a value. */
  render(vars: VariableSource): string;
}

function lookup(name: string): (vars: VariableSource) => string {
  return (vars) => {
    const value = vars.variable(name);
    if (value === undefined) throw new MissingVariableError(name);
    return value;
  };
}

/** Built-ins that need no state of the virtual user. */
function builtin(name: string, args: string[]): ((vars: VariableSource) => string) | undefined {
  switch (name) {
    case 'uuid':
      return () => randomUUID();
    case 'now':
      return () => String(Date.now());
    case 'randomInt': {
      const a = Number(args[0]);
      const b = Number(args[1]);
      return () => String(a + Math.floor(Math.random() * (b - a + 1)));
    }
    default:
      return undefined;
  }
}

/**
 * Compiles a template. Its syntax was checked by the scenario schema (checkFlow); a problem
 * left here (a caller that skipped the schema) is thrown, naming it.
 */
export function compileTemplate(source: string): Template {
  const { references, problems } = scanTemplate(source);
  if (problems.length > 0) throw new Error(`template "${source.slice(0, 80)}": ${problems[0].message}`);
  if (references.length === 0) return { source, constant: true, variables: [], render: () => source };
  const parts: Part[] = [];
  let at = 0;
  for (const ref of references) {
    const end = source.indexOf('}}', ref.index) + 2;
    if (ref.index > at) parts.push(source.slice(at, ref.index));
    parts.push(builtin(ref.name, ref.args) ?? lookup(ref.name));
    at = end;
  }
  if (at < source.length) parts.push(source.slice(at));
  const variables = references.map((r) => r.name);
  return {
    source,
    constant: false,
    variables,
    render(vars) {
      let out = '';
      for (const p of parts) out += typeof p === 'string' ? p : p(vars);
      return out;
    },
  };
}
