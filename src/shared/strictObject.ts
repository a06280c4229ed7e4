// Objects that refuse unknown fields. A silently dropped field is a silent wrong run (a scenario
// file's `"conections": 500` ran with the default 10), so every input object — scenario files,
// CLI flags, each API payload — is strict, and the message names each unknown field with the
// nearest known one when it is probably a typo.
import { z } from 'zod';

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[t.length];
}

/** The known field nearest to `name`, if near enough to be a typo of it (or a prefix of it). */
export function nearestField(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase().startsWith(name.toLowerCase()) && name.length >= 3 ? 1 : distance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function unknownFieldsMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const near = nearestField(key, known);
      return `unknown field "${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
    })
    .join('; ');
}

/** `z.strictObject` whose unknown-field message names the fields; `message` replaces zod's other messages for the object itself. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T, message?: string): z.ZodObject<T, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownFieldsMessage(issue.keys, known) : message),
  });
}
