// The controller resolves the target's host name once and hands every worker the address, so
// that thousands of connections do not make thousands of DNS queries (and all workers hit the
// same address). ws forwards a `lookup` option to http.request and on to net.connect; giving it
// one that answers with that address keeps the URL's host name in the Host header and in the
// TLS SNI, which connecting to the bare IP would lose.
import { isIP, type LookupFunction } from 'node:net';

export function fixedLookup(address: string): LookupFunction {
  const family = isIP(address) || 4;
  return (_hostname, options, callback) => {
    // net.connect asks for `all` addresses when autoSelectFamily (happy eyeballs) is on, which
    // is Node's default since v20; it then expects an array. The answer comes on the next tick,
    // as a real lookup's would: net.connect is not written for a synchronous callback.
    if (options.all) process.nextTick(callback, null, [{ address, family }]);
    else process.nextTick(callback, null, address, family);
  };
}
