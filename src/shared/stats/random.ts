// A small seeded PRNG. Comparisons must be reproducible: the same two runs compared twice (in the
// app, in `barrage compare`, in a saved report) must show the same interval and the same verdict,
// which Math.random() cannot promise. mulberry32 has a 2^32 period, far more than a bootstrap
// draws (2,000 resamples × a few thousand seconds), passes the usual statistical batteries for
// this kind of use, and is a few lines of pure JavaScript usable in both main and renderer.

/** Uniform on [0, 1). */
export type Random = () => number;

/** Used when the caller gives no seed: a fixed value, so results never vary between calls. */
export const DEFAULT_SEED = 0x5eed_ba11;

export function createRandom(seed: number = DEFAULT_SEED): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/**
 * A seed for one of several independent streams drawn from one user seed: each figure gets its
 * own stream, so a figure's interval does not depend on which other figures were computed first.
 */
export function deriveSeed(seed: number, stream: number): number {
  return (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
}
