import type { ChannelName, ChannelOutput, ChannelParsed } from '../../shared/contract.ts';

/** A main-process handler: gets the validated input, returns the channel's output. */
export type Handler<C extends ChannelName> = (input: ChannelParsed<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;

type DomainOf<C extends string> = C extends `${infer D}.${string}` ? D : never;

/** The handlers of one domain ("runs", "scenarios", …): exactly its channels, no more, no less. */
export type HandlersFor<D extends string> = { [C in ChannelName as DomainOf<C> extends D ? C : never]: Handler<C> };

export type AllHandlers = { [C in ChannelName]: Handler<C> };
