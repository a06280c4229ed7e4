// The same payload for every mode: JSON of a chosen size. REST sends one fixed body; WebSocket
// messages carry a sequence id ({{seq}}) so each echo can be matched, which makes their length
// vary with the id's digits. The padding is chosen for a typical id length, and the payload
// actually sent is computed from the ids the run used, so "payload" is never a guess.

/** REST body of exactly `bytes` bytes: {"seq":0,"pad":"xxx…"}. */
export function restBody(bytes: number): string {
  const skeleton = '{"seq":0,"pad":""}';
  return `{"seq":0,"pad":"${'x'.repeat(Math.max(0, bytes - skeleton.length))}"}`;
}

/** WebSocket message template of `bytes` bytes when {{seq}} renders with `digits` digits. */
export function wsTemplate(bytes: number, digits: number): string {
  const skeletonLength = '{"seq":,"pad":""}'.length + digits;
  return `{"seq":{{seq}},"pad":"${'x'.repeat(Math.max(0, bytes - skeletonLength))}"}`;
}

/** Length of a template's rendering, apart from the digits of {{seq}}. */
export function templateFixedLength(template: string): number {
  return Buffer.byteLength(template.replace('{{seq}}', ''));
}

/** Total digits of the integers 1…n. */
export function digitsUpTo(n: number): number {
  let total = 0;
  for (let d = 1, lo = 1; lo <= n; d++, lo *= 10) total += (Math.min(n, lo * 10 - 1) - lo + 1) * d;
  return total;
}

/**
 * Mean payload bytes of the messages of an echo run: `messages` spread evenly over
 * `connections`, each connection numbering its own from 1.
 */
export function meanWsPayloadBytes(template: string, messages: number, connections: number): number {
  if (messages <= 0) return templateFixedLength(template) + 1;
  const per = Math.floor(messages / connections);
  const extra = messages % connections;
  const digits = (connections - extra) * digitsUpTo(per) + extra * digitsUpTo(per + 1);
  return templateFixedLength(template) + digits / messages;
}
