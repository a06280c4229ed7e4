// The level a builder's profile preset ramps to: the peak of the stages already in the table, or,
// when the table is empty, the load the form already asks for (its connections, virtual users or
// rate) — not 1, which made "Ramp up, hold, ramp down" plan a single connection or user.

/** `stagePeak`: the largest target in the table (0 when empty); `formLoad`: the form's field as typed. */
export function presetLevel(stagePeak: number, formLoad: string): number {
  if (stagePeak > 0) return Math.max(1, Math.round(stagePeak));
  const asked = Number(formLoad.trim().replace(/_/g, ''));
  return Number.isFinite(asked) && asked >= 1 ? Math.round(asked) : 1;
}
