-- SPDX-License-Identifier: Apache-2.0
-- 0011: the browser an enterprise sign-in is bound to (login CSRF, see
-- routes/sso.c: SHA-256 of the binding cookie set by /sso/start), and indexes for the expiry sweep (app/sweep.c), which deletes expired
-- sign-in state in bounded batches: every table it visits is read by its
-- expiry (or revocation) instant, never scanned whole.

CREATE INDEX saml_requests_expires ON saml_requests (expires_at);
CREATE INDEX oidc_rp_states_expires ON oidc_rp_states (expires_at);
CREATE INDEX oauth_tokens_revoked ON oauth_tokens (revoked_at) WHERE status = 'revoked';

ALTER TABLE auth_requests ADD COLUMN browser_hash TEXT;
