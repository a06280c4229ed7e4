// Short messages for things that happened away from where the user is looking (an export
// saved, a request that failed). Field errors are shown at the field instead, never here.
import { messageOf } from '../format.ts';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** A link that helps, e.g. "Open the running showdown" on a refused start. */
  action?: { label: string; href: string };
}

class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  push(kind: Notice['kind'], text: string, ms = kind === 'error' ? 8000 : 3500, action?: Notice['action']): void {
    const id = this.next++;
    this.list = [...this.list, action ? { id, kind, text, action } : { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }

  info(text: string): void {
    this.push('info', text);
  }

  /** Reports a failed request; `what` says what was being done ("cannot delete run 4"). */
  error(what: string, err?: unknown): void {
    this.push('error', err === undefined ? what : `${what}: ${messageOf(err)}`);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
