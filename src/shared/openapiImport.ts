// What an OpenAPI 3 / Swagger 2 import looks like on both sides of the contract: the operations the
// picker lists (and the CLI's --dry-run prints), and the request that names a document. The
// document is read, validated and turned into scenarios in the main process only
// (src/main/scenarioImport/openapiImport.ts); the renderer sends the text of a file it read, or a
// loopback URL for the main process to fetch.
import { z } from 'zod';
import type { ScenarioInput } from './scenario.ts';
import { strictObject } from './strictObject.ts';

/** One operation of the document, what it becomes, and what the user must still do. */
export interface ImportedOperation {
  /** operationId, or "METHOD /path" when the document gives none. */
  id: string;
  method: string;
  path: string;
  summary?: string;
  /** The scenario to save (validated), or undefined when the operation cannot be one. */
  scenario?: ScenarioInput & { name: string };
  /** Why the operation was not turned into a scenario. */
  skipped?: string;
  /** {{NAME}} placeholders in its headers or URL that must be replaced before a run. */
  placeholders: string[];
  /** Values Barrage made up (no example in the document), to check before trusting the run. */
  notes: string[];
}

export interface OpenApiImport {
  /** "OpenAPI 3.0.3" or "Swagger 2.0". */
  spec: string;
  title: string;
  baseUrl: string;
  operations: ImportedOperation[];
}

/** What the app saved of an import: each scenario, and whether it replaced one of the same name. */
export interface OpenApiImportResult {
  saved: Array<{ id: number; name: string; operation: string; updated: boolean }>;
  /** Placeholders in the saved scenarios, to fill in before running them. */
  placeholders: string[];
}

/**
 * The largest document the app takes (as text over the contract, or fetched from a URL). Real
 * specifications are far smaller (GitHub's REST description, one of the largest, is about 11 MB
 * of JSON); 8 MiB keeps a message well inside the browser transport's 16 MiB frame even when
 * JSON escaping grows it.
 */
export const OPENAPI_MAX_TEXT_CHARS = 8 * 1024 * 1024;

/** A file the renderer read (its name and text), or a URL for the main process to fetch. */
const documentSource = strictObject({
  /** The file's name, for messages ("petstore.yaml: paths: is missing"); its extension tells YAML from JSON. */
  fileName: z.string().trim().min(1, { error: 'cannot be empty' }).max(255, { error: 'is longer than 255 characters' }).optional(),
  text: z
    .string()
    .min(1, { error: 'the file is empty' })
    .max(OPENAPI_MAX_TEXT_CHARS, { error: `the file is larger than ${OPENAPI_MAX_TEXT_CHARS / 1024 / 1024} MiB` })
    .optional(),
  /** An http(s) URL on loopback, fetched by the main process (other hosts are refused there). */
  url: z.string().trim().min(1, { error: 'cannot be empty' }).max(2000, { error: 'is longer than 2000 characters' }).optional(),
}).refine((v) => (v.text === undefined) !== (v.url === undefined) && (v.text === undefined) === (v.fileName === undefined), {
  error: 'give either a file (fileName and text) or a URL',
});

const source = {
  source: documentSource,
  /** Replaces the document's server URL (needed when it gives none, or only a relative one). */
  baseUrl: z.string().trim().min(1).max(2000).optional(),
};

/** Reads a document and lists its operations; nothing is saved. */
export const openapiPreviewSchema = strictObject(source);

/** Saves the chosen operations (by id, as listed) as scenarios. */
export const openapiImportSchema = strictObject({
  ...source,
  operations: z.array(z.string().min(1).max(500)).min(1, { error: 'choose at least one operation' }).max(5000),
  /** Put before each scenario's name (e.g. "petstore "). */
  prefix: z.string().max(100).optional(),
});
