// Request headers as scenarios and flow steps give them: valid names, no line breaks in values
// (a CR/LF would smuggle a second header or request), at most LIMITS.headerCount of them.
import { z } from 'zod';

export const MAX_HEADERS = 100;

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const headersSchema = z
  .record(z.string(), z.string())
  .default({})
  .superRefine((h, ctx) => {
    const names = Object.keys(h);
    if (names.length > MAX_HEADERS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_HEADERS} headers` });
    }
    for (const name of names) {
      if (!headerName.test(name)) {
        // Control characters (a CR/LF smuggled into a name) are shown escaped, never raw.
        const shown = JSON.stringify(name);
        ctx.addIssue({ code: 'custom', path: [shown.slice(1, -1)], message: `${shown} is not a valid header name` });
      } else if (/[\r\n]/.test(h[name])) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'header values cannot contain line breaks' });
      }
    }
  });
