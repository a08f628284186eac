/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expiry sweep: a background thread that deletes dead sign-in state —
 * expired authorization requests, codes (an hour after expiry), access and
 * refresh tokens past expiry or revoked, SAML AuthnRequest IDs, OIDC states
 * and replay-cache entries — in bounded batches (APP_SWEEP_BATCH rows of each
 * kind per transaction, at most APP_SWEEP_MAX_BATCHES per round), once at
 * start and then every interval. Every node may run it: the deletes are
 * idempotent and serialised across nodes by one advisory key (PostgreSQL),
 * so two nodes never fight over the same rows. Nothing here is on a request
 * path, and no check depends on it: every read of this state already refuses
 * an expired row; the sweep only keeps the tables small.
 */
#ifndef GATEHOUSE_APP_SWEEP_H
#define GATEHOUSE_APP_SWEEP_H

#include "app/app.h"

#define APP_SWEEP_BATCH       500
#define APP_SWEEP_MAX_BATCHES 200
#define APP_SWEEP_CODE_KEEP_S 3600 /* a used code replayed within this still revokes its grant */

/*
 * One round at instant now: batches until nothing expired is left or
 * APP_SWEEP_MAX_BATCHES ran. *removed_out: rows deleted. ERR_* of the store
 * (the rows of the batches before it stay deleted).
 */
int app_sweep_once(struct app *a, int64_t now, int64_t *removed_out);
/* Starts the thread (interval_s 0: no sweep on this node); stop joins it. */
void app_sweep_start(struct app *a, int64_t interval_s);
void app_sweep_stop(void);

#endif
