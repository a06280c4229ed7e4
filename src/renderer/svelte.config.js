// The renderer's Svelte options. vite.renderer.config.ts sets `root` to this folder, so the
// Svelte plugin finds this file (not the repository's root one). Runes mode everywhere, so a
// component without runes cannot silently fall back to legacy reactivity. TypeScript in
// <script lang="ts"> is type-stripped by Svelte 5 itself; no preprocessor needed.
export default {
  compilerOptions: { runes: true },
};
