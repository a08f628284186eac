/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL driver (libpq): one PGconn per pooled connection, named
 * prepared statements cached per connection, '?' placeholders rewritten to
 * $n. Write transactions run SERIALIZABLE; SQLSTATE 40001/40P01 become
 * ERR_RETRY so db_tx() reruns them. STACK.md pitfall 27. libpq is loaded on
 * the first connection (store/pg_dl.h).
 */
#include "base/common.h"

#include "base/dl.h"
#include "base/error.h"
#include "base/log.h"
#include "store/db_driver.h"
#include "store/pg_dl.h"

#include <pthread.h>

#define PG_MAX_PARAMS 32

struct pg_conn {
	struct db_conn base;
	PGconn *pg;
	struct db_stmt_cache cache;
	int next_name;
	/*
	 * Set when a statement of the open transaction failed with ERR_RETRY.
	 * PostgreSQL then refuses every later statement (25P02) and turns COMMIT
	 * into ROLLBACK; if a caller did not pass the first error on, those must
	 * still end the transaction as retryable, not as an internal error or,
	 * worse, as a commit that did not happen.
	 */
	bool retry_pending;
};

struct pg_stmt {
	struct db_stmt base;
	struct pg_conn *conn;
	char name[24];
	int nparams;
	char *params[PG_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	bool executed;
};

static int map_result(struct pg_conn *c, PGresult *res)
{
	db_note_error();
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "57P01") == 0)
		return error_set(ERR_UNAVAILABLE, "postgres: %s", msg);
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0) {
		c->retry_pending = true;
		return error_set(ERR_RETRY, "postgres: %s", msg);
	}
	if (strcmp(state, "25P02") == 0 && c->retry_pending)
		return error_set(ERR_RETRY, "postgres: %s (after a serialization failure)", msg);
	if (strncmp(state, "23", 2) == 0)
		return error_setc(ERR_CONFLICT, "db_constraint", "postgres: %s", msg);
	if (strcmp(state, "53100") == 0)
		return error_set(ERR_UNAVAILABLE, "postgres: %s", msg);
	return error_set(ERR_INTERNAL, "postgres %s: %s", state, msg);
}

static void pg_close(struct db_conn *c);

struct store_pg_dl store_pg_dl;

static struct dl_library libpq = DL_LIBRARY("libpq.so.5", "Debian package libpq5",
                                            "a PostgreSQL database", store_pg_dl_symbols);
static pthread_once_t libpq_once = PTHREAD_ONCE_INIT;

static void load_libpq(void)
{
	(void)dl_library_load(&libpq); /* the failure is kept for dl_library_check */
}

/*
 * Server notices (e.g. "there is no transaction in progress" for the
 * ROLLBACK after a failed COMMIT) go to the log, not raw to stderr where
 * they would break the logfmt/JSON stream.
 */
static void pg_notice(void *arg, const char *message)
{
	char msg[256];
	(void)arg;
	xsnprintf(msg, sizeof(msg), "%s", message);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '"')
			*p = ' ';
	log_debug("postgres notice", "msg=\"%s\"", msg);
}

static int pg_open(struct db_conn **out, const char *target)
{
	*out = NULL;
	pthread_once(&libpq_once, load_libpq);
	if (dl_library_check(&libpq) != 0) {
		db_note_error();
		return ERR_UNAVAILABLE;
	}
	struct pg_conn *c = xcalloc(1, sizeof(*c));
	c->base.ops = &db_pg_ops;
	c->pg = PQconnectdb(target);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		error_set(ERR_UNAVAILABLE, "postgres: cannot connect: %s",
		          c->pg ? PQerrorMessage(c->pg) : "out of memory");
		db_note_error();
		pg_close(&c->base);
		return ERR_UNAVAILABLE;
	}
	PQsetNoticeProcessor(c->pg, pg_notice, NULL);
	PGresult *r = PQexec(c->pg, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	PQclear(r);
	*out = &c->base;
	return 0;
}

static void free_stmt(void *p)
{
	struct pg_stmt *s = p;
	for (int i = 0; i < PG_MAX_PARAMS; i++)
		free(s->params[i]);
	PQclear(s->res);
	free(s);
}

static void pg_close(struct db_conn *c)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	if (!pc)
		return;
	db_stmt_cache_release(&pc->cache, free_stmt);
	if (pc->pg)
		PQfinish(pc->pg);
	free(pc);
}

static int pg_exec(struct db_conn *c, const char *sql)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	if (strncmp(sql, "BEGIN", 5) == 0)
		pc->retry_pending = false;
	PGresult *r = PQexec(pc->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : map_result(pc, r);
	/* COMMIT of a failed transaction "succeeds" with the tag ROLLBACK */
	if (rc == 0 && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		db_note_error();
		if (pc->retry_pending)
			rc = error_set(ERR_RETRY,
			               "postgres: rolled back after a serialization failure");
		else
			rc = error_set(ERR_INTERNAL,
			               "postgres: COMMIT rolled back a failed transaction");
	}
	PQclear(r);
	return rc;
}

/* '?' → '$n', leaving quoted text alone. Returns the parameter count. */
static int rewrite(char *out, size_t size, const char *sql)
{
	size_t o = 0;
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (o + 8 >= size)
			die("SQL statement too long: %.60s", sql);
		if (quote) {
			if (*p == quote)
				quote = 0;
			out[o++] = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			out[o++] = *p;
		} else if (*p == '?') {
			o += (size_t)snprintf(out + o, size - o, "$%d", ++n);
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return n;
}

static int pg_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	struct pg_stmt *s = db_stmt_cache_get(&pc->cache, sql);
	if (!s) {
		size_t size = strlen(sql) * 3 + 16;
		char *text = xmalloc(size);
		int n = rewrite(text, size, sql);
		if (n > PG_MAX_PARAMS)
			die("SQL statement has more than %d parameters", PG_MAX_PARAMS);
		s = xcalloc(1, sizeof(*s));
		s->base.ops = &db_pg_ops;
		s->conn = pc;
		s->nparams = n;
		xsnprintf(s->name, sizeof(s->name), "gh%d", pc->next_name++);
		PGresult *r = PQprepare(pc->pg, s->name, text, 0, NULL);
		free(text);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			int rc = map_result(pc, r);
			PQclear(r);
			free(s);
			return rc;
		}
		PQclear(r);
		db_stmt_cache_put(&pc->cache, sql, s);
	}
	*out = &s->base;
	return 0;
}

static int pg_bind_text(struct db_stmt *st, int idx, const char *v)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (idx < 1 || idx > s->nparams)
		die("pg bind index %d out of range (statement has %d)", idx, s->nparams);
	free(s->params[idx - 1]);
	s->params[idx - 1] = v ? xstrdup(v) : NULL;
	return 0;
}

static int pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	char num[24];
	xsnprintf(num, sizeof(num), "%lld", (long long)v);
	return pg_bind_text(st, idx, num);
}

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (!s->executed) {
		s->executed = true;
		s->res = PQexecPrepared(s->conn->pg, s->name, s->nparams,
		                        (const char *const *)s->params, NULL, NULL, 0);
		ExecStatusType es = PQresultStatus(s->res);
		if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK)
			return map_result(s->conn, s->res);
		s->row = -1;
		s->nrows = PQntuples(s->res);
	}
	if (!s->res || PQresultStatus(s->res) == PGRES_FATAL_ERROR)
		return error_set(ERR_INTERNAL, "postgres: step after error");
	s->row++;
	return s->row < s->nrows ? DB_ROW : DB_DONE;
}

static const char *pg_column_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (!s->res || s->row < 0 || s->row >= s->nrows || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_column_int64(struct db_stmt *st, int col)
{
	const char *t = pg_column_text(st, col);
	return t ? strtoll(t, NULL, 10) : 0;
}

static int64_t pg_changes(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	const char *t = s->res ? PQcmdTuples(s->res) : "";
	return *t ? strtoll(t, NULL, 10) : 0;
}

static void pg_reset(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	PQclear(s->res);
	s->res = NULL;
	s->executed = false;
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
}

const struct db_ops db_pg_ops = {
	.version = DB_OPS_VERSION,
	.name = "postgres",
	.kind = DB_POSTGRES,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.step = pg_step,
	.column_text = pg_column_text,
	.column_int64 = pg_column_int64,
	.changes = pg_changes,
	.reset = pg_reset,
};
