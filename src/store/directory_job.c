/* SPDX-License-Identifier: Apache-2.0 */
/* Role re-resolution jobs and the SCIM request log (see directory_job.h). */
#include "base/common.h"

#include "store/directory_job.h"

#include "base/error.h"

int store_directory_job_insert(struct db_conn *c, const struct directory_job *j)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO directory_jobs (id, connection_id, kind, reason, status, "
	                    "total, done, cursor_id, locked_until, created_at, updated_at) VALUES "
	                    "(?, ?, ?, ?, 'pending', ?, 0, '', 0, ?, ?)",
	                    "ttttiii", j->id, j->connection_id, j->kind, j->reason, j->total,
	                    j->created_at, j->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_directory_job_pending(struct db_conn *c, const char *conn_id, char id_out[ID_MAX])
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT id FROM directory_jobs WHERE connection_id = ? AND "
	                  "status = 'pending' AND cursor_id = '' ORDER BY id LIMIT 1",
	                  "t", conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(id_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_directory_job_claim(struct db_conn *c, int64_t now, int64_t lease_s,
                              struct directory_job_state *out)
{
	struct db_stmt *s;
	/* one connection's jobs run in order: a later job waits for the earlier one */
	int rc =
	        db_query(c, &s,
	                 "SELECT j.id, j.connection_id, j.cursor_id, j.done, j.total FROM "
	                 "directory_jobs j WHERE j.status IN ('pending', 'running') AND "
	                 "j.locked_until < ? AND NOT EXISTS (SELECT 1 FROM directory_jobs o WHERE "
	                 "o.connection_id = j.connection_id AND o.status IN ('pending', 'running') "
	                 "AND o.id < j.id) ORDER BY j.id LIMIT 1",
	                 "i", now);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(out->id, sizeof(out->id), "%s", db_text(s, 0));
		xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", db_text(s, 1));
		xsnprintf(out->cursor, sizeof(out->cursor), "%s", db_text(s, 2));
		out->done = db_int(s, 3);
		out->total = db_int(s, 4);
	}
	db_done(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	int64_t n = db_exec(c,
	                    "UPDATE directory_jobs SET status = 'running', locked_until = ?, "
	                    "updated_at = ? WHERE id = ? AND locked_until < ?",
	                    "iiti", now + lease_s, now, out->id, now);
	return n < 0 ? (int)n : n > 0;
}

int store_directory_job_progress(struct db_conn *c, const struct directory_job_state *j,
                                 int64_t now, int64_t locked_until)
{
	int64_t n = db_exec(c,
	                    "UPDATE directory_jobs SET cursor_id = ?, done = ?, total = ?, "
	                    "locked_until = ?, updated_at = ? WHERE id = ?",
	                    "tiiiit", j->cursor, j->done, j->total, locked_until, now, j->id);
	return n < 0 ? (int)n : 0;
}

int store_directory_job_finish(struct db_conn *c, const char *id, const char *status,
                               const char *error, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE directory_jobs SET status = ?, error = ?, locked_until = 0, "
	                    "finished_at = ?, updated_at = ? WHERE id = ?",
	                    "ttiit", status, error, now, now, id);
	return n < 0 ? (int)n : 0;
}

#define JOB_COLS                                                                                   \
	"id, connection_id, kind, reason, status, total, done, error, created_at, updated_at, "    \
	"finished_at "

static void read_job(struct db_stmt *s, struct directory_job *j)
{
	memset(j, 0, sizeof(*j));
	xsnprintf(j->id, sizeof(j->id), "%s", db_text(s, 0));
	xsnprintf(j->connection_id, sizeof(j->connection_id), "%s", db_text(s, 1));
	j->kind = db_text_dup(s, 2);
	j->reason = db_text_dup(s, 3);
	j->status = db_text_dup(s, 4);
	j->total = db_int(s, 5);
	j->done = db_int(s, 6);
	j->error = db_text_dup(s, 7);
	j->created_at = db_int(s, 8);
	j->updated_at = db_int(s, 9);
	j->finished_at = db_int(s, 10);
}

int store_directory_job_get(struct db_conn *c, const char *conn_id, const char *id,
                            struct directory_job *out)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s, "SELECT " JOB_COLS "FROM directory_jobs WHERE id = ? AND connection_id = ?",
	        "tt", id, conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_job(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "job_not_found", "no job %.80s", id);
	return rc < 0 ? rc : 0;
}

static int64_t count_rows(struct db_conn *c, const char *sql, const char *conn_id)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, sql, "t", conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t n = rc == DB_ROW ? db_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? rc : n;
}

int store_directory_job_list(struct db_conn *c, const char *conn_id, const char *before,
                             int64_t limit, struct directory_job **items, size_t *count,
                             int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	*total = count_rows(c, "SELECT COUNT(*) FROM directory_jobs WHERE connection_id = ?",
	                    conn_id);
	if (*total < 0)
		return (int)*total;
	int rc = db_query(c, &s,
	                  "SELECT " JOB_COLS "FROM directory_jobs WHERE connection_id = ? AND "
	                  "(CAST(? AS TEXT) IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
	                  "ttti", conn_id, before, before, limit);
	if (rc)
		return rc;
	struct directory_job *v = xcalloc((size_t)limit + 1, sizeof(*v));
	size_t n = 0;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW)
		read_job(s, &v[n++]);
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_scim_request_insert(struct db_conn *c, const struct scim_request *r)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO scim_requests (id, connection_id, method, path, status, "
	                    "scim_type, detail, changes, request_body, duration_us, created_at) "
	                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                    "ttttittttii", r->id, r->connection_id, r->method, r->path,
	                    (int64_t)r->status, r->scim_type, r->detail, r->changes,
	                    r->request_body, r->duration_us, r->created_at);
	return n < 0 ? (int)n : 0;
}

int store_scim_request_list(struct db_conn *c, const char *conn_id, const char *before,
                            int64_t limit, struct scim_request **items, size_t *count,
                            int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	*total = count_rows(c, "SELECT COUNT(*) FROM scim_requests WHERE connection_id = ?",
	                    conn_id);
	if (*total < 0)
		return (int)*total;
	int rc = db_query(
	        c, &s,
	        "SELECT id, connection_id, method, path, status, scim_type, detail, changes, "
	        "request_body, duration_us, created_at FROM scim_requests WHERE "
	        "connection_id = ? AND (CAST(? AS TEXT) IS NULL OR id < ?) "
	        "ORDER BY id DESC LIMIT ?",
	        "ttti", conn_id, before, before, limit);
	if (rc)
		return rc;
	struct scim_request *v = xcalloc((size_t)limit + 1, sizeof(*v));
	size_t n = 0;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
		struct scim_request *r = &v[n++];
		xsnprintf(r->id, sizeof(r->id), "%s", db_text(s, 0));
		xsnprintf(r->connection_id, sizeof(r->connection_id), "%s", db_text(s, 1));
		r->method = db_text_dup(s, 2);
		r->path = db_text_dup(s, 3);
		r->status = (int)db_int(s, 4);
		r->scim_type = db_text_dup(s, 5);
		r->detail = db_text_dup(s, 6);
		r->changes = db_text_dup(s, 7);
		r->request_body = db_text_dup(s, 8);
		r->duration_us = db_int(s, 9);
		r->created_at = db_int(s, 10);
	}
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int64_t store_scim_request_sweep(struct db_conn *c, int64_t before)
{
	return db_exec(c, "DELETE FROM scim_requests WHERE created_at < ?", "i", before);
}
