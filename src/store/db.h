/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage driver interface: one connection pool over one backend
 * (SQLite or PostgreSQL), statements with positional '?' parameters (the
 * PostgreSQL driver rewrites them to $n), and transactions that are retried
 * when the backend reports a conflict (SQLITE_BUSY, SQLSTATE 40001/40P01).
 *
 * Repositories (store/<aggregate>.c) write portable SQL once against this
 * interface; no other module sees sqlite3 or libpq types.
 *
 * Errors: driver failures become ERR_CONFLICT (unique or foreign-key
 * violation, stable code "db_constraint"), ERR_RETRY (busy, serialisation
 * failure) or ERR_UNAVAILABLE (connection lost, disk full), recorded in the
 * thread's error slot.
 *
 * Thread-safety: struct db is shared; a struct db_conn is used by one thread at
 * a time (taken from the pool for the length of a transaction).
 */
#ifndef GATEHOUSE_STORE_DB_H
#define GATEHOUSE_STORE_DB_H

struct db;
struct db_conn;
struct db_stmt;

enum db_kind { DB_SQLITE = 1, DB_POSTGRES = 2 };

enum { DB_DONE = 0, DB_ROW = 1 };

/* A backend: versioned so that members can be added without breaking drivers. */
struct db_ops {
	int version; /* DB_OPS_VERSION */
	const char *name;
	enum db_kind kind;
	/* Opens one connection to target (a path, or a libpq conninfo/URI). */
	int (*open)(struct db_conn **out, const char *target);
	void (*close)(struct db_conn *c);
	/* Runs SQL text without parameters (may hold several statements). */
	int (*exec)(struct db_conn *c, const char *sql);
	/* Returns a statement owned and cached by the connection, keyed by the sql pointer. */
	int (*prepare)(struct db_conn *c, const char *sql, struct db_stmt **out);
	/* idx is 1-based; a NULL value binds SQL NULL. */
	int (*bind_text)(struct db_stmt *s, int idx, const char *value);
	int (*bind_int64)(struct db_stmt *s, int idx, int64_t value);
	/* DB_ROW, DB_DONE or a negative error. */
	int (*step)(struct db_stmt *s);
	/* Borrowed until the next step/reset; NULL for SQL NULL. */
	const char *(*column_text)(struct db_stmt *s, int col);
	int64_t (*column_int64)(struct db_stmt *s, int col);
	/* Rows changed by the last completed statement. */
	int64_t (*changes)(struct db_stmt *s);
	/* Makes the statement reusable; always safe to call. */
	void (*reset)(struct db_stmt *s);
	/*
	 * SQLite only (NULL for PostgreSQL): the write-ahead log of c is managed
	 * by the caller (no automatic checkpoint at commit); wal_frames is the
	 * log's length in frames after c's last commit; wal_checkpoint copies the
	 * log into the database file and gives the frames in the log and how many
	 * of them are in the file now. Without restart it never waits (PASSIVE);
	 * with restart (only on the writer's connection, between transactions)
	 * it then waits a few milliseconds at most for readers of the old log to
	 * finish, so the next commit starts the log again (ERR_RETRY if they did
	 * not finish: the copy is done all the same).
	 */
	void (*wal_manage)(struct db_conn *c);
	int64_t (*wal_frames)(struct db_conn *c);
	int (*wal_checkpoint)(struct db_conn *c, bool restart, int64_t *log_frames,
	                      int64_t *done_frames);
	/*
	 * Version 3, optional: bind_text for a value that outlives the statement's
	 * run (db_exec binds, steps and resets within one call), so the driver
	 * need not copy it. NULL: bind_text is used.
	 */
	int (*bind_text_borrowed)(struct db_stmt *s, int idx, const char *value);
};
#define DB_OPS_VERSION 3

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/*
 * Opens a pool for url: "sqlite:PATH", "sqlite::memory:" (one shared in-memory
 * database, for tests) or "postgres://..."/"postgresql://...". pool_size 0
 * picks a default. Returns ERR_INVALID for an unknown scheme, ERR_UNAVAILABLE
 * when the first connection fails. Caller frees with db_free().
 */
int db_open(struct db **out, const char *url, int pool_size);
void db_free(struct db *db);
enum db_kind db_kind(const struct db *db);
/* Counts driver errors since start (for /metrics). */
uint64_t db_error_count(void);
/* SQLite: transactions that committed more than one queued write together. */
uint64_t db_group_commits(void);
/* SQLite: how the single writer is doing (for /metrics). */
struct db_write_stats {
	uint64_t commits;    /* write transactions committed */
	uint64_t writes;     /* writes they held (writes / commits: the mean group size) */
	uint64_t busy_us;    /* time the writer spent running them */
	uint64_t wal_frames; /* the log's length after the last commit */
	uint64_t checkpoints_background; /* checkpoint passes off the writer's path */
	uint64_t checkpoints_writer;     /* passes the writer ran itself */
	uint64_t group_redos;            /* groups rerun with savepoints after a write failed */
};
/* db may be NULL (the counters are process-wide; the log's are per database). */
void db_write_stats(const struct db *db, struct db_write_stats *out);

enum db_tx_flags {
	DB_TX_WRITE = 1 << 0, /* serialised writer: BEGIN IMMEDIATE / SERIALIZABLE */
	DB_TX_READ = 1 << 1,  /* one consistent snapshot for several reads */
	/*
	 * With DB_TX_WRITE: a write whose only rules across rows are unique (and
	 * foreign-key) constraints, such as creating a user with new email
	 * addresses. PostgreSQL runs it READ COMMITTED: no predicate locks, so
	 * concurrent inserts of unrelated rows never fail serialisation. A
	 * constraint violation there may be a race with a concurrent insert that
	 * fn's own checks could not yet see; fn is rerun once (a new transaction,
	 * a new snapshot), so its checks can name the conflict (email_taken)
	 * rather than db_constraint. SQLite: as DB_TX_WRITE alone.
	 */
	DB_TX_UNIQUE = 1 << 2,
};

typedef int (*db_tx_fn)(struct db_conn *c, void *payload);

/*
 * Runs fn inside a transaction on a pooled connection and commits when it
 * returns 0; rolls back otherwise. ERR_RETRY from fn or from COMMIT reruns fn
 * (with backoff) up to a few times, so fn must have no effects outside the
 * database. Returns fn's code, or ERR_UNAVAILABLE/ERR_RETRY from the store.
 * An SQLite write may run fn on another waiting thread (group commit): fn
 * sees this thread's error slot and request id, but no other thread-local.
 */
int db_tx(struct db *db, unsigned flags, db_tx_fn fn, void *payload);

/*
 * db_tx, serialised against every other db_tx_keyed with the same key on the
 * same database, across nodes: on PostgreSQL a session advisory lock is held
 * from before BEGIN to after COMMIT, so concurrent writers to one aggregate
 * (a directory) queue instead of failing serialisation; SQLite's writers are
 * serialised anyway. key 0 is plain db_tx.
 */
int db_tx_keyed(struct db *db, unsigned flags, uint64_t key, db_tx_fn fn, void *payload);

/* Runs sql text (no parameters) on a pooled connection: used by migrations. */
int db_conn_exec(struct db_conn *c, const char *sql);
enum db_kind db_conn_kind(const struct db_conn *c);

/*
 * Prepares sql and binds the arguments described by types, one letter each:
 *   t  const char *  (NULL binds NULL)
 *   i  int64_t
 *   b  bool          (stored as 0/1)
 * The statement stays valid until db_done() or the transaction ends.
 */
int db_query(struct db_conn *c, struct db_stmt **out, const char *sql, const char *types, ...);
int db_step(struct db_stmt *s);
const char *db_text(struct db_stmt *s, int col);
/* xstrdup of a column (NULL stays NULL). */
char *db_text_dup(struct db_stmt *s, int col);
int64_t db_int(struct db_stmt *s, int col);
void db_done(struct db_stmt *s);
/*
 * Runs a statement that returns no rows; returns the number of rows changed
 * (>= 0) or a negative error.
 */
int64_t db_exec(struct db_conn *c, const char *sql, const char *types, ...);

#endif
