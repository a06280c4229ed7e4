// Reads a JUnit XML report the way a CI reporter does (a validating XML parser, every <testcase>
// with its outcome), and checks that the counts on each <testsuite> match its cases.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export interface JunitCase {
  suite: string;
  className: string;
  name: string;
  failure: { message: string; type: string } | null;
  skipped: boolean;
  out: string;
}

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

export function readJunit(xml: string): { totals: { tests: number; failures: number; skipped: number }; cases: JunitCase[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', cdataPropName: '#cdata' }).parse(xml) as Node;
  const root = doc.testsuites as Node;
  expect(root).toBeDefined();
  const cases: JunitCase[] = [];
  for (const suite of list(root.testsuite)) {
    const own: JunitCase[] = list(suite.testcase).map((c) => {
      const f = list(c.failure)[0];
      const out = c['system-out'] as Node | string | undefined;
      return {
        suite: String(suite['@name']),
        className: String(c['@classname']),
        name: String(c['@name']),
        failure: f ? { message: String(f['@message']), type: String(f['@type']) } : null,
        skipped: c.skipped !== undefined,
        out: out === undefined ? '' : typeof out === 'string' ? out : String(out['#cdata'] ?? ''),
      };
    });
    // The counts on <testsuite> are what reporters show first: they must match the cases.
    expect(Number(suite['@tests'])).toBe(own.length);
    expect(Number(suite['@failures'])).toBe(own.filter((c) => c.failure).length);
    expect(Number(suite['@skipped'])).toBe(own.filter((c) => c.skipped).length);
    cases.push(...own);
  }
  return {
    totals: { tests: Number(root['@tests']), failures: Number(root['@failures']), skipped: Number(root['@skipped']) },
    cases,
  };
}
