// The attributes every builder control carries: its id (which its <label for> names), the
// hover help, and the link to its error message for assistive technology.
export function fieldAttrs(id: string, help: string, error: string | undefined) {
  return {
    id,
    title: help,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
}
