// Running a stored run's configuration again from the terminal (`barrage ab NAME --baseline`,
// `barrage run --from-run ID`). A run keeps its secrets only with --store-secrets; otherwise its
// copy holds the placeholder *** (shared/storedSecrets.ts), and the secret must come back from
// the user: from an environment variable (scripts, CI — never a flag, which the process list and
// the shell's history would keep), else asked for on the terminal without echo. Without either,
// one line names the field and the variable to set.
import { fillSecrets, redactedFields, secretFieldLabel, type SecretField } from '../../shared/storedSecrets.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { UsageError } from './usageError.ts';

/** BARRAGE_URL_PASSWORD, BARRAGE_URL_USER, or BARRAGE_HEADER_ and the header's name (X-Api-Key → BARRAGE_HEADER_X_API_KEY). */
export function secretEnvVar(field: SecretField): string {
  if (field.kind === 'url-password') return 'BARRAGE_URL_PASSWORD';
  if (field.kind === 'url-user') return 'BARRAGE_URL_USER';
  return `BARRAGE_HEADER_${field.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface SecretSource {
  env: Readonly<Record<string, string | undefined>>;
  /** Asks on the terminal without echo; null when there is no terminal to ask on. */
  ask: ((prompt: string) => Promise<string>) | null;
}

/**
 * `config` (a stored run's copy, `what` names it: "run 12") with its redacted secrets given back;
 * `config` itself when it has none. Throws a UsageError naming the first field it cannot fill.
 */
export async function withRerunSecrets(config: Scenario, what: string, source: SecretSource = terminalSource()): Promise<Scenario> {
  const fields = redactedFields(config);
  if (fields.length === 0) return config;
  const answers: Record<string, string> = {};
  for (const field of fields) {
    const label = secretFieldLabel(field);
    const variable = secretEnvVar(field);
    const fromEnv = source.env[variable];
    if (fromEnv) {
      answers[label] = fromEnv;
      continue;
    }
    if (!source.ask) {
      throw new UsageError(`${label}: ${what} was stored without it (no --store-secrets); set ${variable}, or run in a terminal to be asked`);
    }
    let typed: string;
    try {
      typed = await source.ask(`${label} for ${what} (not shown, not stored): `);
    } catch (err) {
      // The prompt knows no field: the message names it here, in one line (exit 2).
      if (err instanceof PromptUnanswered) throw new UsageError(`${label}: ${err.message} before it was given; ${what} cannot run without it`);
      throw err;
    }
    if (!typed) throw new UsageError(`${label}: nothing given; ${what} cannot run without it`);
    answers[label] = typed;
  }
  return fillSecrets(config, answers);
}

/** The process's environment, and a no-echo prompt when stdin and stderr are a terminal. */
export function terminalSource(): SecretSource {
  const tty = process.stdin.isTTY && process.stderr.isTTY;
  return { env: process.env, ask: tty ? askHidden : null };
}

/** The hidden prompt got no answer: cancelled (Ctrl-C, Ctrl-D) or its input ended (EOF). */
export class PromptUnanswered extends Error {
  override name = 'PromptUnanswered';
}

/** What askHidden reads and writes: the process's terminal, or a test's streams. */
export interface PromptStreams {
  stdin: NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown };
  stderr: NodeJS.WritableStream;
}

/**
 * Reads one line from the terminal in raw mode, echoing nothing; Ctrl-C or Ctrl-D cancels, and
 * so does the end of the input (a terminal closed, a pipe that ran dry): without that the promise
 * would never settle and the process would wait forever.
 */
export function askHidden(prompt: string, io: PromptStreams = process): Promise<string> {
  const { stdin, stderr } = io;
  // Raw mode (no echo) before the prompt: whatever is typed once it shows is never echoed.
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const end = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          end();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          end();
          reject(new PromptUnanswered('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    const onEnd = () => {
      end();
      reject(new PromptUnanswered('the input ended'));
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
