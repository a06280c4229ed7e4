// Imports validate everything later code relies on (issue #10 item 6): a run that imports is a
// run that `runs show`, `report` and `compare` can read.
import { describe, expect, it } from 'vitest';
import { exportRunsJson, parseRunFile } from '../../src/main/store/runExchange.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import { runAt, storeRun } from '../fixtures/storedRuns.ts';

function exported(): { doc: { runs: Array<Record<string, any>> }; text: () => string } {
  const store = openStore(':memory:');
  const id = storeRun(store, runAt(0));
  const doc = JSON.parse(exportRunsJson([store.getRun(id)!]));
  store.close();
  return { doc, text: () => JSON.stringify(doc) };
}

describe('import validation', () => {
  it('a valid export imports', () => {
    expect(parseRunFile(exported().text(), 'ok.json')).toHaveLength(1);
  });

  it('a garbage histogram is refused', () => {
    const e = exported();
    e.doc.runs[0].histogram = 'HISTFAAAgarbage';
    expect(() => parseRunFile(e.text(), 'h.json')).toThrow(/histogram/);
  });

  it('a summary without bytes or connections is refused, naming the field', () => {
    const a = exported();
    delete a.doc.runs[0].summary.bytes;
    expect(() => parseRunFile(a.text(), 'a.json')).toThrow(/summary\.bytes/);
    const b = exported();
    delete b.doc.runs[0].summary.connections;
    expect(() => parseRunFile(b.text(), 'b.json')).toThrow(/summary\.connections/);
  });

  it('tags follow the syntax of --tag', () => {
    const e = exported();
    e.doc.runs[0].tags = ['ok', 'has space'];
    expect(() => parseRunFile(e.text(), 't.json')).toThrow(/tag "has space"/);
  });
});
