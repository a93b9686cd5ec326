// What instances sharing a PostgreSQL store must agree on: a target name means one path, so its segments are
// the same everywhere (checked at start against what is stored), and a leg name belongs to one vantage.
// Each instance records its own legs so the others can judge and show them.
import type pg from 'pg';
import { redactUrl } from '../config/redact.js';
import type { TargetConfig } from '../config/types.js';
import { type StoredLeg, VANTAGE_PREFIX } from './vantage-targets.js';

export class VantageConflictError extends Error {
  readonly code = 'STORE_ERR_VANTAGE_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'VantageConflictError';
  }
}

/** The configured segments, without the vantage segments every instance adds for itself. */
function pathSegments(target: TargetConfig): string[] {
  return target.segments.filter((segment) => !segment.startsWith(VANTAGE_PREFIX));
}

/**
 * Records this vantage's targets and legs (replacing what it recorded before), after checking that every
 * target it shares with another vantage has the same segments and that no leg name is another vantage's.
 * Throws VantageConflictError naming the target and both sides.
 */
export async function registerVantage(
  pool: pg.Pool,
  vantage: string,
  targets: readonly TargetConfig[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two instances starting together must not both see an empty table and record different segments.
    await client.query('LOCK TABLE targets, target_legs IN SHARE ROW EXCLUSIVE MODE');
    for (const target of targets) {
      const segments = pathSegments(target);
      const stored = await client.query<{ segments: string[] }>(
        'SELECT segments FROM targets WHERE name = $1',
        [target.name],
      );
      const others = await client.query<{ vantage: string; leg: string }>(
        'SELECT vantage, leg FROM target_legs WHERE target = $1 AND vantage <> $2',
        [target.name, vantage],
      );
      const known = stored.rows[0]?.segments;
      if (known !== undefined && others.rows.length > 0 && known.join('\u0000') !== segments.join('\u0000')) {
        const vantages = [...new Set(others.rows.map((row) => row.vantage))].join(', ');
        throw new VantageConflictError(
          `target "${target.name}" has segments [${segments.join(', ')}] here (vantage ${vantage}) but ` +
            `[${known.join(', ')}] at vantage ${vantages}: instances sharing a target name must agree on its segments`,
        );
      }
      for (const leg of target.legs) {
        const owner = others.rows.find((row) => row.leg === leg.name);
        if (owner) {
          throw new VantageConflictError(
            `leg "${leg.name}" of target "${target.name}" is already probed from vantage ${owner.vantage}: ` +
              'leg names must be unique across vantages',
          );
        }
      }
      await client.query(
        'INSERT INTO targets (name, segments) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET segments = excluded.segments',
        [target.name, JSON.stringify(segments)],
      );
    }
    await client.query('DELETE FROM target_legs WHERE vantage = $1', [vantage]);
    for (const target of targets) {
      for (const leg of target.legs) {
        const spec: Omit<StoredLeg, 'target' | 'vantage' | 'name'> = {
          url: redactUrl(leg.url),
          enters: leg.enters,
          covers: leg.covers,
          heartbeat: leg.heartbeat,
        };
        await client.query('INSERT INTO target_legs (target, leg, vantage, spec) VALUES ($1, $2, $3, $4)', [
          target.name,
          leg.name,
          vantage,
          JSON.stringify(spec),
        ]);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Every vantage's legs, as recorded. */
export async function storedLegs(pool: pg.Pool): Promise<StoredLeg[]> {
  const { rows } = await pool.query<{
    target: string;
    leg: string;
    vantage: string;
    spec: Omit<StoredLeg, 'target' | 'vantage' | 'name'>;
  }>('SELECT target, leg, vantage, spec FROM target_legs ORDER BY vantage, target, leg');
  return rows.map((row) => ({ ...row.spec, target: row.target, vantage: row.vantage, name: row.leg }));
}
