// The long-lived parts of a running hopwatch, wired once: the event bus, the live hub, and (as they land)
// storage, the prober, the judge and the lab. app.ts turns a runtime into routes.
import type { HopwatchConfig } from './config/types.js';
import { EventBus } from './events/bus.js';
import { LiveHub } from './live/hub.js';

export interface Runtime {
  config: HopwatchConfig;
  bus: EventBus;
  hub: LiveHub;
  /** stops every part; sessions hopwatch closes here are not drops */
  close(): Promise<void>;
}

export async function createRuntime(config: HopwatchConfig): Promise<Runtime> {
  const bus = new EventBus();
  const hub = new LiveHub({ bus });
  return {
    config,
    bus,
    hub,
    async close() {
      hub.close();
    },
  };
}
