// Extractions of a step: a JSON path, a header or a regular expression's group into a variable
// of the virtual user. One that finds nothing is the `extraction` error kind for its step.
import type { Extraction } from '../../../shared/flowSteps.ts';
import type { TracedExtraction } from '../../../shared/flowTrace.ts';
import { compileJsonPath, valueText } from './jsonPath.ts';
import type { ResponseView } from './responseView.ts';

export type ExtractionResult = TracedExtraction;

export type CompiledExtraction = (response: ResponseView) => ExtractionResult;

export function compileExtraction(e: Extraction): CompiledExtraction {
  switch (e.from) {
    case 'json': {
      const path = compileJsonPath(e.path);
      return (r) => {
        const json = r.json();
        if (json === undefined) return { var: e.var, from: 'json', ok: false, reason: 'the body is not JSON' };
        const hit = path.first(json);
        return hit.found ? { var: e.var, from: 'json', ok: true, value: valueText(hit.value) } : { var: e.var, from: 'json', ok: false, reason: `${e.path} found nothing` };
      };
    }
    case 'header':
      return (r) => {
        const v = r.header(e.header);
        return v === undefined ? { var: e.var, from: 'header', ok: false, reason: `no ${e.header} header` } : { var: e.var, from: 'header', ok: true, value: v };
      };
    case 'regex': {
      const re = new RegExp(e.pattern);
      return (r) => {
        const m = re.exec(r.body);
        const v = m?.[e.group];
        return v === undefined ? { var: e.var, from: 'regex', ok: false, reason: m ? `group ${e.group} did not take part in the match` : `/${e.pattern}/ did not match` } : { var: e.var, from: 'regex', ok: true, value: v };
      };
    }
  }
}
