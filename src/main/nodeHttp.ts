// Node's http and https modules, loaded with require() instead of `import`. Imported as an ES
// module, node:http (and node:https, which loads it) gets an ESM facade that reads every export
// once, including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters, and those load
// undici: measured ≈ 75 ms of CPU against ≈ 9 ms with require(), in every thread that does it, on
// the way to `barrage run`'s first request (docs/PERFORMANCE.md, "Start-up"). Same modules, same
// objects; only the facade is skipped.
import { createRequire } from 'node:module';

// Not named `require`: the app's bundler (electron-vite) declares one of its own in each chunk.
const requireBuiltin = createRequire(import.meta.url);

export const http = requireBuiltin('node:http') as typeof import('node:http');
export const https = requireBuiltin('node:https') as typeof import('node:https');
export const http2 = requireBuiltin('node:http2') as typeof import('node:http2');
