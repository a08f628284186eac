/* SPDX-License-Identifier: Apache-2.0 */
/* Domain verification through a real DNS lookup (see verify.h). */
#include "base/common.h"

#include "dns/verify.h"

#include "base/error.h"
#include "base/log.h"
#include "dns/txt.h"

/*
 * The first values found, quoted, for a mismatch message: at most 60 bytes of
 * each, anything but printable ASCII as '?', so an odd record cannot garble
 * the message (the pages show it as text anyway).
 */
static void seen_values(const struct dns_txt_answer *ans, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ans->nrecords && i < 3 && n + 70 < size; i++) {
		const struct dns_txt_record *r = &ans->records[i];
		n += (size_t)snprintf(out + n, size - n, "%s\"", i ? ", " : "");
		for (size_t k = 0; k < r->len && k < 60; k++)
			out[n++] = r->data[k] >= 0x20 && r->data[k] < 0x7f ? r->data[k] : '?';
		if (r->len > 60)
			n += (size_t)snprintf(out + n, size - n, "...");
		n += (size_t)snprintf(out + n, size - n, "\"");
	}
	if (ans->nrecords > 3 && n + 8 < size)
		snprintf(out + n, size - n, ", ...");
}

/* Turns a DNS answer into the outcome app/ records, in words an IT admin can act on. */
static void judge(struct domain_check *chk, const struct dns_txt_answer *ans,
                  const struct domain *d, char *msg, size_t size)
{
	memset(chk, 0, sizeof(*chk));
	chk->message = msg;
	switch (ans->status) {
	case DNS_TXT_FOUND:
		if (dns_txt_answer_has(ans, d->txt_record_value)) {
			chk->matched = true;
			chk->code = "verified";
			xsnprintf(msg, size, "found the expected TXT record");
			return;
		}
		if (ans->truncated) {
			/* some records did not fit: ours may be among the missing ones */
			chk->temporary = true;
			chk->code = "dns_temporary_failure";
			xsnprintf(
			        msg, size,
			        "the DNS answer for %s was too large to read in full; remove stale TXT records or try again",
			        d->txt_record_name);
			return;
		}
		chk->code = "record_mismatch";
		char seen[200];
		seen_values(ans, seen, sizeof(seen));
		xsnprintf(
		        msg, size,
		        "%zu TXT record(s) at %s, none with the value %s (found: %s); check for typos or extra quotes",
		        ans->nrecords, d->txt_record_name, d->txt_record_value, seen);
		return;
	case DNS_TXT_NODATA:
		chk->code = "record_not_found";
		xsnprintf(
		        msg, size,
		        "%s exists but has no TXT record; add the record and try again (DNS changes can take a few minutes)",
		        d->txt_record_name);
		return;
	case DNS_TXT_NXDOMAIN:
		chk->code = "record_not_found";
		xsnprintf(msg, size,
		          "no DNS record named %s (NXDOMAIN); add the TXT record and try again",
		          d->txt_record_name);
		return;
	default:
		chk->temporary = true;
		chk->code = "dns_temporary_failure";
		xsnprintf(
		        msg, size,
		        "the DNS server could not answer for %s (SERVFAIL or timeout); nothing changed, try again shortly",
		        d->txt_record_name);
		return;
	}
}

int dns_verify_domain(struct app *a, const struct actor *who, const char *org, const char *id,
                      struct domain *out)
{
	struct domain d;
	int rc = app_domain_get(a, org, id, &d);
	if (rc)
		return rc;
	const char *resolver =
	        a->cfg->dns_resolver && *a->cfg->dns_resolver ? a->cfg->dns_resolver : NULL;
	struct dns_txt_answer ans;
	memset(&ans, 0, sizeof(ans));
	rc = dns_txt_lookup(&ans, d.txt_record_name, resolver, DNS_VERIFY_TIMEOUT_MS);
	if (rc && rc != ERR_UNAVAILABLE && rc != ERR_PEER) {
		dns_txt_answer_release(&ans);
		domain_release(&d);
		return rc;
	}
	if (rc)
		ans.status = DNS_TXT_SERVFAIL;
	char msg[512];
	struct domain_check chk;
	judge(&chk, &ans, &d, msg, sizeof(msg));
	log_info("domain check", "domain=%s status=%s outcome=%s", d.name,
	         dns_txt_status_name(ans.status), chk.code);
	rc = app_domain_record_check(a, who, org, d.id, &chk, out);
	dns_txt_answer_release(&ans);
	domain_release(&d);
	return rc;
}
