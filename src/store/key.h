/* SPDX-License-Identifier: Apache-2.0 */
/* The secret keys table: only SHA-256 hashes of keys are stored. */
#ifndef GATEHOUSE_STORE_KEY_H
#define GATEHOUSE_STORE_KEY_H

#include "base/id.h"
#include "store/db.h"

struct api_key {
	char id[ID_MAX];
	char *name;
	char *key_hint; /* "sk_live_…abcd" */
	int64_t created_at, last_used_at, revoked_at;
};

void api_key_release(struct api_key *k);
int store_key_insert(struct db_conn *c, const struct api_key *k, const char *key_hash);
/* The active key with this hash; ERR_NOT_FOUND otherwise. */
int store_key_find_active(struct db_conn *c, const char *key_hash, char id_out[ID_MAX]);
int store_key_touch(struct db_conn *c, const char *id, int64_t now);
/* ERR_NOT_FOUND when there is no such active key. */
int store_key_revoke(struct db_conn *c, const char *id, int64_t now);
int store_key_list(struct db_conn *c, struct api_key **items, size_t *count);
int64_t store_key_count_active(struct db_conn *c);

#endif
