// The single gate every request from a renderer passes, whatever the transport (Electron IPC
// or the WebSocket of `barrage serve`): the channel must exist, the input must match the
// channel's schema, and errors come back as one readable message, never a stack trace.
import { flowsHandlers } from './flowsHandlers.ts';
import { channels, type ApiErrorPayload, type ChannelName } from '../../shared/contract.ts';
import { formatIssues } from '../../shared/scenario.ts';
import { MeasurementBusyError } from '../services/measurementLock.ts';
import { StoreError } from '../store/storeError.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import { abHandlers } from './abHandlers.ts';
import { capacityHandlers } from './capacityHandlers.ts';
import { appHandlers } from './appHandlers.ts';
import type { AllHandlers } from './handlerTypes.ts';
import { runsHandlers } from './runsHandlers.ts';
import { scenariosHandlers } from './scenariosHandlers.ts';
import { statsHandlers } from './statsHandlers.ts';
import { showdownHandlers } from './showdownHandlers.ts';

export type Dispatch = (channel: string, input: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: ApiErrorPayload }>;

export function createHandlers(ctx: ApiContext): AllHandlers {
  return { ...appHandlers(ctx), ...scenariosHandlers(ctx), ...runsHandlers(ctx), ...statsHandlers(ctx), ...abHandlers(ctx), ...showdownHandlers(ctx), ...capacityHandlers(ctx), ...flowsHandlers(ctx) };
}

export function isChannel(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

export function createDispatcher(handlers: AllHandlers, onUnexpected: (err: unknown) => void = () => {}): Dispatch {
  return async (channel, input) => {
    if (!isChannel(channel)) return { ok: false, error: { message: `unknown request "${channel}"`, invalidInput: true } };
    const parsed = channels[channel].input.safeParse(input);
    if (!parsed.success) return { ok: false, error: { message: formatIssues(parsed.error), invalidInput: true } };
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      if (err instanceof MeasurementBusyError) {
        return { ok: false, error: { message: err.message, invalidInput: false, busy: { ...err.job, openable: err.job.pid === process.pid } } };
      }
      if (err instanceof ApiError || err instanceof StoreError) {
        return { ok: false, error: { message: err.message, invalidInput: err instanceof ApiError } };
      }
      onUnexpected(err);
      return { ok: false, error: { message: `internal error: ${(err as Error).message}`, invalidInput: false } };
    }
  };
}
