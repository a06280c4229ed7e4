// `barrage report ID... [--out FILE.html]`: a self-contained HTML report of one run, of several
// runs compared with the first, or (--group) of an A/B run.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildReport, ReportNotFound, type ReportSubject } from '../../report/buildReport.ts';
import { COMPARE_FLAGS, COMPARE_FLAGS_HELP, compareOptionsFrom } from '../compareFlags.ts';
import { EXIT } from '../exitCodes.ts';
import { HISTORY_OPTIONS } from '../subcommands.ts';
import { writeOutputFile } from '../outputFile.ts';
import { UsageError } from '../usageError.ts';
import { withHistory } from '../history.ts';

export const REPORT_HELP = `Usage: barrage report ID [ID...] [options]
       barrage report --group GROUP [options]

Writes a self-contained HTML report: of one run (its figures, thresholds, throughput and latency
over time, latency distribution, details), of several runs (the first is the baseline; key
figures side by side, verdicts, charts), or of an A/B run (--group). Charts are inline SVG; the
file loads nothing from anywhere, opens offline in any browser and prints.

Options
  -o, --out FILE          where to write it (default: barrage-run-ID.html, barrage-compare-IDS.html
                          or barrage-ab-GROUP.html in the current folder; - for stdout); an
                          existing file is replaced only with --force, the history never
      --force             replace the output file if it exists
      --group GROUP       report on an A/B group (see barrage ab)
${COMPARE_FLAGS_HELP}
      --db FILE           the run history (default: $BARRAGE_DB, else the app's own database)
  -h, --help              this help

Exit codes: 0 written, 1 a run or group was not found, 2 bad input.
`;

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: HISTORY_OPTIONS.db, help: HISTORY_OPTIONS.help, ...COMPARE_FLAGS, group: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.ok;
  }
  const compare = compareOptionsFrom(values);
  let subject: ReportSubject;
  if (values.group !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either run ids or --group, not both');
    subject = { groupId: values.group };
  } else {
    if (positionals.length === 0) throw new UsageError('give a run id, several run ids (the first is the baseline), or --group GROUP');
    subject = { ids: positionals.map(runId) };
  }
  return withHistory(
    values.db,
    (store) => {
      let report;
      try {
        report = buildReport(store, subject, compare);
      } catch (err) {
        if (!(err instanceof ReportNotFound)) throw err;
        process.stderr.write(`barrage report: ${err.message} in ${store.file}\n`);
        return EXIT.failed;
      }
      if (values.out === '-') {
        process.stdout.write(report.content);
        return EXIT.ok;
      }
      const file = writeOutputFile(values.out ?? report.fileName, report.content, { flag: '--out', force: !!values.force, database: store.file });
      process.stdout.write(`Wrote ${file} (${Math.ceil(Buffer.byteLength(report.content) / 1024)} KiB)\n`);
      return EXIT.ok;
    },
    'report',
  );
}

function runId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`"${raw}" is not a run id (a whole number, see barrage runs list)`);
  }
  return Number(raw);
}
