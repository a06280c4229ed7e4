// The syntax of flow templates (`{{token}}`, `{{randomInt 1 100}}`) and the built-in variables,
// apart from the zod schemas of flowSteps.ts (which re-exports them): the load workers compile
// templates (src/main/engine/flow/template.ts) and must not load zod (see scenarioLoad.ts).

/**
 * Built-in variables, filled in per use: `{{vu}}` the virtual user's number (1-based, unique in
 * the run), `{{iteration}}` the virtual user's iteration (1-based; 0 in setup), `{{seq}}` a
 * per-virtual-user message counter (WebSocket sends: a unique id for each message), `{{uuid}}`
 * a random UUID v4, `{{now}}` the epoch time in ms, `{{randomInt A B}}` a whole number in [A, B].
 */
export const BUILTIN_VARIABLES = ['vu', 'iteration', 'seq', 'uuid', 'now', 'randomInt'] as const;
export type BuiltinVariable = (typeof BUILTIN_VARIABLES)[number];

/** A variable's name: what `{{name}}` and an extraction's `var` accept. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `{{…}}` in a template: its name and, for randomInt, its arguments. */
export interface TemplateReference {
  name: string;
  args: string[];
  /** Offset of the `{{` in the template. */
  index: number;
}

/** Problems of a template's syntax (an unclosed `{{`, a bad name or randomInt's arguments). */
export interface TemplateProblem {
  message: string;
  index: number;
}

const REFERENCE = /\{\{([^{}]*)\}\}/g;

/** The `{{…}}` references of a template, and what is wrong with any of them. */
export function scanTemplate(template: string): { references: TemplateReference[]; problems: TemplateProblem[] } {
  const references: TemplateReference[] = [];
  const problems: TemplateProblem[] = [];
  for (const m of template.matchAll(REFERENCE)) {
    const index = m.index ?? 0;
    const parts = m[1].trim().split(/\s+/).filter((p) => p !== '');
    const [name, ...args] = parts;
    if (name === undefined || !VARIABLE_NAME.test(name)) {
      problems.push({ message: `"{{${m[1]}}}" is not a variable (names are letters, digits and _; e.g. {{token}})`, index });
      continue;
    }
    if (name === 'randomInt') {
      const [a, b] = args.map(Number);
      if (args.length !== 2 || !Number.isInteger(a) || !Number.isInteger(b)) {
        problems.push({ message: `"{{${m[1]}}}": randomInt takes two whole numbers, e.g. {{randomInt 1 100}}`, index });
        continue;
      }
      if (a > b) {
        problems.push({ message: `"{{${m[1]}}}": randomInt's first number must not exceed its second`, index });
        continue;
      }
    } else if (args.length > 0) {
      problems.push({ message: `"{{${m[1]}}}": only randomInt takes arguments`, index });
      continue;
    }
    references.push({ name, args, index });
  }
  // A `{{` that no `}}` closes would be sent literally: almost always a typo.
  const stripped = template.replace(REFERENCE, '');
  const open = stripped.indexOf('{{');
  if (open >= 0) problems.push({ message: 'has a "{{" that is never closed with "}}"', index: open });
  return { references, problems };
}
