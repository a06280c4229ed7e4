// The part of autocannon 9 that Barrage uses. `AutocannonClient` describes internals of its
// lib/httpClient.js that the engine hooks through the documented `setupClient` option; the
// version is pinned exactly in package.json because of that, and tests/httpEngine.test.ts
// fails if the hooks stop taking effect.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  /** http-parser-js's response parser, one per client (shared by its successive connections). */
  export interface AutocannonParser {
    type: 'REQUEST' | 'RESPONSE';
    /** Bytes consumed, or the parse error (it does not throw). */
    execute(chunk: Buffer): number | Error;
    initialize(type: 'REQUEST' | 'RESPONSE'): void;
    /** kOnBody (3): a slice of the body; autocannon's own handler keeps the whole body as a string. */
    3: (chunk: Buffer, start: number, length: number) => void;
  }

  export interface AutocannonClient extends EventEmitter {
    conn: Socket;
    parser: AutocannonParser;
    /**
     * The requests in flight on this connection, oldest first (lib/pipelinedRequestsQueue.js):
     * each with the `process.hrtime()` of its insertion, read just before its write.
     */
    pipelinedRequests: { clear(): void; toArray(): ReadonlyArray<{ startTime: [number, number] }> };
    destroyed: boolean;
    /** Requests this connection may make (its share of `amount`), when bounded. */
    responseMax?: number;
    reqsMade: number;
    _connect(): void;
    _doRequest(): void;
    _resetConnection(): void;
    _destroyConnection(): void;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    servername?: string;
    sampleInt?: number;
    setupClient?: (client: AutocannonClient) => void;
    excludeErrorStats?: boolean;
    /** Histograms autocannon records into instead of its own; one with `__custom: true` is never encoded. */
    histograms?: { latencies?: AutocannonLatencySink; requests?: AutocannonLatencySink; throughput?: AutocannonLatencySink };
    /** Return the raw result instead of aggregating it (lib/run.js aggregates on the main thread only). */
    skipAggregateResult?: boolean;
  }

  /** What autocannon's run loop calls on its histograms (lib/run.js). */
  export interface AutocannonLatencySink {
    __custom: true;
    recordValue(ms: number): void;
    recordValueWithExpectedInterval(ms: number, expectedIntervalMs: number): void;
    reset(): void;
    destroy(): void;
  }

  export interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(opts: AutocannonOptions, cb: (err: Error | null, result: unknown) => void): Instance;
  export default autocannon;
}

// autocannon's run loop without its command-line front end (see httpLoad.ts): `autocannon()`
// validates the options and then calls exactly this, but its module also loads the CLI's
// printing, progress bar, worker manager and multipart support.
declare module 'autocannon/lib/run.js' {
  import type { EventEmitter } from 'node:events';
  import type { AutocannonOptions, Instance } from 'autocannon';
  function run(opts: AutocannonOptions, tracker: EventEmitter | undefined, cb: (err: Error | null, result: unknown) => void): Instance;
  export default run;
}

declare module 'autocannon/lib/defaultOptions.js' {
  const defaults: Record<string, unknown>;
  export default defaults;
}
