// The hidden secret prompt of `barrage ab --baseline` / `run --from-run`: when its input ends
// (EOF: a closed terminal, a pipe that ran dry) it must give up with one line naming the field
// (a UsageError: exit 2), never wait forever.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askHidden, withRerunSecrets } from '../../src/main/cli/rerunSecrets.ts';
import { UsageError } from '../../src/main/cli/usageError.ts';
import { scenarioSchema } from '../../src/shared/scenario.ts';
import { configToStore } from '../../src/shared/storedSecrets.ts';

function streams(input: string) {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  stdin.end(input);
  return { stdin, stderr };
}

const redacted = configToStore(scenarioSchema.parse({ protocol: 'http', url: 'http://127.0.0.1:9/', headers: { Authorization: 'Bearer x' }, durationSec: 1 }), false);

describe('the hidden prompt at the end of its input', () => {
  it('a typed line still answers', async () => {
    await expect(askHidden('secret: ', streams('typed\n'))).resolves.toBe('typed');
  });

  it('EOF before a line: one line naming the field, as a usage error (exit 2)', { timeout: 3000 }, async () => {
    const failure = withRerunSecrets(redacted, 'run 7', { env: {}, ask: (p) => askHidden(p, streams('')) });
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(/^header Authorization: the input ended before it was given; run 7 cannot run without it$/);
  });

  it('EOF after part of a line: refused too, not taken as the secret', { timeout: 3000 }, async () => {
    await expect(withRerunSecrets(redacted, 'run 7', { env: {}, ask: (p) => askHidden(p, streams('Bearer par')) })).rejects.toThrow(/^header Authorization: the input ended/);
  });
});
