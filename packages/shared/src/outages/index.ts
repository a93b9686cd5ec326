// Pure outage logic: a leg's connecting / up / down condition and the outage it is in (SPEC section 1).
export {
  type ClosedSession,
  initialCondition,
  type LegCondition,
  nextCondition,
  type OutageEffect,
  type OutageInput,
  type OutageStep,
} from './outage-machine.js';
