// The signature corpus: every recorded scenario (real lab data, recordings/*.json) replayed through the judge,
// its signatures scored against labels.ts. Prints precision and recall per signature; fails below 100 %.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_IDS, type SignatureId } from '../../protocol/verdict.js';
import { corpusLabels } from './labels.js';
import type { CorpusRecording } from './recording.js';
import { judgeRecording } from './replay.js';

const DIR = new URL('./recordings/', import.meta.url);
const recordings: CorpusRecording[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as CorpusRecording);
const labels = corpusLabels();

const yielded = new Map(
  recordings.map((recording) => {
    const verdicts = judgeRecording(recording);
    return [
      recording.name,
      { verdicts, ids: new Set(verdicts.flatMap((v) => v.signatures.map((s) => s.id))) },
    ];
  }),
);

interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function score(signature: SignatureId): Score {
  const result: Score = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  for (const [name, { ids }] of yielded) {
    const expected = labels.get(name)?.signatures.includes(signature) ?? false;
    const got = ids.has(signature);
    if (got && expected) result.truePositives += 1;
    else if (got) result.falsePositives += 1;
    else if (expected) result.falseNegatives += 1;
  }
  return result;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
const percent = (r: number | null) => (r === null ? '   n/a' : `${(r * 100).toFixed(1).padStart(5)}%`);

describe('the signature corpus', () => {
  it('has a recording for every label and a label for every recording', () => {
    expect([...yielded.keys()].sort()).toEqual([...labels.keys()].sort());
  });

  it('scores 100 % precision and recall for every signature', () => {
    const rows = SIGNATURE_IDS.map((id) => {
      const s = score(id);
      return {
        id,
        precision: ratio(s.truePositives, s.truePositives + s.falsePositives),
        recall: ratio(s.truePositives, s.truePositives + s.falseNegatives),
        ...s,
      };
    });
    console.log(
      [
        `signature corpus: ${recordings.length} recorded scenarios`,
        'signature           precision  recall   TP  FP  FN',
        ...rows.map(
          (r) =>
            `${r.id.padEnd(19)} ${percent(r.precision)}    ${percent(r.recall)}  ${String(r.truePositives).padStart(3)} ${String(r.falsePositives).padStart(3)} ${String(r.falseNegatives).padStart(3)}`,
        ),
      ].join('\n'),
    );
    for (const row of rows) {
      expect(row.precision ?? 1, `${row.id} precision`).toBe(1);
      expect(row.recall ?? 1, `${row.id} recall`).toBe(1);
    }
  });

  it.for(recordings.map((r) => r.name))('%s yields exactly its labelled signatures', (name) => {
    const label = labels.get(name);
    const result = yielded.get(name);
    expect(label, `no label for ${name}`).toBeDefined();
    const summaries = result!.verdicts.flatMap((v) => v.signatures.map((s) => `${s.id}: ${s.summary}`));
    expect([...result!.ids].sort(), summaries.join('\n')).toEqual([...label!.signatures].sort());
    for (const [id, components] of Object.entries(label!.culprits ?? {})) {
      const named = result!.verdicts.flatMap((v) =>
        v.signatures.filter((s) => s.id === id).flatMap((s) => s.culprits.map((c) => c.component)),
      );
      for (const component of components) expect(named, `${id} culprits`).toContain(component);
    }
  });
});
