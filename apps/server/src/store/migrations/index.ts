// Every schema version in order. Add a file per change (002-..., 003-...); never edit one that shipped.
import * as initial from './001-initial.js';
import * as rttChunks from './002-rtt-chunks.js';
import * as eventKinds from './003-event-kinds.js';
import * as outages from './004-outages.js';
import * as rttEventBatches from './005-rtt-event-batches.js';
import * as rttEventBlocks from './006-rtt-event-blocks.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  initial,
  rttChunks,
  eventKinds,
  outages,
  rttEventBatches,
  rttEventBlocks,
];
