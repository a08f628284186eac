/* SPDX-License-Identifier: Apache-2.0 */
/* A per-node cache of what SCIM creates assume about a directory (see directory_hint.h). */
#include "base/common.h"

#include "app/directory_hint.h"

#include "base/clock.h"
#include "store/connection.h"

#include <pthread.h>

#define HINT_SLOTS 16

struct hint_entry {
	char conn[ID_MAX];
	int64_t expires_us;
	struct directory_hint h;
};

static pthread_mutex_t hint_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hint_entry hint_cache[HINT_SLOTS];

void app_directory_hint_release(struct directory_hint *h)
{
	for (size_t i = 0; i < h->nattrs; i++)
		custom_attribute_release(&h->attrs[i]);
	free(h->attrs);
	directory_seats_release(&h->seats);
	memset(h, 0, sizeof(*h));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void hint_copy(struct directory_hint *out, const struct directory_hint *h)
{
	memset(out, 0, sizeof(*out));
	xsnprintf(out->org_id, sizeof(out->org_id), "%s", h->org_id);
	out->seats.default_role = dup_or_null(h->seats.default_role);
	out->seats.role_permissions = dup_or_null(h->seats.role_permissions);
	out->seats.org_name = dup_or_null(h->seats.org_name);
	out->seats.org_slug = dup_or_null(h->seats.org_slug);
	out->attrs = xcalloc(h->nattrs + 1, sizeof(*out->attrs));
	out->nattrs = h->nattrs;
	for (size_t i = 0; i < h->nattrs; i++) {
		const struct custom_attribute *x = &h->attrs[i];
		struct custom_attribute *y = &out->attrs[i];
		*y = *x;
		y->key = dup_or_null(x->key);
		y->saml_attribute = dup_or_null(x->saml_attribute);
		y->oidc_claim = dup_or_null(x->oidc_claim);
		y->scim_attribute = dup_or_null(x->scim_attribute);
	}
}

static struct hint_entry *slot(const char *conn_id)
{
	unsigned h = 0;
	for (const char *p = conn_id; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return &hint_cache[h % HINT_SLOTS];
}

struct hint_read {
	const char *conn_id;
	struct directory_hint *out;
};

static int read_tx(struct db_conn *c, void *payload)
{
	struct hint_read *r = payload;
	char *role = NULL;
	app_directory_hint_release(r->out); /* a read that is run again */
	int rc = store_directory_org(c, r->conn_id, r->out->org_id, &role);
	free(role);
	if (rc == 0)
		rc = store_directory_org_seats(c, r->out->org_id, "", &r->out->seats);
	if (rc == 0)
		rc = store_attribute_list(c, r->conn_id, &r->out->attrs, &r->out->nattrs);
	return rc;
}

int app_directory_hint_get(struct app *a, const char *conn_id, struct directory_hint *out)
{
	struct hint_entry *e = slot(conn_id);
	int64_t now = clock_mono_us();
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&hint_lock);
	bool hit = e->expires_us > now && strcmp(e->conn, conn_id) == 0;
	if (hit)
		hint_copy(out, &e->h);
	pthread_mutex_unlock(&hint_lock);
	if (hit)
		return 0;
	struct hint_read r = { conn_id, out };
	int rc = app_read(a, read_tx, &r);
	if (rc) {
		app_directory_hint_release(out);
		return rc;
	}
	struct directory_hint keep;
	hint_copy(&keep, out);
	pthread_mutex_lock(&hint_lock);
	app_directory_hint_release(&e->h);
	xsnprintf(e->conn, sizeof(e->conn), "%s", conn_id);
	e->expires_us = now + (int64_t)APP_DIRECTORY_HINT_S * 1000000;
	e->h = keep;
	pthread_mutex_unlock(&hint_lock);
	return 0;
}

void app_directory_hint_drop(const char *conn_id)
{
	struct hint_entry *e = slot(conn_id);
	pthread_mutex_lock(&hint_lock);
	if (strcmp(e->conn, conn_id) == 0)
		e->expires_us = 0;
	pthread_mutex_unlock(&hint_lock);
}
