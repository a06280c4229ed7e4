// Start-up caches for running Barrage's TypeScript sources directly (the CLI, `barrage serve`,
// and their load workers). Measured on a 2-core machine, stripping the types of the ~60 source
// files a `barrage run` loads cost 0.25–0.45 CPU-s per process (Node loads its TypeScript
// stripper, a WebAssembly build of swc, into every thread that meets a .ts file), about half
// of everything `barrage run` did before its first request. So:
//
// - the type-stripped JavaScript of each source file is kept in a cache, keyed by the SHA-1 of
//   the file's contents (so an edited file is stripped again; stripping only blanks the types,
//   lines and columns stay where they were, so stack traces still point into the .ts file);
// - Node's own compile cache (V8 code cache) is switched on for the same directory tree.
//
// The cache lives in node_modules/.cache/barrage/ of the installation. Where that cannot be
// written (a read-only install), nothing is cached and everything works as without it. A file
// that cannot be read back is stripped again. This file is plain JavaScript because it must run
// before any TypeScript can be loaded; threads get it with `--import` (see
// src/main/engine/worker/workerArgv.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { threadId } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const KEY = Symbol.for('barrage.startupCache');

if (!globalThis[KEY]) {
  const root = fileURLToPath(new URL('../node_modules/.cache/barrage/', import.meta.url));
  const stripDir = `${root}ts-${process.version}/`;
  let writable = true;
  try {
    mkdirSync(stripDir, { recursive: true });
  } catch {
    writable = false;
  }
  if (writable && typeof module.enableCompileCache === 'function') {
    try {
      module.enableCompileCache(`${root}v8`);
    } catch {
      /* no code cache: slower start, same behaviour */
    }
  }
  if (writable && typeof module.registerHooks === 'function' && typeof module.stripTypeScriptTypes === 'function') {
    module.registerHooks({
      load(url, context, nextLoad) {
        if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
        const source = readFileSync(fileURLToPath(url), 'utf8');
        const file = `${stripDir}${createHash('sha1').update(source).digest('hex')}.js`;
        let code;
        try {
          code = readFileSync(file, 'utf8');
        } catch {
          code = stripQuietly(source);
          try {
            // Written under a unique name, then renamed: concurrent processes never read half a file.
            const temp = `${file}.${process.pid}.${threadId}.tmp`;
            writeFileSync(temp, code);
            renameSync(temp, file);
          } catch {
            /* not cached: stripped again next time */
          }
        }
        return { format: 'module', source: code, shortCircuit: true };
      },
    });
  }
  globalThis[KEY] = import.meta.url;
}

/** Node's stripper warns that it is experimental, once per thread; the sources are ours. */
function stripQuietly(source) {
  const emit = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return module.stripTypeScriptTypes(source);
  } finally {
    process.emitWarning = emit;
  }
}
