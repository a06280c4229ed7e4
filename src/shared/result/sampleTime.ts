// Where a run's second sits on a time axis. Sample t covers the second [t, t+1); it is drawn at
// t+1, the moment it was complete, so a live chart's last point is "now" on the run's clock, the
// warm-up band [0, warm-up) holds exactly the warm-up seconds, and a 6 s run is drawn at seconds
// 1–6 — in the app and in the HTML report alike.
import type { RunSample } from '../runResult.ts';

export const sampleX = (s: Pick<RunSample, 't'>): number => s.t + 1;
