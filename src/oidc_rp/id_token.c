/* SPDX-License-Identifier: Apache-2.0 */
/* ID token rules and validation (see id_token.h). */
#include "base/common.h"

#include "oidc_rp/id_token.h"

#include "base/error.h"
#include "oidc_rp/discovery.h"

#include <jansson.h>
#include <strings.h>

#define NAME_MAX_LEN 1024

static int problem(const char *code, const char *detail)
{
	return error_setc(ERR_INVALID, code, "%s", detail);
}

static bool stable_is(const char *code)
{
	return !strcmp(error_get()->stable, code);
}

/* The header's algorithm must be one the IdP advertises (and one we verify). */
static int check_header(const struct jose_jws_header *h, unsigned algs)
{
	unsigned flag = h->alg == JOSE_ALG_ES256 ? OIDC_RP_ALG_ES256 : OIDC_RP_ALG_RS256;
	if (!algs)
		algs = OIDC_RP_ALG_ES256 | OIDC_RP_ALG_RS256;
	if (!(algs & flag))
		return error_setc(
		        ERR_INVALID, "alg_not_allowed",
		        "the ID token is signed with %s, which the IdP's discovery document "
		        "does not list in id_token_signing_alg_values_supported",
		        h->alg_name);
	return 0;
}

static int header_problem(const struct jose_jws_header *h)
{
	if (stable_is("jws_alg_not_allowed"))
		return error_setc(
		        ERR_INVALID, "alg_not_allowed",
		        "the ID token is signed with \"%.15s\"; gatehouse accepts only RS256 "
		        "and ES256 signatures made with the IdP's published keys",
		        h->alg_name);
	return problem("malformed_token", "the ID token is not a well-formed signed JWT");
}

static int verify_problem(const struct jose_jws_header *h, const struct jose_jwks *keys)
{
	if (stable_is("jws_unknown_kid") && h->kid[0])
		return error_setc(
		        ERR_INVALID, "unknown_key",
		        "the ID token is signed with the key \"%.128s\", which is not among "
		        "the %zu keys the IdP publishes at its jwks_uri",
		        h->kid, jose_jwks_count(keys));
	if (stable_is("jws_unknown_kid"))
		return problem("unknown_key",
		               "the ID token names no key (kid) and the IdP publishes "
		               "several keys");
	if (stable_is("jws_alg_mismatch"))
		return error_setc(
		        ERR_INVALID, "alg_not_allowed",
		        "the ID token says %s, but the IdP's key \"%.128s\" is for another "
		        "algorithm",
		        h->alg_name, h->kid);
	if (stable_is("jws_bad_signature"))
		return problem("bad_signature",
		               "the ID token's signature does not verify with the "
		               "IdP's key: it was altered or signed by someone else");
	return problem("malformed_token", "the ID token is not a well-formed signed JWT");
}

int oidc_rp_check_signature(struct jose_claims *out, const char *token, size_t len,
                            const struct jose_jwks *keys, unsigned algs)
{
	struct jose_jws_header h;
	char *payload = NULL;
	size_t plen = 0;
	memset(out, 0, sizeof(*out));
	if (jose_jws_header_parse(&h, token, len))
		return header_problem(&h);
	int rc = check_header(&h, algs);
	if (rc)
		return rc;
	if (jose_jws_verify(&payload, &plen, NULL, token, len, keys))
		return verify_problem(&h, keys);
	rc = jose_claims_parse(out, payload, plen);
	free(payload);
	if (rc)
		return problem("malformed_token",
		               "the ID token's claims are not one JSON object without duplicate "
		               "members, or a registered claim has the wrong type");
	return 0;
}

/* OIDC Core 3.1.3.7 step 2. */
int oidc_rp_check_issuer(const struct jose_claims *c, const char *issuer)
{
	if (jose_jwt_check_iss(c, issuer))
		return error_setc(
		        ERR_INVALID, "wrong_issuer",
		        "the ID token was issued by \"%.200s\", but this connection expects "
		        "\"%.200s\"",
		        c->iss ? c->iss : "(no iss claim)", issuer);
	return 0;
}

/* Steps 3-5. */
int oidc_rp_check_audience(const struct jose_claims *c, const char *client_id)
{
	if (!jose_jwt_check_aud(c, client_id))
		return 0;
	if (stable_is("jwt_azp_mismatch"))
		return error_setc(ERR_INVALID, "azp_mismatch",
		                  "the ID token is for several audiences and its authorized party "
		                  "(azp) is \"%.200s\", not this connection's client ID \"%.200s\"",
		                  c->azp ? c->azp : "(none)", client_id);
	return error_setc(ERR_INVALID, "wrong_audience",
	                  "the ID token is for the audience \"%.200s\"%s, not this connection's "
	                  "client ID \"%.200s\"",
	                  c->naud ? c->aud[0] : "(no aud claim)",
	                  c->naud > 1 ? " (and others)" : "", client_id);
}

/* Steps 9-10, with nbf (RFC 7519 4.1.5); offsets in seconds for clock-skew diagnosis. */
int oidc_rp_check_time(const struct jose_claims *c, int64_t now, int64_t skew_s)
{
	if (!jose_jwt_check_time(c, now, skew_s, 0))
		return 0;
	if (stable_is("jwt_expired"))
		return error_setc(
		        ERR_INVALID, "expired",
		        "the ID token expired %lld s ago (gatehouse allows %lld s of clock "
		        "skew); if it was just issued, the IdP's clock or gatehouse's is wrong",
		        (long long)(now - c->exp), (long long)skew_s);
	if (stable_is("jwt_issued_in_future"))
		return error_setc(
		        ERR_INVALID, "issued_in_future",
		        "the ID token was issued %lld s in the future (gatehouse allows %lld "
		        "s of clock skew): the IdP's clock or gatehouse's is wrong",
		        (long long)(c->iat - now), (long long)skew_s);
	if (stable_is("jwt_not_yet_valid"))
		return error_setc(
		        ERR_INVALID, "not_yet_valid",
		        "the ID token becomes valid only in %lld s (nbf; gatehouse allows "
		        "%lld s of clock skew)",
		        (long long)(c->nbf - now), (long long)skew_s);
	return problem("malformed_token", "the ID token has no exp or no iat claim");
}

/* Step 11. */
int oidc_rp_check_nonce(const struct jose_claims *c, const char *nonce)
{
	if (!c->nonce)
		return problem("nonce_mismatch", "the ID token carries no nonce, but this sign-in "
		                                 "sent one");
	if (jose_jwt_check_nonce(c, nonce))
		return problem("nonce_mismatch",
		               "the ID token's nonce is not the one this sign-in "
		               "sent (a token from another sign-in, or a replay)");
	return 0;
}

int oidc_rp_check_email(const struct oidc_rp_identity *id)
{
	const char *at = id->email ? strchr(id->email, '@') : NULL;
	if (!id->email || !*id->email)
		return problem(
		        "missing_email",
		        "the ID token has no email claim: request the email scope and let the "
		        "IdP release the user's email address");
	if (!at || at == id->email || !at[1] || strchr(at + 1, '@') ||
	    strlen(id->email) > OIDC_RP_EMAIL_MAX)
		return error_setc(ERR_INVALID, "missing_email",
		                  "the ID token's email claim \"%.100s\" is not an email address",
		                  id->email);
	return 0;
}

int oidc_rp_check_email_verified(const struct oidc_rp_identity *id, bool required)
{
	if (!required || id->email_verified)
		return 0;
	return error_setc(ERR_INVALID, "email_not_verified",
	                  "the IdP does not say that %.200s is verified (email_verified is not "
	                  "true); verify the address at the IdP, or turn off "
	                  "oidc.require_email_verified for this connection",
	                  id->email ? id->email : "the email address");
}

int oidc_rp_check_google_hd(const struct oidc_rp_identity *id, const char *domain)
{
	if (!id->hd)
		return error_setc(
		        ERR_INVALID, "wrong_tenant",
		        "the Google account is not a Google Workspace account of %.200s (the "
		        "ID token has no hd claim)",
		        domain);
	if (strcasecmp(id->hd, domain) != 0)
		return error_setc(
		        ERR_INVALID, "wrong_tenant",
		        "the Google account belongs to the Workspace domain %.200s, not to "
		        "%.200s",
		        id->hd, domain);
	return 0;
}

int oidc_rp_check_microsoft_tid(const struct oidc_rp_identity *id, const char *tenant_id)
{
	if (!id->tid || strcasecmp(id->tid, tenant_id) != 0)
		return error_setc(
		        ERR_INVALID, "wrong_tenant",
		        "the Microsoft account belongs to the tenant %.100s, not to %.100s",
		        id->tid ? id->tid : "(no tid claim)", tenant_id);
	return 0;
}

void oidc_rp_identity_release(struct oidc_rp_identity *id)
{
	free(id->sub);
	free(id->email);
	free(id->given_name);
	free(id->family_name);
	free(id->hd);
	free(id->tid);
	free(id->attributes_json);
	memset(id, 0, sizeof(*id));
}

static char *string_claim(const json_t *j, const char *name)
{
	const json_t *v = json_object_get(j, name);
	if (!json_is_string(v) || json_string_length(v) > NAME_MAX_LEN ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return xstrdup(json_string_value(v));
}

static bool is_true(const json_t *v)
{
	return json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

/* Every claim as an array of values, the shape custom attributes read (oidc_claim). */
static char *attributes_of(const json_t *claims)
{
	json_t *out = json_object();
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)claims, name, v)
	{
		json_t *values = json_is_array(v) ? json_copy(v) : json_pack("[O]", v);
		json_object_set_new(out, name, values);
	}
	char *text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (!text)
		die("cannot serialise ID token claims");
	return text;
}

int oidc_rp_identity_parse(struct oidc_rp_identity *out, const char *claims_json, size_t len)
{
	memset(out, 0, sizeof(*out));
	json_t *j = json_loadb(claims_json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return problem("malformed_token",
		               "the ID token's claims are not one JSON object without duplicate "
		               "members");
	}
	out->sub = string_claim(j, "sub");
	out->email = string_claim(j, "email");
	out->given_name = string_claim(j, "given_name");
	out->family_name = string_claim(j, "family_name");
	out->hd = string_claim(j, "hd");
	out->tid = string_claim(j, "tid");
	/*
	 * Some IdPs (AWS Cognito, older Entra ID) send the boolean as a string.
	 * Microsoft Entra ID sends no email_verified; its optional claim xms_edov
	 * ("email domain owner verified") says the same.
	 */
	out->email_verified = is_true(json_object_get(j, "email_verified")) ||
	                      is_true(json_object_get(j, "xms_edov"));
	out->attributes_json = attributes_of(j);
	json_decref(j);
	return 0;
}

static void check_claims(struct oidc_rp_problems *p, const struct jose_claims *c,
                         const struct oidc_rp_identity *id, const struct oidc_rp_expect *e)
{
	oidc_rp_problems_take(p, oidc_rp_check_issuer(c, e->issuer), "wrong_issuer");
	oidc_rp_problems_take(p, oidc_rp_check_audience(c, e->client_id), "wrong_audience");
	oidc_rp_problems_take(p, oidc_rp_check_time(c, e->now, e->skew_s), "expired");
	oidc_rp_problems_take(p, oidc_rp_check_nonce(c, e->nonce), "nonce_mismatch");
	if (!c->sub || !*c->sub)
		oidc_rp_problems_add(p, "malformed_token", "the ID token has no sub claim");
	oidc_rp_problems_take(p, oidc_rp_check_email(id), "missing_email");
	oidc_rp_problems_take(p, oidc_rp_check_email_verified(id, e->require_email_verified),
	                      "email_not_verified");
	if (e->tenant_rule == OIDC_RP_TENANT_GOOGLE_HD)
		oidc_rp_problems_take(p, oidc_rp_check_google_hd(id, e->tenant), "wrong_tenant");
	if (e->tenant_rule == OIDC_RP_TENANT_MICROSOFT_TID)
		oidc_rp_problems_take(p, oidc_rp_check_microsoft_tid(id, e->tenant),
		                      "wrong_tenant");
}

int oidc_rp_id_token_validate(struct oidc_rp_identity *out, struct oidc_rp_problems *problems,
                              const char *token, size_t len, const struct jose_jwks *keys,
                              const struct oidc_rp_expect *e)
{
	struct jose_claims c;
	memset(out, 0, sizeof(*out));
	size_t before = problems->n;
	int rc = oidc_rp_check_signature(&c, token, len, keys, e->algs);
	if (rc == 0)
		rc = oidc_rp_identity_parse(out, c.json, strlen(c.json));
	if (rc) {
		jose_claims_release(&c);
		return oidc_rp_problems_take(problems, rc, "malformed_token");
	}
	check_claims(problems, &c, out, e);
	jose_claims_release(&c);
	if (problems->n == before)
		return 0;
	const struct oidc_rp_problem *first = &problems->items[before];
	return error_setc(ERR_INVALID, first->code, "%s", first->message);
}
