// Builds the desktop app: the main process (Electron shell + Electron-free services, and the
// load worker as its own entry), the sandboxed preload (one CommonJS file, as sandboxing
// requires), and the Svelte renderer (shared with `barrage serve`, see vite.renderer.config.ts).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.ts';

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/main.ts'),
          engineWorker: resolve('src/main/engine/worker/workerEntry.ts'),
          // Load workers in child processes, for runs beyond one process's file descriptors.
          engineProcess: resolve('src/main/engine/worker/processEntry.ts'),
          // The showdown's demo target runs in a thread of its own, so its CPU time is its own.
          showdownTarget: resolve('src/main/showdown/targetThread.ts'),
          // The demo target's child processes (targetCluster.ts: one port over N processes).
          targetProcess: resolve('src/main/target/targetProcessEntry.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
