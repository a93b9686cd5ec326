import type { LegState } from '@hopwatch/shared/protocol';

/** up green, connecting amber, down red: the same three colours everywhere. */
export function StateBadge({
  state,
  size = 'normal',
}: {
  state: LegState | 'off' | 'unknown';
  size?: 'normal' | 'large';
}) {
  return (
    <span className={`state-badge state-badge--${state} state-badge--${size}`} data-state={state}>
      {state}
    </span>
  );
}
