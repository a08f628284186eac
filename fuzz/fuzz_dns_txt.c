/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dns_txt_parse on arbitrary bytes, as a hostile or broken resolver could
 * send them. Besides memory safety it checks the answer's invariants.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "dns/txt.h"

static void check_answer(const struct dns_txt_answer *a, int rc)
{
	if (rc != 0 && (a->status != DNS_TXT_SERVFAIL || a->nrecords != 0))
		abort(); /* a failed parse leaves an empty answer */
	if (a->nrecords > DNS_TXT_MAX_RECORDS || (a->status != DNS_TXT_FOUND) != (a->nrecords == 0))
		abort();
	for (size_t i = 0; i < a->nrecords; i++) {
		const struct dns_txt_record *r = &a->records[i];
		if (r->len > DNS_TXT_RECORD_MAX_BYTES || r->data[r->len] != '\0')
			abort();
		if (r->truncated && !a->truncated)
			abort();
		/* A whole record without NUL bytes must match itself. */
		if (!r->truncated && strlen(r->data) == r->len && !dns_txt_answer_has(a, r->data))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_txt_answer a;
	int rc = dns_txt_parse(&a, data, size);
	check_answer(&a, rc);
	dns_txt_answer_release(&a);
	return 0;
}
