// Advisory lock keys, one per job that only one hopwatch instance (or one step at a time) may do. Arbitrary
// constants in hopwatch's own range, so they do not collide with other applications sharing the database.
export const MIGRATION_LOCK = 0x686f7001;
/** Held while a block of seq is reserved (and a writer registered): see store/postgres/seq-blocks.ts. */
export const SEQ_LOCK = 0x686f7002;
/** One instance prunes at a time. */
export const PRUNE_LOCK = 0x686f7003;
/** The judge's lease: the instance holding it judges drop clusters for all of them. */
export const JUDGE_LOCK = 0x686f7004;
