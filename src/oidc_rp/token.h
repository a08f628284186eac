/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The code exchange at the IdP's token endpoint (OIDC Core 3.1.3.1-3.1.3.4):
 * the form body and client_secret_basic credentials we send, and the bounded
 * parse of what comes back. The HTTP call itself is the caller's.
 *
 * Errors, with the stable code that is also the problem code shown to admins:
 *   ERR_PEER      idp_error: the IdP answered an OAuth error (RFC 6749 5.2),
 *                 with its error and error_description (printable ASCII only,
 *                 truncated); token_request_failed: another non-200 answer;
 *                 token_response_invalid: not one JSON object; missing_id_token
 *   ERR_TOO_LARGE token_response_too_large
 */
#ifndef GATEHOUSE_OIDC_RP_TOKEN_H
#define GATEHOUSE_OIDC_RP_TOKEN_H

#define OIDC_RP_TOKEN_RESPONSE_MAX_BYTES (64 * 1024)

struct oidc_rp_token_response {
	char *id_token; /* the compact JWS, at most JOSE_JWS_MAX_BYTES */
};

/* grant_type=authorization_code&code=&redirect_uri=&code_verifier= (form-encoded). Caller frees. */
char *oidc_rp_token_request_body(const char *code, const char *redirect_uri,
                                 const char *code_verifier);
/* "Basic " + base64(form(client_id) ":" form(secret)) (RFC 6749 2.3.1). Caller wipes and frees. */
char *oidc_rp_client_secret_basic(const char *client_id, const char *client_secret);
/* Parses the token endpoint's answer (status and body). Release on success. */
int oidc_rp_token_response_parse(struct oidc_rp_token_response *out, int status, const char *body,
                                 size_t len);
void oidc_rp_token_response_release(struct oidc_rp_token_response *r);
/*
 * Records an OAuth error the IdP sent (in the callback's query or a token
 * response) as idp_error in the error slot; returns ERR_PEER.
 */
int oidc_rp_idp_error(const char *error, const char *description);

#endif
