import type { TargetView } from '@hopwatch/shared/protocol';

export function TargetPicker({
  targets,
  value,
  onChange,
}: {
  targets: readonly TargetView[];
  value: string;
  onChange(target: string): void;
}) {
  return (
    <label className="control">
      <span className="control-label">target</span>
      <select value={value} onChange={(event) => onChange(event.target.value)} data-testid="target-picker">
        {targets.map((target) => (
          <option key={target.name} value={target.name}>
            {target.name}
          </option>
        ))}
      </select>
    </label>
  );
}
