/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Role resolution for Directory Sync (PRODUCT.md "Group and role mapping"):
 * a provisioned member's role is the mapped role of the best-ranked group
 * they belong to (role_source mapping), else the organization's default role
 * (role_source default). A role set by hand (role_source manual) is left
 * alone unless a mapping now applies. Each change is an
 * organization_membership.updated event.
 *
 * Re-resolution runs when membership changes, a group is deleted, the
 * mappings change or a mapped role is deleted: in the request for up to
 * APP_DIRECTORY_INLINE_MAX members, else as a job (directory_jobs rows)
 * that a background thread works through in batches, with its progress
 * visible through the API. Jobs are leased, so any node may run them and a
 * crashed node's job is resumed from its last batch.
 */
#ifndef GATEHOUSE_APP_DIRECTORY_ROLE_H
#define GATEHOUSE_APP_DIRECTORY_ROLE_H

#include "app/directory.h"

#define APP_DIRECTORY_JOB_BATCH   200
#define APP_DIRECTORY_JOB_LEASE_S 60

/* Re-resolves one member (a SCIM id); *changed says whether the role moved. */
int app_directory_resolve_member_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                    const char *member_id, bool *changed);
/* These members now, or (more than the inline maximum) a job into fx->job_id. */
int app_directory_resolve_members_tx(struct db_conn *c, const struct actor *who,
                                     const char *conn_id, char (*ids)[ID_MAX], size_t n,
                                     const char *reason, struct scim_effects *fx);
/* Every member of the directory (job_id_out "" when done inline). */
int app_directory_resolve_all_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                 const char *reason, char job_id_out[ID_MAX]);
/* Queues a job for the connection (an unstarted one is reused). */
int app_directory_enqueue_tx(struct db_conn *c, const char *conn_id, const char *reason,
                             char job_id_out[ID_MAX]);

/* Directory Sync turned off: mapped roles of its members become manual (editable). */
int app_directory_unmap_roles_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                 const char *org_id);
/*
 * A role is going away (app/role.c): its mappings are dropped and the
 * members of each affected directory re-resolved (inline or by job).
 */
int app_directory_role_deleted_tx(struct db_conn *c, const struct actor *who, const char *role);

/* One batch of the oldest runnable job: 1 when work was done, 0 when idle, or an error. */
int app_directory_jobs_run_once(struct app *a);
/* Runs jobs until none is runnable (tests, the CLI). */
int app_directory_jobs_drain(struct app *a);

/* The background runner; wake() after committing a new job. */
void app_directory_role_worker_start(struct app *a);
void app_directory_role_worker_stop(void);
void app_directory_role_wake(void);

#endif
