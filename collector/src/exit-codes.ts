// The exit codes of every podstart command, shared by the CLI and the library parts that decide one (a
// missing cluster in server mode, rows left unwritten at shutdown). The table users read is in cli/args.ts.

/**
 * 0 ok, 1 the work failed (unusable input, a refused operation), 2 bad usage (unknown flag, bad value,
 * missing input file), 3 a dependency (store, cluster, registry) unreachable, 4 partial: the work ran, but
 * some records were rejected or left unwritten (the summary says which).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3, partial: 4 } as const
