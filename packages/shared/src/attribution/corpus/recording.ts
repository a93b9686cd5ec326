// One recorded scenario of the signature corpus: what the real prober saw on a real lab path, as the judge
// would read it from the store. The recorder (apps/server/src/integration/corpus) writes these; the corpus test
// replays them through the judge's rules and scores the signatures against labels.ts.
import type { Session } from '../../protocol/session.js';
import type { HeartbeatSample, ProberStall, TargetFacts } from '../types.js';

export interface CorpusRecording {
  /** the scenario's name, the key of its label in labels.ts and its file name */
  name: string;
  /** what was done to the path, in words */
  description: string;
  recordedAt: number;
  target: TargetFacts;
  /** every session of the target, closed ones only (the recorder stops the prober before writing) */
  sessions: Session[];
  samples: HeartbeatSample[];
  stalls: ProberStall[];
}
