/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IdP metadata import on arbitrary bytes, as an administrator could paste them or a
 * metadata URL could serve them. Invariants: success yields an entity ID, an http(s)
 * SSO URL and 1..5 distinct certificates with fingerprints; failure leaves the
 * result empty and a stable code from the documented list in the error slot.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "saml/idp_metadata.h"
#include "saml/saml.h"

static const char *const known_codes[] = {
	"too_large",
	"invalid_metadata",
	"dtd_forbidden",
	"no_idp",
	"multiple_idps",
	"no_entity_id",
	"no_sso_url",
	"invalid_sso_url",
	"no_signing_certificate",
	"too_many_certificates",
	"invalid_certificate",
	"unsupported_certificate_key",
	"weak_certificate_key",
};

static bool is_known(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_codes); i++)
		if (strcmp(code, known_codes[i]) == 0)
			return true;
	return false;
}

static void check_ok(const struct saml_idp *idp)
{
	if (!idp->entity_id || !*idp->entity_id || !idp->sso_url ||
	    (strncmp(idp->sso_url, "https://", 8) != 0 && strncmp(idp->sso_url, "http://", 7) != 0))
		abort();
	if (idp->ncerts < 1 || idp->ncerts > SAML_IDP_MAX_CERTS)
		abort();
	for (size_t i = 0; i < idp->ncerts; i++) {
		if (!idp->certs[i].pem || strlen(idp->certs[i].sha256) != 95)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(idp->certs[i].sha256, idp->certs[j].sha256) == 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saml_idp idp;
	static bool ready;
	if (!ready) {
		if (saml_global_init() != 0)
			abort();
		ready = true;
	}
	error_clear();
	int rc = saml_idp_metadata_parse(&idp, (const char *)data, size);
	if (rc == 0)
		check_ok(&idp);
	else if (idp.entity_id || idp.ncerts || !is_known(error_get()->stable))
		abort();
	saml_idp_metadata_release(&idp);
	return 0;
}
