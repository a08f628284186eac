/* SPDX-License-Identifier: Apache-2.0 */
/* OAuth applications (see oauth_app.h). */
#include "base/common.h"

#include "app/oauth_app.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/rand.h"
#include "store/oauth_app.h"

struct op {
	const struct actor *who;
	const char *id;
	const struct oauth_app_input *in;
	struct oauth_app *out;
	const char *hash, *hint;
	const struct page *page;
	struct oauth_app **items;
	size_t *count;
	int64_t *total;
	char *stored_hash;
};

static int audit(struct db_conn *c, const struct actor *who, const char *action,
                 const struct oauth_app *app)
{
	json_t *j = oauth_app_to_json(app, NULL);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "oauth_application", app->id, NULL, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static char **copy_uris(const char *const *uris, size_t n)
{
	char **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = xstrdup(uris[i]);
	return v;
}

static void apply(struct oauth_app *app, const struct oauth_app_input *in)
{
	if (in->has_name) {
		free(app->name);
		app->name = xstrdup(in->name);
	}
	if (in->has_redirect_uris) {
		oauth_uris_free(app->redirect_uris);
		app->redirect_uris = copy_uris(in->redirect_uris, in->nredirect_uris);
		app->nredirect_uris = in->nredirect_uris;
	}
	if (in->has_post_logout_redirect_uris) {
		oauth_uris_free(app->post_logout_redirect_uris);
		app->post_logout_redirect_uris =
		        copy_uris(in->post_logout_redirect_uris, in->npost_logout_redirect_uris);
		app->npost_logout_redirect_uris = in->npost_logout_redirect_uris;
	}
}

/* A new secret: the plain text (returned once), its hash and its hint. */
static char *new_secret(char hash[CRYPTO_SHA256_HEX_LEN], char **hint)
{
	char *secret = crypto_token_new(OAUTH_SECRET_PREFIX);
	crypto_sha256_hex(hash, secret, strlen(secret));
	*hint = xasprintf(OAUTH_SECRET_PREFIX "...%s", secret + strlen(secret) - 4);
	return secret;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	int rc = store_oauth_app_insert(c, op->out, op->hash);
	return rc ? rc : audit(c, op->who, "oauth_application.created", op->out);
}

int app_oauth_app_create(struct app *a, const struct actor *who, const struct oauth_app_input *in,
                         struct oauth_app *out, char **secret_out)
{
	memset(out, 0, sizeof(*out));
	*secret_out = NULL;
	unsigned char raw[12];
	char hex[2 * sizeof(raw) + 1], hash[CRYPTO_SHA256_HEX_LEN];
	rand_bytes(raw, sizeof(raw));
	crypto_hex(hex, raw, sizeof(raw));
	id_new(out->id, "app");
	out->client_id = xasprintf(OAUTH_CLIENT_ID_PREFIX "%s", hex);
	out->name = xstrdup("");
	out->redirect_uris = xcalloc(1, sizeof(char *));
	out->post_logout_redirect_uris = xcalloc(1, sizeof(char *));
	apply(out, in);
	out->created_at = out->updated_at = clock_now();
	char *secret = new_secret(hash, &out->secret_hint);
	struct op op = { .who = who, .out = out, .hash = hash };
	int rc = app_write(a, create_tx, &op);
	if (rc) {
		memset(secret, 0, strlen(secret));
		free(secret);
		oauth_app_release(out);
		return rc;
	}
	*secret_out = secret;
	return 0;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	oauth_app_release(op->out);
	int rc = store_oauth_app_get(c, op->id, op->out);
	if (rc)
		return rc;
	apply(op->out, op->in);
	op->out->updated_at = clock_now();
	rc = store_oauth_app_update(c, op->out);
	return rc ? rc : audit(c, op->who, "oauth_application.updated", op->out);
}

int app_oauth_app_update(struct app *a, const struct actor *who, const char *id,
                         const struct oauth_app_input *in, struct oauth_app *out)
{
	struct op op = { .who = who, .id = id, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		oauth_app_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	struct oauth_app app = { 0 };
	int rc = store_oauth_app_get(c, op->id, &app);
	if (!rc)
		rc = audit(c, op->who, "oauth_application.deleted", &app);
	if (!rc)
		rc = store_oauth_app_delete(c, app.id);
	/* sessions it started end; the token checks read the session, so its tokens die too */
	if (!rc) {
		int64_t n = db_exec(c,
		                    "UPDATE sessions SET status = 'revoked', revoked_at = ? "
		                    "WHERE client_id = ? AND status = 'active'",
		                    "it", clock_now(), app.client_id);
		rc = n < 0 ? (int)n : 0;
	}
	oauth_app_release(&app);
	return rc;
}

int app_oauth_app_delete(struct app *a, const struct actor *who, const char *id)
{
	struct op op = { .who = who, .id = id };
	return app_write(a, delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	oauth_app_release(op->out);
	return store_oauth_app_get(c, op->id, op->out);
}

int app_oauth_app_get(struct app *a, const char *id, struct oauth_app *out)
{
	struct op op = { .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	return store_oauth_app_list(c, op->page->starting_after, op->page->limit, op->items,
	                            op->count, op->total);
}

int app_oauth_app_list(struct app *a, const struct page *p, struct oauth_app **items, size_t *count,
                       int64_t *total)
{
	struct op op = { .page = p, .items = items, .count = count, .total = total };
	return app_read(a, list_tx, &op);
}

static int rotate_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	oauth_app_release(op->out);
	int rc = store_oauth_app_get(c, op->id, op->out);
	if (!rc)
		rc = store_oauth_app_set_secret(c, op->out->id, op->hash, op->hint, clock_now());
	if (!rc) {
		free(op->out->secret_hint);
		op->out->secret_hint = xstrdup(op->hint);
		rc = audit(c, op->who, "oauth_application.secret_rotated", op->out);
	}
	return rc;
}

int app_oauth_app_rotate_secret(struct app *a, const struct actor *who, const char *id,
                                struct oauth_app *out, char **secret_out)
{
	char hash[CRYPTO_SHA256_HEX_LEN], *hint = NULL;
	char *secret = new_secret(hash, &hint);
	struct op op = { .who = who, .id = id, .out = out, .hash = hash, .hint = hint };
	memset(out, 0, sizeof(*out));
	*secret_out = NULL;
	int rc = app_write(a, rotate_tx, &op);
	free(hint);
	if (rc) {
		memset(secret, 0, strlen(secret));
		free(secret);
		oauth_app_release(out);
		return rc;
	}
	*secret_out = secret;
	return 0;
}

static int auth_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	free(op->stored_hash);
	op->stored_hash = NULL;
	int rc = store_oauth_app_secret_hash(c, op->id, &op->stored_hash);
	if (!rc) {
		oauth_app_release(op->out);
		rc = store_oauth_app_get(c, op->id, op->out);
	}
	return rc;
}

int app_oauth_app_authenticate(struct app *a, const char *client_id, const char *secret,
                               struct oauth_app *out)
{
	char presented[CRYPTO_SHA256_HEX_LEN];
	memset(out, 0, sizeof(*out));
	crypto_sha256_hex(presented, secret ? secret : "", secret ? strlen(secret) : 0);
	struct op op = { .id = client_id, .out = out };
	int rc = strncmp(client_id, OAUTH_CLIENT_ID_PREFIX, strlen(OAUTH_CLIENT_ID_PREFIX)) == 0
	                 ? app_read(a, auth_tx, &op)
	                 : ERR_NOT_FOUND;
	/* an unknown client costs the same comparison as a known one */
	bool ok = crypto_equal_str(presented, op.stored_hash ? op.stored_hash : "") && rc == 0;
	free(op.stored_hash);
	if (rc && rc != ERR_NOT_FOUND) {
		oauth_app_release(out);
		return rc;
	}
	if (!ok) {
		oauth_app_release(out);
		return error_setc(ERR_UNAUTHENTICATED, "invalid_client",
		                  "client authentication failed");
	}
	return 0;
}
