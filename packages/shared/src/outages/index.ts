// Pure outage logic: a leg's connecting / up / down condition and the outage it is in (docs/spec.md#1-concepts).
export {
  type ClosedSession,
  initialCondition,
  type LegCondition,
  nextCondition,
  type OutageEffect,
  type OutageInput,
  type OutageStep,
} from './outage-machine.js';
