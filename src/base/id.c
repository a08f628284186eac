/* SPDX-License-Identifier: Apache-2.0 */
/* Time-ordered random ids (see id.h). */
#include "base/common.h"

#include "base/id.h"

#include "base/clock.h"
#include "base/rand.h"

#include <pthread.h>

static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

/*
 * Monotonic within this process (as ULID's monotonic mode): an id made in the
 * same millisecond as the previous one (or while the clock steps back) takes
 * the previous random part plus one, so ids sort in creation order here.
 */
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static unsigned char last_r[10];

static void next_parts(uint64_t *ms, unsigned char r[10])
{
	pthread_mutex_lock(&last_lock);
	if (*ms <= last_ms) {
		*ms = last_ms;
		memcpy(r, last_r, 10);
		for (int i = 9; i >= 0 && ++r[i] == 0; i--)
			;
	}
	last_ms = *ms;
	memcpy(last_r, r, 10);
	pthread_mutex_unlock(&last_lock);
}

void id_new(char out[ID_MAX], const char *prefix)
{
	uint64_t ms = (uint64_t)clock_now_ms();
	unsigned char r[10];
	rand_bytes(r, sizeof(r));
	next_parts(&ms, r);
	size_t n = strlen(prefix);
	if (n > ID_MAX - 28)
		die("id prefix too long: %s", prefix);
	memcpy(out, prefix, n);
	out[n++] = '_';
	for (int i = 9; i >= 0; i--)
		out[n + (size_t)(9 - i)] = alphabet[(ms >> (5 * i)) & 31];
	n += 10;
	/* 80 random bits → 16 characters of 5 bits. */
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 5; i++)
		hi = hi << 8 | r[i];
	for (int i = 5; i < 10; i++)
		lo = lo << 8 | r[i];
	for (int i = 7; i >= 0; i--)
		out[n++] = alphabet[(hi >> (5 * i)) & 31];
	for (int i = 7; i >= 0; i--)
		out[n++] = alphabet[(lo >> (5 * i)) & 31];
	out[n] = '\0';
}

bool id_is_valid(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n) != 0 || s[n] != '_')
		return false;
	s += n + 1;
	size_t len = strlen(s);
	if (len != 26)
		return false;
	for (; *s; s++)
		if (!strchr(alphabet, *s))
			return false;
	return true;
}
