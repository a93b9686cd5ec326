// The store a config asks for: SQLite (the default, one instance) or PostgreSQL (storage.postgres, shared by
// instances at several vantages). The pg client is only loaded when PostgreSQL is configured.
import { redactUrl } from '../config/redact.js';
import type { HopwatchConfig } from '../config/types.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';

export async function openStore(config: Pick<HopwatchConfig, 'storage' | 'vantage'>): Promise<Store> {
  const { storage } = config;
  if (storage.postgres === null) return openSqliteStore(storage.sqlite, { retentionMs: storage.retentionMs });
  const { openPostgresStore } = await import('../store/postgres/postgres-store.js');
  return openPostgresStore(storage.postgres, {
    retentionMs: storage.retentionMs,
    vantage: config.vantage,
    where: redactUrl(storage.postgres),
  });
}
