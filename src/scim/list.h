/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Query parameters of SCIM list requests (RFC 7644 §3.4.2): the filter,
 * pagination by startIndex/count (§3.4.2.4), and the ListResponse message
 * with integer totalResults, itemsPerPage and startIndex.
 */
#ifndef GATEHOUSE_SCIM_LIST_H
#define GATEHOUSE_SCIM_LIST_H

#include "scim/filter.h"

#include <jansson.h>

#define SCIM_DEFAULT_COUNT 100

struct scim_list_query {
	struct scim_filter *filter;             /* owned; NULL: all */
	int64_t start_index;                    /* 1-based */
	int64_t count;                          /* 0..SCIM_MAX_RESULTS */
	char *attributes, *excluded_attributes; /* owned; NULL when not given */
};

/*
 * Reads the parameters (each may be NULL). RFC 7644 §3.4.2.4: startIndex
 * below 1 is 1, a negative count is 0, a count over the maximum is the
 * maximum. invalidValue for numbers that do not parse, invalidFilter for a
 * bad filter. Caller releases q.
 */
int scim_list_query_parse(struct scim_list_query *q, const char *filter, const char *start_index,
                          const char *count, const char *attributes, const char *excluded);
void scim_list_query_release(struct scim_list_query *q);

/* A ListResponse (steals resources). */
json_t *scim_list_response(json_t *resources, int64_t total, int64_t start_index);

#endif
