// The one set of drop-zone handlers every file drop in the renderer uses
// (src/renderer/src/fileDrop.ts): only drags that carry files are taken (before, only the data
// file panel ignored a drag of text; the HAR import, the shard merge and the flow builder's steps
// lit up and swallowed it), an inner zone takes the drop before an outer one, moving onto a
// child is not leaving, and a picked file can be picked again. Driven with plain objects shaped
// like the DOM's events.
import { describe, expect, test } from 'vitest';
import { carriesFiles, fileDrop, pickedFiles, readFileText, type FileDragEvent } from '../../src/renderer/src/fileDrop.ts';

interface Recorded extends FileDragEvent {
  prevented: boolean;
  stopped: boolean;
  readonly dataTransfer: { types: string[]; files: File[]; dropEffect: string } | null;
}

function drag(types: string[], files: File[] = [], currentTarget: unknown = null, relatedTarget: unknown = null): Recorded {
  const e: Recorded = {
    dataTransfer: { types, files, dropEffect: 'none' },
    currentTarget,
    relatedTarget,
    prevented: false,
    stopped: false,
    preventDefault() {
      e.prevented = true;
    },
    stopPropagation() {
      e.stopped = true;
    },
  };
  return e;
}

/** A zone element: contains itself and its listed children. */
const zone = (...children: object[]) => {
  const self = { contains: (other: unknown): boolean => other === self || children.includes(other as object) };
  return self;
};

function recorder() {
  const dropped: File[][] = [];
  const dragging: boolean[] = [];
  return { dropped, dragging, handlers: fileDrop({ onfiles: (f) => dropped.push(f), ondragging: (d) => dragging.push(d) }) };
}

describe('a drop zone', () => {
  const csv = new File(['user,password\n'], 'users.csv', { type: 'text/csv' });

  test('a drag of files is taken: dragover is cancelled (so the drop can happen), shown as a copy, and the zone lights up', () => {
    const { handlers, dragging } = recorder();
    const over = drag(['Files'], [csv]);
    handlers.ondragover(over);
    expect(over.prevented).toBe(true);
    expect(over.stopped).toBe(true);
    expect(over.dataTransfer?.dropEffect).toBe('copy');
    expect(dragging).toEqual([true]);
  });

  test('a drag of text or a link (no files) is left alone: not cancelled, not stopped, no highlight, no drop', () => {
    const { handlers, dragging, dropped } = recorder();
    for (const types of [['text/plain'], ['text/uri-list', 'text/html'], []]) {
      const over = drag(types);
      handlers.ondragover(over);
      expect(over.prevented, types.join()).toBe(false);
      expect(over.stopped, types.join()).toBe(false);
      expect(over.dataTransfer?.dropEffect).toBe('none');
      const drop = drag(types);
      handlers.ondrop(drop);
      expect(drop.prevented).toBe(false);
    }
    const none: FileDragEvent = { ...drag([]), dataTransfer: null };
    handlers.ondragover(none);
    expect(dragging).toEqual([]);
    expect(dropped).toEqual([]);
  });

  test('a drop hands over every file, once, and the highlight goes off; the browser does not open the file', () => {
    const { handlers, dragging, dropped } = recorder();
    const other = new File(['{}'], 'shard2.json');
    const drop = drag(['Files'], [csv, other]);
    handlers.ondrop(drop);
    expect(drop.prevented).toBe(true);
    expect(drop.stopped).toBe(true);
    expect(dropped).toEqual([[csv, other]]);
    expect(dragging).toEqual([false]);
  });

  test('a drop that carries the Files type but no file (a folder the browser withholds) calls nothing', () => {
    const { handlers, dropped } = recorder();
    handlers.ondrop(drag(['Files'], []));
    expect(dropped).toEqual([]);
  });

  test('moving onto a child of the zone is not leaving it; leaving for outside or out of the window is', () => {
    const { handlers, dragging } = recorder();
    const child = {};
    const el = zone(child);
    handlers.ondragleave(drag(['Files'], [], el, child));
    expect(dragging).toEqual([]);
    handlers.ondragleave(drag(['Files'], [], el, {}));
    handlers.ondragleave(drag(['Files'], [], el, null));
    expect(dragging).toEqual([false, false]);
  });

  test('a disabled zone takes nothing, so the zone under it does not steal a dialog’s drop', () => {
    let open = true;
    const dropped: File[][] = [];
    const h = fileDrop({ onfiles: (f) => dropped.push(f), enabled: () => !open });
    const over = drag(['Files'], [csv]);
    h.ondragover(over);
    h.ondrop(drag(['Files'], [csv]));
    expect(over.prevented).toBe(false);
    expect(dropped).toEqual([]);
    open = false;
    h.ondrop(drag(['Files'], [csv]));
    expect(dropped).toEqual([[csv]]);
  });

  test('carriesFiles reads the types only', () => {
    expect(carriesFiles(drag(['text/plain', 'Files']))).toBe(true);
    expect(carriesFiles(drag(['text/plain']))).toBe(false);
    expect(carriesFiles({ dataTransfer: null })).toBe(false);
  });
});

describe('a file input', () => {
  test('gives the chosen files and empties itself, so choosing the same file again is a change again', () => {
    const a = new File(['a'], 'a.har');
    const input = { files: [a] as ArrayLike<File> | null, value: 'C:\\fakepath\\a.har' };
    expect(pickedFiles({ currentTarget: input })).toEqual([a]);
    expect(input.value).toBe('');
    input.files = null;
    expect(pickedFiles({ currentTarget: input })).toEqual([]);
  });
});

describe('reading a dropped or chosen file', () => {
  test('its text, when it is not larger than the limit', async () => {
    expect(await readFileText(new File(['user\nalice\n'], 'users.csv'), 11, 'too large')).toEqual({ text: 'user\nalice\n' });
  });

  test('larger than the limit: refused in one line naming the file, before it is read', async () => {
    let read = false;
    const huge = new File(['x'.repeat(12)], 'big.har');
    huge.text = async () => {
      read = true;
      return '';
    };
    expect(await readFileText(huge, 11, 'larger than 11 B; save fewer requests')).toEqual({ error: 'big.har: larger than 11 B; save fewer requests' });
    expect(read).toBe(false);
  });

  test('unreadable (gone, no permission): one line naming the file and why', async () => {
    const gone = new File(['{}'], 'shard1.json');
    gone.text = () => Promise.reject(new Error('the file was moved'));
    expect(await readFileText(gone, 100, 'too large')).toEqual({ error: 'shard1.json: cannot be read (the file was moved)' });
  });
});
