/* SPDX-License-Identifier: Apache-2.0 */
/* Audit rows and outbox events in the change's transaction (see audit.h). */
#include "base/common.h"

#include "app/audit.h"

#include "base/clock.h"
#include "base/id.h"
#include "store/event.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static uint64_t wake_seq;
static _Thread_local bool wake_wanted;

void app_audit_wake_after_commit(void)
{
	wake_wanted = true;
}

void app_audit_wake_reset(void)
{
	wake_wanted = false;
}

bool app_audit_wake_wanted(void)
{
	return wake_wanted;
}

int app_audit_change(struct db_conn *c, const struct change *ch)
{
	char id[ID_MAX];
	int64_t now = clock_now();
	id_new(id, "aud");
	struct audit_row row = {
		.id = id,
		.actor_type = ch->actor ? ch->actor->type : "system",
		.actor_id = ch->actor ? ch->actor->id : NULL,
		.action = ch->action,
		.target_type = ch->target_type,
		.target_id = ch->target_id,
		.org_id = ch->org_id,
		.data_json = ch->data_json,
		.created_at = now,
	};
	int rc = store_audit_insert(c, &row);
	if (rc || !ch->event_type)
		return rc;
	char evt[ID_MAX];
	int64_t deliveries = 0;
	id_new(evt, "evt");
	rc = store_event_insert(c, evt, ch->event_type, ch->data_json ? ch->data_json : "{}", now,
	                        &deliveries);
	if (rc == 0 && deliveries > 0)
		app_audit_wake_after_commit();
	return rc;
}

void app_audit_notify(void)
{
	pthread_mutex_lock(&wake_lock);
	wake_seq++;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

void app_audit_wait(int timeout_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_lock);
	uint64_t seen = wake_seq;
	while (seen == wake_seq)
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &ts))
			break;
	pthread_mutex_unlock(&wake_lock);
}
