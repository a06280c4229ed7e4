// Writing a command's output file (`runs export --out`, `report --out`) without ever destroying
// anything: the run history itself is never an output, an existing file is replaced only with
// --force, and the text goes to a temporary file in the same folder that is then renamed over
// the target, so an interrupted or failed write never leaves half a file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './usageError.ts';

/** The file's real path when it exists (symlinks resolved), else its absolute path. */
function realOrAbsolute(file: string): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

export interface OutputFileOptions {
  /** The flag that named the file, for messages (`--out`). */
  flag: string;
  /** Replace an existing file. */
  force: boolean;
  /** The run history's database file: it, and its -wal/-shm/-journal files, are never an output. */
  database?: string;
}

/** Checks an output path before any work is done; returns its absolute path. */
export function checkOutputFile(file: string, o: OutputFileOptions): string {
  const target = realOrAbsolute(file);
  if (o.database !== undefined) {
    const db = realOrAbsolute(o.database);
    if ([db, `${db}-wal`, `${db}-shm`, `${db}-journal`].includes(target)) {
      throw new UsageError(`${o.flag}: ${file} is the run history itself; write to another file`);
    }
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch {
    /* does not exist: fine */
  }
  if (stat?.isDirectory()) throw new UsageError(`${o.flag}: ${file} is a folder, not a file`);
  if (stat && !o.force) throw new UsageError(`${o.flag}: ${file} exists; add --force to replace it`);
  return target;
}

/** Writes `content` to `file` through a temporary file and a rename (after checkOutputFile). */
export function writeOutputFile(file: string, content: string, o: OutputFileOptions): string {
  const target = checkOutputFile(file, o);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, content, { flag: 'wx', mode: 0o644 });
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new UsageError(`${o.flag}: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return target;
}
