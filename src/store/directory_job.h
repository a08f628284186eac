/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Role re-resolution jobs (leased, so one node works on a job at a time and
 * another takes over after a crash) and the inbound SCIM request log. All
 * functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_DIRECTORY_JOB_H
#define GATEHOUSE_STORE_DIRECTORY_JOB_H

#include "model/directory.h"
#include "store/db.h"

/* A job as the runner sees it. */
struct directory_job_state {
	char id[ID_MAX];
	char connection_id[ID_MAX];
	char cursor[ID_MAX]; /* last directory user processed; "" before the first */
	int64_t done, total;
};

int store_directory_job_insert(struct db_conn *c, const struct directory_job *j);
/* A job of the connection that has not started yet: 1 (its id into id_out), 0, error. */
int store_directory_job_pending(struct db_conn *c, const char *conn_id, char id_out[ID_MAX]);
/*
 * Takes the oldest unfinished job whose lease has run out, leasing it until
 * now + lease_s: 1 (into out), 0 when there is none, or an error.
 */
int store_directory_job_claim(struct db_conn *c, int64_t now, int64_t lease_s,
                              struct directory_job_state *out);
/* Records a batch's progress and extends the lease. */
int store_directory_job_progress(struct db_conn *c, const struct directory_job_state *j,
                                 int64_t now, int64_t locked_until);
/* succeeded or failed (error may be NULL). */
int store_directory_job_finish(struct db_conn *c, const char *id, const char *status,
                               const char *error, int64_t now);
int store_directory_job_get(struct db_conn *c, const char *conn_id, const char *id,
                            struct directory_job *out);
/* Newest first, keyset by id (before: the last id of the previous page). */
int store_directory_job_list(struct db_conn *c, const char *conn_id, const char *before,
                             int64_t limit, struct directory_job **items, size_t *count,
                             int64_t *total);

int store_scim_request_insert(struct db_conn *c, const struct scim_request *r);
/* Newest first, keyset by id (before: the last id of the previous page). */
int store_scim_request_list(struct db_conn *c, const char *conn_id, const char *before,
                            int64_t limit, struct scim_request **items, size_t *count,
                            int64_t *total);
/* Deletes entries older than before; returns how many. */
int64_t store_scim_request_sweep(struct db_conn *c, int64_t before);

#endif
