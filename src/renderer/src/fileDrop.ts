// Files dropped on a part of the page, or chosen with an <input type="file">: one set of handlers
// for every drop zone (the data file panel, the HAR import, the shard merge, the OpenAPI picker,
// History, the flow builder's steps), so they all behave alike:
//
// - only a drag that carries files is taken: text or a link dragged from elsewhere on the page
//   is not a file, so the zone neither lights up nor swallows it;
// - an inner zone takes the files before an outer one (a dialog opened over a drop zone);
// - moving the pointer onto a child of the zone is not leaving it (no flicker of the highlight);
// - a chosen file can be chosen again (the input is emptied after each choice);
// - a file is read only when it is not too large, and a file that cannot be read is said in one
//   line naming it.
//
// Pure: the handlers read only the event given, so tests drive them with plain objects (the
// shapes below are the parts of DragEvent they read; a DragEvent fits them).

/** What the handlers read of a drag's DataTransfer. */
export interface DragData {
  readonly types: ReadonlyArray<string>;
  readonly files: ArrayLike<File>;
  dropEffect: string;
}
/** What the handlers read of a DragEvent. */
export interface FileDragEvent {
  readonly dataTransfer: DragData | null;
  /** The zone (the element the handler is on). */
  readonly currentTarget: unknown;
  /** dragleave: the element the pointer went to (null: out of the window). */
  readonly relatedTarget: unknown;
  preventDefault(): void;
  stopPropagation(): void;
}
interface Containing {
  contains(other: unknown): boolean;
}

/** Whether a drag carries files (DataTransfer.types holds "Files" for a drag of files). */
export function carriesFiles(e: Pick<FileDragEvent, 'dataTransfer'>): boolean {
  const types = e.dataTransfer?.types;
  return types !== undefined && Array.from(types).includes('Files');
}

export interface FileDropOptions {
  /** The files dropped; never called with none. */
  onfiles: (files: File[]) => void;
  /** The zone's highlight: true while files are dragged over it, false when they leave or drop. */
  ondragging?: (dragging: boolean) => void;
  /** While it returns false the zone takes nothing (e.g. a dialog over it is taking the files). */
  enabled?: () => boolean;
}

/** The three handlers of a drop zone, to spread on its element: `<section {...fileDrop({…})}>`. */
export interface FileDropHandlers {
  ondragover: (e: FileDragEvent) => void;
  ondragleave: (e: FileDragEvent) => void;
  ondrop: (e: FileDragEvent) => void;
}

export function fileDrop(options: FileDropOptions): FileDropHandlers {
  const takes = (e: FileDragEvent) => carriesFiles(e) && (options.enabled?.() ?? true);
  return {
    ondragover(e) {
      if (!takes(e)) return;
      // Cancelling dragover is what lets the drop happen here; stopping it keeps an enclosing
      // zone from lighting up too.
      e.preventDefault();
      e.stopPropagation();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      options.ondragging?.(true);
    },
    ondragleave(e) {
      const zone = e.currentTarget as Containing | null;
      if (zone !== null && e.relatedTarget !== null && zone.contains(e.relatedTarget)) return;
      options.ondragging?.(false);
    },
    ondrop(e) {
      if (!takes(e)) return;
      // Not cancelled, a drop of a file makes the browser open it in place of the app.
      e.preventDefault();
      e.stopPropagation();
      options.ondragging?.(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) options.onfiles(files);
    },
  };
}

/** The files chosen in an <input type="file">, which is then emptied so the same file can be chosen again. */
export function pickedFiles(e: { readonly currentTarget: unknown }): File[] {
  const input = e.currentTarget as { files: ArrayLike<File> | null; value: string };
  const files = Array.from(input.files ?? []);
  input.value = '';
  return files;
}

/**
 * A file's text, or the one line that says why not, naming the file: larger than `maxBytes`
 * (refused before it is read into memory; `tooLarge` says what to do instead) or unreadable.
 */
export async function readFileText(file: File, maxBytes: number, tooLarge: string): Promise<{ text: string } | { error: string }> {
  if (file.size > maxBytes) return { error: `${file.name}: ${tooLarge}` };
  try {
    return { text: await file.text() };
  } catch (err) {
    return { error: `${file.name}: cannot be read (${err instanceof Error ? err.message : String(err)})` };
  }
}
