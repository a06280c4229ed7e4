// `barrage runs list | head -1`: the reader closes the pipe after one line and the next write to
// stdout fails with EPIPE — by default an unhandled 'error' event and a stack trace. Like a Unix
// tool, Barrage goes quiet instead: once a stream's reader is gone, what would still go to it is
// dropped. The command itself carries on to its end (a run still runs out and is saved: nothing
// measured is lost to a closed pipe) and exits with its own code — 0 for a listing.

type Writable = NodeJS.WriteStream;

/** Makes EPIPE on `stream` (stdout, stderr) quiet: later writes to it are dropped. */
export function quietOnClosedPipe(stream: Writable): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // Later writes would raise EPIPE again (or ERR_STREAM_DESTROYED): swallow them.
    stream.write = ((_chunk: unknown, encodingOrDone?: unknown, done?: unknown) => {
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
      return true;
    }) as Writable['write'];
  });
}
