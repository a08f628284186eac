/* SPDX-License-Identifier: Apache-2.0 */
/* Directory Sync configuration, token checks and views (see directory.h). */
#include "base/common.h"

#include "app/directory.h"

#include "app/audit.h"
#include "app/directory_role.h"
#include "app/membership.h"
#include "base/clock.h"
#include "base/error.h"
#include "crypto/crypto.h"
#include "store/connection.h"
#include "store/directory.h"
#include "store/directory_group.h"
#include "store/directory_job.h"
#include "store/membership.h"
#include "store/role.h"

#include <pthread.h>

struct dir_op {
	const struct actor *who;
	const char *conn_id;
	struct directory *out;
	const char *token_hash, *token_hint;
	const struct page *page;
	void *items;
	size_t *count;
	int64_t *total;
	const struct role_mapping *mappings;
	size_t nmappings;
	char *job_id;
	const char *id;
	void *one;
};

uint64_t app_directory_lock_key(const char *conn_id)
{
	/* FNV-1a over "directory:" + the id, kept positive for pg_advisory_lock's bigint */
	uint64_t h = 14695981039346656037ULL;
	for (const char *p = "directory:"; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = conn_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (h & 0x7fffffffffffffffULL) | 1;
}

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct directory *d)
{
	json_t *j = directory_to_json(d, "");
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = {
		who, action, "directory_sync", d->connection_id, d->org_id, data, NULL
	};
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

/* The connection must exist (404 connection_not_found otherwise). */
static int check_connection(struct db_conn *c, const char *conn_id)
{
	struct connection x;
	int rc = store_connection_get(c, conn_id, &x);
	if (rc == 0)
		connection_release(&x);
	return rc;
}

static int reload(struct db_conn *c, struct dir_op *op)
{
	directory_release(op->out);
	return store_directory_get(c, op->conn_id, op->out);
}

static int enable_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	directory_release(op->out); /* a rerun (retry, group redo) starts empty */
	int rc = check_connection(c, op->conn_id);
	if (rc)
		return rc;
	rc = store_directory_get(c, op->conn_id, op->out);
	if (rc == 0 && op->out->enabled)
		return error_setc(
		        ERR_CONFLICT, "directory_sync_enabled",
		        "Directory Sync is already on for %s; rotate the token to get a new one",
		        op->conn_id);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	rc = store_directory_enable(c, op->conn_id, op->token_hash, op->token_hint, clock_now());
	if (rc == 0)
		rc = reload(c, op);
	return rc ? rc : record(c, op->who, "directory_sync.enabled", op->out);
}

/* A new token: its hash and a hint for the API ("scim_...wxyz"). */
static char *new_token(char hash[DIRECTORY_HASH_LEN], char hint[32])
{
	char *token = crypto_token_new(DIRECTORY_TOKEN_PREFIX);
	crypto_sha256_hex(hash, token, strlen(token));
	xsnprintf(hint, 32, "%s...%s", DIRECTORY_TOKEN_PREFIX, token + strlen(token) - 4);
	return token;
}

static int with_token(struct app *a, const struct actor *who, const char *conn_id,
                      struct directory *out, char **token_out, db_tx_fn fn)
{
	char hash[DIRECTORY_HASH_LEN], hint[32];
	char *token = new_token(hash, hint);
	struct dir_op op = {
		.who = who, .conn_id = conn_id, .out = out, .token_hash = hash, .token_hint = hint
	};
	memset(out, 0, sizeof(*out));
	*token_out = NULL;
	int rc = app_write_keyed(a, app_directory_lock_key(conn_id), fn, &op);
	if (rc) {
		free(token);
		directory_release(out);
		return rc;
	}
	*token_out = token;
	return 0;
}

int app_directory_enable(struct app *a, const struct actor *who, const char *conn_id,
                         struct directory *out, char **token_out)
{
	return with_token(a, who, conn_id, out, token_out, enable_tx);
}

static int rotate_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	directory_release(op->out); /* a rerun (retry, group redo) starts empty */
	int rc = store_directory_get(c, op->conn_id, op->out);
	if (rc == 0 && !op->out->enabled)
		rc = error_setc(ERR_CONFLICT, "directory_sync_disabled",
		                "Directory Sync is off for %s; turn it on to get a token",
		                op->conn_id);
	int64_t now = clock_now();
	if (rc == 0)
		rc = store_directory_rotate(c, op->conn_id, op->token_hash, op->token_hint, now,
		                            now + DIRECTORY_TOKEN_OVERLAP_S);
	if (rc == 0)
		rc = reload(c, op);
	return rc ? rc : record(c, op->who, "directory_sync.token_rotated", op->out);
}

int app_directory_rotate(struct app *a, const struct actor *who, const char *conn_id,
                         struct directory *out, char **token_out)
{
	return with_token(a, who, conn_id, out, token_out, rotate_tx);
}

static int disable_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	directory_release(op->out); /* a rerun (retry, group redo) starts empty */
	int rc = store_directory_get(c, op->conn_id, op->out);
	int64_t now = clock_now();
	if (rc == 0 && op->out->enabled)
		rc = store_directory_disable(c, op->conn_id, now);
	/* PRODUCT.md: every role becomes editable again when the directory is off */
	if (rc == 0)
		rc = app_directory_unmap_roles_tx(c, op->who, op->conn_id, op->out->org_id);
	if (rc == 0)
		rc = reload(c, op);
	return rc ? rc : record(c, op->who, "directory_sync.disabled", op->out);
}

int app_directory_disable(struct app *a, const struct actor *who, const char *conn_id,
                          struct directory *out)
{
	struct dir_op op = { .who = who, .conn_id = conn_id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write_keyed(a, app_directory_lock_key(conn_id), disable_tx, &op);
	if (rc)
		directory_release(out);
	return rc;
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	return rc ? rc : reload(c, op);
}

int app_directory_get(struct app *a, const char *conn_id, struct directory *out)
{
	struct dir_op op = { .conn_id = conn_id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, get_tx, &op);
	if (rc)
		directory_release(out);
	return rc;
}

static int users_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	if (rc)
		return rc;
	*op->total = store_directory_user_count(c, op->conn_id, DIRUSER_ALL, NULL);
	if (*op->total < 0)
		return (int)*op->total;
	return store_directory_user_scan(c, op->conn_id, DIRUSER_ALL, NULL,
	                                 op->page->starting_after, op->page->limit, op->items,
	                                 op->count);
}

int app_directory_users(struct app *a, const char *conn_id, const struct page *p,
                        struct directory_user **items, size_t *count, int64_t *total)
{
	struct dir_op op = {
		.conn_id = conn_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, users_tx, &op);
}

static int groups_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	return rc ? rc
	          : store_directory_group_list(c, op->conn_id, op->page->starting_after,
	                                       op->page->limit, op->items, op->count, op->total);
}

int app_directory_groups(struct app *a, const char *conn_id, const struct page *p,
                         struct directory_group **items, size_t *count, int64_t *total)
{
	struct dir_op op = {
		.conn_id = conn_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, groups_tx, &op);
}

static int mappings_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	return rc ? rc : store_directory_mappings(c, op->conn_id, op->items, op->count);
}

int app_directory_mappings_get(struct app *a, const char *conn_id, struct role_mapping **items,
                               size_t *count)
{
	struct dir_op op = { .conn_id = conn_id, .items = items, .count = count };
	return app_read(a, mappings_tx, &op);
}

static int unprocessable(const char *field, const char *code, const char *fmt, ...)
        PRINTF_LIKE(3, 4);
static int unprocessable(const char *field, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_setc(ERR_INVALID, code, "%s", msg);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

static int check_mappings(struct db_conn *c, const struct dir_op *op)
{
	for (size_t i = 0; i < op->nmappings; i++) {
		const struct role_mapping *m = &op->mappings[i];
		struct directory_group g;
		int known = store_role_exists(c, m->role);
		if (known < 0)
			return known;
		if (!known)
			return unprocessable("data", "unknown_role", "%s is not a role", m->role);
		int rc = store_directory_group_get(c, op->conn_id, m->group_id, &g);
		if (rc == ERR_NOT_FOUND)
			return unprocessable("data", "unknown_group",
			                     "%s is not a group of this connection's directory",
			                     m->group_id);
		if (rc)
			return rc;
		directory_group_release(&g);
	}
	return 0;
}

static int mappings_set_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	struct directory d = { 0 };
	int rc = store_directory_get(c, op->conn_id, &d);
	if (rc == 0)
		rc = check_mappings(c, op);
	if (rc == 0)
		rc = store_directory_mappings_set(c, op->conn_id, op->mappings, op->nmappings);
	if (rc == 0) {
		json_t *j = role_mappings_to_json(op->conn_id, op->mappings, op->nmappings);
		char *data = model_json_text(j);
		json_decref(j);
		struct change ch = { op->who,
			             "directory_sync.role_mappings.updated",
			             "directory_sync",
			             op->conn_id,
			             d.org_id,
			             data,
			             NULL };
		rc = app_audit_change(c, &ch);
		free(data);
	}
	op->job_id[0] = '\0';
	if (rc == 0)
		rc = app_directory_resolve_all_tx(c, op->who, op->conn_id, "role_mappings_changed",
		                                  op->job_id);
	directory_release(&d);
	return rc;
}

int app_directory_mappings_set(struct app *a, const struct actor *who, const char *conn_id,
                               const struct role_mapping *m, size_t n, char job_id_out[ID_MAX])
{
	struct dir_op op = {
		.who = who, .conn_id = conn_id, .mappings = m, .nmappings = n, .job_id = job_id_out
	};
	int rc = app_write_keyed(a, app_directory_lock_key(conn_id), mappings_set_tx, &op);
	if (rc == 0 && job_id_out[0])
		app_directory_role_wake();
	return rc;
}

static int jobs_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	return rc ? rc
	          : store_directory_job_list(c, op->conn_id, op->page->starting_after,
	                                     op->page->limit, op->items, op->count, op->total);
}

int app_directory_jobs(struct app *a, const char *conn_id, const struct page *p,
                       struct directory_job **items, size_t *count, int64_t *total)
{
	struct dir_op op = {
		.conn_id = conn_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, jobs_tx, &op);
}

static int job_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	return store_directory_job_get(c, op->conn_id, op->id, op->one);
}

int app_directory_job_get(struct app *a, const char *conn_id, const char *id,
                          struct directory_job *out)
{
	struct dir_op op = { .conn_id = conn_id, .id = id, .one = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, job_tx, &op);
}

static int requests_tx(struct db_conn *c, void *payload)
{
	struct dir_op *op = payload;
	int rc = check_connection(c, op->conn_id);
	return rc ? rc
	          : store_scim_request_list(c, op->conn_id, op->page->starting_after,
	                                    op->page->limit, op->items, op->count, op->total);
}

int app_scim_requests(struct app *a, const char *conn_id, const struct page *p,
                      struct scim_request **items, size_t *count, int64_t *total)
{
	struct dir_op op = {
		.conn_id = conn_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, requests_tx, &op);
}

/* --- SCIM authentication --- */

/* RFC 6750 §3.1: the same answer for "no such directory" and "wrong token". */
static int invalid_token(void)
{
	return error_setc(ERR_UNAUTHENTICATED, "invalid_scim_token",
	                  "the bearer token is not valid for this SCIM endpoint");
}

static int check_secret(const struct directory_secret *s, const char *hash)
{
	bool current = crypto_equal_str(s->token_hash, hash);
	bool previous = s->previous_hash[0] && s->previous_expires_at > clock_now() &&
	                crypto_equal_str(s->previous_hash, hash);
	if (!current && !previous)
		return invalid_token();
	if (!s->enabled)
		return error_setc(ERR_FORBIDDEN, "directory_sync_disabled",
		                  "Directory Sync is turned off for this connection");
	return 0;
}

int app_scim_check_org_tx(struct db_conn *c, const struct scim_principal *p, char org_out[ID_MAX])
{
	struct directory_secret s;
	int rc = org_out ? store_directory_secret_org(c, p->connection_id, &s)
	                 : store_directory_secret(c, p->connection_id, &s);
	if (rc == ERR_NOT_FOUND)
		return invalid_token();
	if (rc == 0)
		rc = check_secret(&s, p->token_hash);
	if (rc == 0 && org_out)
		xsnprintf(org_out, ID_MAX, "%s", s.org_id);
	return rc;
}

int app_scim_check_tx(struct db_conn *c, const struct scim_principal *p)
{
	return app_scim_check_org_tx(c, p, NULL);
}

static int auth_tx(struct db_conn *c, void *payload)
{
	return app_scim_check_tx(c, payload);
}

#define AUTH_SLOTS 64

struct auth_entry {
	char conn[ID_MAX];
	char hash[DIRECTORY_HASH_LEN];
	int64_t expires_us;
};

static pthread_mutex_t auth_lock = PTHREAD_MUTEX_INITIALIZER;
static struct auth_entry auth_cache[AUTH_SLOTS];

static struct auth_entry *auth_slot(const char *hash)
{
	unsigned h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 31 + (unsigned char)hash[i];
	return &auth_cache[h % AUTH_SLOTS];
}

int app_scim_authenticate(struct app *a, const char *conn_id, const char *token,
                          struct scim_principal *out)
{
	memset(out, 0, sizeof(*out));
	if (!token || strncmp(token, DIRECTORY_TOKEN_PREFIX, strlen(DIRECTORY_TOKEN_PREFIX)) != 0 ||
	    strlen(token) > 128 || strlen(conn_id) >= ID_MAX)
		return invalid_token();
	xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", conn_id);
	crypto_sha256_hex(out->token_hash, token, strlen(token));
	int64_t now = clock_mono_us();
	struct auth_entry *e = auth_slot(out->token_hash);
	pthread_mutex_lock(&auth_lock);
	bool hit = e->expires_us > now && crypto_equal_str(e->hash, out->token_hash) &&
	           strcmp(e->conn, conn_id) == 0;
	pthread_mutex_unlock(&auth_lock);
	if (hit)
		return 0;
	int rc = app_read(a, auth_tx, out);
	if (rc)
		return rc;
	pthread_mutex_lock(&auth_lock);
	xsnprintf(e->conn, sizeof(e->conn), "%s", conn_id);
	memcpy(e->hash, out->token_hash, sizeof(e->hash));
	e->expires_us = now + APP_DIRECTORY_AUTH_CACHE_S * 1000000LL;
	pthread_mutex_unlock(&auth_lock);
	return 0;
}

void scim_effects_describe(const struct scim_effects *fx, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
#define SAY(...)                                                                                   \
	do {                                                                                       \
		if (n < size)                                                                      \
			n += (size_t)snprintf(out + n, size - n, __VA_ARGS__);                     \
	} while (0)
	if (fx->user_created)
		SAY("user created; ");
	if (fx->user_adopted)
		SAY("existing user linked; ");
	if (fx->member_joined)
		SAY("joined the organization; ");
	if (fx->deactivated)
		SAY("user deactivated; ");
	if (fx->reactivated)
		SAY("user reactivated; ");
	if (fx->sessions_revoked)
		SAY("%lld sessions revoked; ", (long long)fx->sessions_revoked);
	if (fx->members_added)
		SAY("%lld members added; ", (long long)fx->members_added);
	if (fx->members_removed)
		SAY("%lld members removed; ", (long long)fx->members_removed);
	if (fx->roles_changed)
		SAY("%lld roles changed; ", (long long)fx->roles_changed);
	if (fx->job_id[0])
		SAY("roles re-resolved by job %s; ", fx->job_id);
#undef SAY
	if (n >= 2 && n < size)
		out[n - 2] = '\0';
}
