// Flow requests of the builder (issue #12): Try once — one virtual user's setup, one iteration
// and its teardown, traced step by step by the engine (runFlowOnce), nothing stored — and
// reading a data file's text with the CLI's own loader (parseDataText), so the app and
// `barrage run --scenario` accept and refuse the same files in the same words.
//
// Under the measurement lock, as a job: a try beside a running load would time the run's
// queueing rather than the flow, and its requests would be counted by nobody but would still
// load the target the run measures; so a try is refused while anything measures (the message
// names it and how to stop it), and a run waits for a try (bounded at a minute) to end.
import { runFlowOnce } from '../engine/index.ts';
import { redactUrl } from '../../shared/redact.ts';
import { DataFileError, formatOfName, parseDataText } from '../flowData/dataFile.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function flowsHandlers(ctx: ApiContext): HandlersFor<'flows'> {
  return {
    'flows.tryOnce': async ({ config }) => {
      const lease = ctx.runs.lock.acquire({ kind: 'job', label: `Try once of ${config.name ? `“${config.name}”` : 'a flow'} (${redactUrl(config.url)})` });
      try {
        return await runFlowOnce(config, { demoTarget: ctx.demoTarget });
      } finally {
        lease.release();
      }
    },
    'flows.parseData': ({ name, text, format }) => {
      const fmt = format ?? formatOfName(name);
      if (fmt === undefined) throw new ApiError(`${name}: cannot tell the format from the name; choose CSV or JSON`);
      try {
        const loaded = parseDataText(text, fmt, name);
        return { name, format: fmt, ...loaded };
      } catch (err) {
        if (err instanceof DataFileError) throw new ApiError(err.message);
        throw err;
      }
    },
  };
}
