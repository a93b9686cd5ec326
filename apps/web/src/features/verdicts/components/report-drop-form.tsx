// "A user reported a drop at…": asks GET /api/attribute for that moment and shows its verdict like any other.
import type { LegView } from '@hopwatch/shared/protocol';
import { type FormEvent, useState } from 'react';
import { fromLocalInput, toLocalInput } from '../../../components/ui/format';
import { useAttribute } from '../api/get-attribute';
import { VerdictCard } from './verdict-card';

export function ReportDropForm({
  target,
  segments,
  legs,
}: {
  target: string;
  segments: readonly string[];
  legs: readonly Pick<LegView, 'name' | 'covers'>[];
}) {
  const [text, setText] = useState(() => toLocalInput(Date.now()));
  const [at, setAt] = useState<number | null>(null);
  const attribute = useAttribute(target, at);

  function submit(event: FormEvent) {
    event.preventDefault();
    const ms = fromLocalInput(text);
    if (Number.isFinite(ms)) setAt(ms);
  }

  return (
    <section className="report-drop" aria-label="attribute a reported drop">
      <form onSubmit={submit} className="report-form">
        <label htmlFor="report-at">A user reported a drop at</label>
        <input
          id="report-at"
          type="datetime-local"
          step={1}
          value={text}
          onChange={(event) => setText(event.target.value)}
          required
        />
        <button type="submit">Attribute</button>
      </form>
      {attribute.isFetching && <p className="muted">judging…</p>}
      {attribute.error && <p className="error">{attribute.error.message}</p>}
      {attribute.data && <VerdictCard verdict={attribute.data} segments={segments} legs={legs} />}
    </section>
  );
}
