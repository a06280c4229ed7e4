// The pieces of the WebSocket flow steps that need no socket (issue #12): the table of requests
// awaiting answers matched by id (out of order, duplicates, unmatched, timeouts), and the inbox
// that hands pushes to the step listening or keeps them for the next ws-await.
import { describe, expect, it } from 'vitest';
import { PendingExchanges } from '../../src/main/engine/flow/wsExchanges.ts';
import { WsInbox, type InboxMessage } from '../../src/main/engine/flow/wsInbox.ts';

describe('PendingExchanges', () => {
  it('matches answers arriving in any order to their own send time', () => {
    const t = new PendingExchanges<string>(1000);
    t.add('1', 'first', 100);
    t.add('2', 'second', 110);
    t.add('3', 'third', 120);
    expect(t.size).toBe(3);
    // The echo mode's rule: an answer is out of order when a later send's answer came first.
    expect(t.answer('3')).toEqual({ kind: 'matched', entry: 'third', sentMs: 120, outOfOrder: false });
    expect(t.answer('1')).toEqual({ kind: 'matched', entry: 'first', sentMs: 100, outOfOrder: true });
    expect(t.answer('2')).toEqual({ kind: 'matched', entry: 'second', sentMs: 110, outOfOrder: true });
    expect(t.size).toBe(0);
    expect({ matched: t.matched, outOfOrder: t.outOfOrder, duplicates: t.duplicates, unmatched: t.unmatched, timeouts: t.timeouts }).toEqual({
      matched: 3,
      outOfOrder: 2,
      duplicates: 0,
      unmatched: 0,
      timeouts: 0,
    });
    // In order: none.
    const inOrder = new PendingExchanges<null>(1000);
    for (const k of ['a', 'b', 'c']) inOrder.add(k, null, 0);
    inOrder.answer('a');
    inOrder.add('d', null, 0);
    for (const k of ['b', 'c', 'd']) inOrder.answer(k);
    expect(inOrder.outOfOrder).toBe(0);
  });

  it('counts a second answer to one id as a duplicate and an unknown id as unmatched', () => {
    const t = new PendingExchanges<null>(1000);
    t.add('a', null, 0);
    expect(t.answer('a').kind).toBe('matched');
    expect(t.answer('a').kind).toBe('duplicate');
    expect(t.answer('zzz').kind).toBe('unmatched');
    expect([t.matched, t.duplicates, t.unmatched]).toEqual([1, 1, 1]);
  });

  it('expires requests past their deadline, oldest first, and only those', () => {
    const t = new PendingExchanges<number>(50);
    t.add('1', 1, 0);
    t.add('2', 2, 10);
    t.add('3', 3, 30);
    expect(t.nextDeadline()).toBe(50);
    expect(t.expire(49)).toEqual([]);
    expect(t.expire(60).map((e) => e.key)).toEqual(['1', '2']);
    expect(t.timeouts).toBe(2);
    expect(t.nextDeadline()).toBe(80);
    // An answer after its timeout is late (already counted as a timeout), not a match; a second one a duplicate.
    expect(t.answer('1').kind).toBe('late');
    expect(t.answer('1').kind).toBe('duplicate');
    expect([t.late, t.duplicates, t.unmatched]).toEqual([1, 1, 0]);
    expect(t.answer('3').kind).toBe('matched');
    expect(t.nextDeadline()).toBeUndefined();
  });

  it('drain empties the table (the run stopped)', () => {
    const t = new PendingExchanges<number>(50);
    t.add('x', 1, 0);
    t.add('y', 2, 1);
    expect(t.has('x')).toBe(true);
    expect(t.drain().map((e) => e.key)).toEqual(['x', 'y']);
    expect(t.size).toBe(0);
  });
});

describe('WsInbox', () => {
  const msg = (text: string, atMs = 0): InboxMessage => ({ text, atMs });

  it('hands messages to the listening step; those it leaves wait for the next', () => {
    const inbox = new WsInbox();
    const taken: string[] = [];
    const stop = inbox.listen((m) => (m.text.startsWith('answer') ? (taken.push(m.text), true) : false), false);
    inbox.deliver(msg('answer 1'));
    inbox.deliver(msg('push 1'));
    inbox.deliver(msg('answer 2'));
    stop();
    inbox.deliver(msg('push 2'));
    expect(taken).toEqual(['answer 1', 'answer 2']);
    expect(inbox.size).toBe(2);
    const pushes: string[] = [];
    inbox.listen((m) => (pushes.push(m.text), true), true);
    expect(pushes).toEqual(['push 1', 'push 2']);
    expect(inbox.size).toBe(0);
    inbox.deliver(msg('push 3'));
    expect(pushes).toEqual(['push 1', 'push 2', 'push 3']);
  });

  it('a listener that ignores the waiting messages sees only new ones', () => {
    const inbox = new WsInbox();
    inbox.deliver(msg('old'));
    const seen: string[] = [];
    inbox.listen((m) => (seen.push(m.text), true), false);
    inbox.deliver(msg('new'));
    expect(seen).toEqual(['new']);
    expect(inbox.size).toBe(1);
  });

  it('is bounded: the oldest unclaimed messages go first', () => {
    const inbox = new WsInbox();
    for (let i = 0; i < 10_005; i++) inbox.deliver(msg(String(i)));
    expect(inbox.size).toBe(10_000);
    expect(inbox.dropped).toBe(5);
    const first: string[] = [];
    inbox.listen((m) => (first.length < 1 ? (first.push(m.text), true) : false), true);
    expect(first).toEqual(['5']);
  });
});
