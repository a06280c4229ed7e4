// The renderer's build, used by electron-vite for the desktop app and by `barrage serve`
// (which builds it on first use), so both ship the same views.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';

const root = resolve(import.meta.dirname, 'src/renderer');

export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    rollupOptions: { input: resolve(root, 'index.html') },
  },
};
