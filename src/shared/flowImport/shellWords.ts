// A pasted shell command (a browser's "Copy as cURL (bash)") split into its words, as bash would
// hand them to curl. The quoting is shell-quote's (it handles '…', "…", backslashes and, since
// 1.12, ANSI-C `$'…'` — which Chrome and Firefox use for any value with a quote, `!`, a line
// break or a control character, e.g. `--data-raw $'{"a":"it\'s"}'`). Two things are ours:
//
// - Line continuations. Devtools put each option on its own line ending in ` \`; bash removes
//   backslash-newline before splitting words, but shell-quote reads it as an escaped newline and
//   yields an empty word for each. We remove them first, outside single quotes (inside '…' and
//   $'…' a backslash-newline is not a continuation), so a real empty argument (`--data-raw ''`)
//   stays.
// - What is not one command: a pipe, `;`, `&&`, a redirection or a sub-shell means the text is
//   more than a curl command, and is refused rather than run as half of one.
import { parse, type ParseEntry } from 'shell-quote';

export type ShellWordsResult = { ok: true; words: string[] } | { ok: false; error: string };

/** The text with every backslash-newline outside single and ANSI-C quotes removed (bash's line continuation). */
export function joinContinuations(text: string): string {
  let out = '';
  let quote: '' | "'" | '"' | "$'" = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      out += c;
      continue;
    }
    if (quote === "$'") {
      // In $'…' a backslash escapes the next character, a quote included.
      if (c === '\\' && i + 1 < text.length) {
        out += c + text[i + 1];
        i++;
        continue;
      }
      if (c === "'") quote = '';
      out += c;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        i++;
        continue;
      }
      if (next === '\r' && text[i + 2] === '\n') {
        i += 2;
        continue;
      }
      if (next !== undefined) {
        out += c + next;
        i++;
        continue;
      }
    }
    if (quote === '"') {
      if (c === '"') quote = '';
    } else if (c === "'") {
      quote = out.endsWith('$') && !out.endsWith('\\$') ? "$'" : "'";
    } else if (c === '"') {
      quote = '"';
    }
    out += c;
  }
  return out;
}

const describeOp = (e: ParseEntry): string => {
  if (typeof e === 'string') return e;
  if ('op' in e) return e.op === 'glob' ? e.pattern : e.op;
  return `#${e.comment}`;
};

/**
 * The words of one shell command. `$NAME` and `${NAME}` outside single quotes are kept as written
 * (there is no environment to take them from, and a browser never writes them); a word with `*`
 * or `?` (an unquoted URL with a query) is taken literally, as bash does when nothing matches.
 */
export function shellWords(text: string): ShellWordsResult {
  const joined = joinContinuations(text.replace(/^\uFEFF/, '')).trim();
  if (joined === '') return { ok: false, error: 'is empty: paste a curl command' };
  let entries: ParseEntry[];
  try {
    entries = parse(joined, (name) => `$${name}`);
  } catch (err) {
    return { ok: false, error: `cannot be read as a shell command (${(err as Error).message})` };
  }
  const words: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') words.push(e);
    else if ('op' in e && e.op === 'glob') words.push(e.pattern);
    else if ('comment' in e) break; // the rest of the line is a comment, as in bash
    else {
      const at = words.length ? ` after "${words.at(-1)}"` : '';
      return { ok: false, error: `holds more than one command: "${describeOp(e)}"${at}; paste a single curl command` };
    }
  }
  return { ok: true, words };
}
