// One virtual user of a flow: its number, its iteration and message counters, its variables
// (data row, extractions) and the connections its steps keep between steps (an HTTP agent, a
// WebSocket). Step executors keep their per-user state in typed slots, so a new step kind adds
// its own state without this class knowing it.
import type { VariableSource } from './template.ts';

/** A typed key for per-user state of a step kind (e.g. the user's WebSocket). */
export class VuSlot<T> {
  readonly name: string;
  // Only to make VuSlot<A> and VuSlot<B> distinct types.
  declare private readonly kind: T;
  constructor(name: string) {
    this.name = name;
  }
}

export class VirtualUser implements VariableSource {
  /** 1-based, unique in the run (over all workers). */
  readonly vu: number;
  /** 1-based iteration of this user; 0 during setup. */
  iteration = 0;
  /** Message counter for {{seq}}: executors call nextSeq() once per request or message. */
  seq = 0;
  /** Extracted variables and the data row's columns, by name. */
  readonly vars = new Map<string, string>();
  private readonly slots = new Map<VuSlot<unknown>, unknown>();
  private readonly releases: Array<() => void | Promise<void>> = [];

  constructor(vu: number) {
    this.vu = vu;
  }

  variable(name: string): string | undefined {
    switch (name) {
      case 'vu':
        return String(this.vu);
      case 'iteration':
        return String(this.iteration);
      case 'seq':
        return String(this.seq);
      default:
        return this.vars.get(name);
    }
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get<T>(slot: VuSlot<T>): T | undefined {
    return this.slots.get(slot) as T | undefined;
  }

  set<T>(slot: VuSlot<T>, value: T | undefined): void {
    if (value === undefined) this.slots.delete(slot);
    else this.slots.set(slot, value);
  }

  /** Registers what to release when the user ends (after its teardown, or when the run stops). */
  onEnd(release: () => void | Promise<void>): void {
    this.releases.push(release);
  }

  /** Releases everything registered with onEnd, each once; errors of one do not keep the others. */
  async end(): Promise<void> {
    const list = this.releases.splice(0);
    await Promise.allSettled(list.map(async (r) => r()));
  }
}
