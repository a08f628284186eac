#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes docs/openapi.json: the served route tables (read from src/routes/*.c)
described with the schemas below. Run after adding a route:
    /usr/bin/python3 tools/gen-openapi.py > docs/openapi.json
The unit test routes.openapi_lists_exactly_the_served_routes fails until you do."""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROW = re.compile(r'\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*(\w+),\s*(AUTH_\w+)', re.S)

TS = {"type": "string", "format": "date-time"}
TSN = {"type": ["string", "null"], "format": "date-time"}
META = {"type": "object", "additionalProperties": True}
STR = {"type": "string"}
STRN = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props, required=(), extra=False):
    o = {"type": "object", "properties": props, "additionalProperties": extra}
    if required:
        o["required"] = list(required)
    return o


SCHEMAS = {
    "Problem": obj({"type": STR, "title": STR, "status": INT, "detail": STR,
                    "code": {"type": "string", "description": "stable snake_case error code"},
                    "errors": {"type": "array", "items": obj({"field": STR, "code": STR})}},
                   ["type", "title", "status", "code"]),
    "Deleted": obj({"object": STR, "id": STR, "deleted": BOOL}),
    "Organization": obj({"object": STR, "id": STR, "name": STR, "slug": STR, "default_role": STR,
                         "self_serve_sso": BOOL, "max_memberships": {"type": ["integer", "null"]},
                         "members_count": INT, "public_metadata": META, "private_metadata": META,
                         "created_at": TS, "updated_at": TS}),
    "OrganizationInput": obj({"name": {"type": "string", "maxLength": 256},
                              "slug": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$"},
                              "default_role": STR, "self_serve_sso": BOOL,
                              "max_memberships": {"type": ["integer", "null"], "minimum": 1},
                              "public_metadata": META, "private_metadata": META}),
    "Domain": obj({"object": STR, "id": STR, "organization_id": STR, "name": STR,
                   "verification": obj({"status": {"enum": ["unverified", "verified", "failed"]},
                                        "txt_record_name": STR, "txt_record_value": STR,
                                        "last_checked_at": TSN, "verified_at": TSN,
                                        "failure": {"oneOf": [{"type": "null"}, obj({"code": STR, "message": STR})]}}),
                   "enrollment_mode": {"enum": ["manual_invitation", "automatic_invitation", "automatic_suggestion"]},
                   "sso_enforced": BOOL, "created_at": TS, "updated_at": TS}),
    "DomainInput": obj({"name": STR, "enrollment_mode": STR, "sso_enforced": BOOL}),
    "WebhookEndpoint": obj({"object": STR, "id": STR, "url": STR, "description": STR,
                            "events": {"type": "array", "items": STR}, "enabled": BOOL,
                            "secret": {"type": "string", "description": "whsec_...; only in the create response"},
                            "created_at": TS, "updated_at": TS}),
    "WebhookEndpointInput": obj({"url": STR, "description": STR, "events": {"type": "array", "items": STR},
                                 "enabled": BOOL}),
    "WebhookDelivery": obj({"object": STR, "id": STR, "event_id": STR, "event_type": STR, "endpoint_id": STR,
                            "status": {"enum": ["pending", "succeeded", "failed"]}, "attempts_count": INT,
                            "last_status_code": {"type": ["integer", "null"]}, "last_error": STRN,
                            "next_attempt_at": TSN, "created_at": TS, "updated_at": TS,
                            "attempts": {"type": "array", "items": obj({"id": STR, "attempted_at": TS,
                                                                         "status_code": {"type": ["integer", "null"]},
                                                                         "duration_ms": INT, "error": STRN})}}),
    "Session": obj({"object": STR, "id": STR, "user_id": STR, "organization_id": STRN, "client_id": STRN,
                    "status": {"enum": ["active", "revoked", "expired"]}, "created_at": TS,
                    "last_active_at": TS, "expire_at": TS, "revoked_at": TSN}),
    "AuditEvent": obj({"object": STR, "id": STR, "actor": obj({"type": STR, "id": STRN}), "action": STR,
                       "target": obj({"type": STR, "id": STRN}), "organization_id": STRN, "data": META,
                       "created_at": TS}),
    "EnterpriseConnection": obj({"object": STR, "id": STR, "organization_id": STR, "name": STR,
                                 "protocol": {"enum": ["saml", "oidc", "easie"]},
                                 "provider": {"enum": ["okta", "google_workspace", "microsoft_entra_id", "custom_saml", "custom_oidc"]},
                                 "status": {"enum": ["draft", "tested", "active", "inactive"]},
                                 "domains": {"type": "array", "items": STR}, "default_role": STRN,
                                 "allow_idp_initiated": BOOL,
                                 "saml": obj({"idp_metadata_url": STRN, "has_idp_metadata_xml": BOOL, "idp_entity_id": STRN,
                                              "idp_sso_url": STRN, "idp_certificates": {"type": "array", "items": STR},
                                              "sp_entity_id": STR, "acs_url": STR, "sp_metadata_url": STR,
                                              "sign_authn_requests": BOOL, "want_encrypted_assertions": BOOL,
                                              "allow_sha1": BOOL, "require_signed_response": BOOL}),
                                 "oidc": obj({"issuer": STRN, "client_id": STRN, "has_client_secret": BOOL, "scopes": STRN,
                                              "authorization_endpoint": STRN, "token_endpoint": STRN, "jwks_uri": STRN,
                                              "userinfo_endpoint": STRN, "require_email_verified": BOOL, "redirect_uri": STR}),
                                 "warnings": {"type": "array", "description": "SAML create/update/refresh_metadata only, when the IdP metadata or certificates need attention (certificate_expired, certificate_expiring)",
                                              "items": obj({"code": STR, "message": STR})},
                                 "easie_tenant": STRN, "tested_at": TSN, "activated_at": TSN,
                                 "created_at": TS, "updated_at": TS}),
    "EnterpriseConnectionInput": obj({"organization_id": STR, "name": STR, "protocol": STR, "provider": STR,
                                      "domains": {"type": "array", "items": STR}, "default_role": STRN,
                                      "allow_idp_initiated": BOOL, "easie_tenant": STR,
                                      "saml": obj({"idp_metadata_url": STR, "idp_metadata_xml": STR, "idp_entity_id": STR,
                                                   "idp_sso_url": STR, "idp_certificates": {"type": "array", "maxItems": 5, "items": STR},
                                                   "sign_authn_requests": BOOL, "want_encrypted_assertions": BOOL,
                                                   "allow_sha1": BOOL, "require_signed_response": BOOL}),
                                      "oidc": obj({"issuer": STR, "client_id": STR,
                                                   "client_secret": {"type": "string", "writeOnly": True},
                                                   "scopes": STR, "authorization_endpoint": STR, "token_endpoint": STR,
                                                   "jwks_uri": STR, "userinfo_endpoint": STR, "require_email_verified": BOOL})}),
    "CustomAttribute": obj({"object": STR, "id": STR, "connection_id": STR, "key": STR, "saml_attribute": STRN,
                            "oidc_claim": STRN, "scim_attribute": STRN, "multi_valued": BOOL,
                            "created_at": TS, "updated_at": TS}),
    "CustomAttributeInput": obj({"key": STR, "saml_attribute": STRN, "oidc_claim": STRN, "scim_attribute": STRN,
                                 "multi_valued": BOOL}),
    "SsoLookup": obj({"object": STR, "email": STR, "domain": STR, "connection_id": STRN, "organization_id": STRN,
                      "sso_enforced": BOOL}),
    "SignInFailure": obj({"object": STR, "id": STR, "connection_id": STRN, "organization_id": STRN, "code": STR,
                          "detail": STR, "request_id": STRN, "created_at": TS}),
    "TestSignIn": obj({"object": STR, "id": STR, "connection_id": STR,
                       "url": {"type": "string", "description": "open in a browser to run the test against the IdP"},
                       "status": {"enum": ["pending", "passed", "failed", "expired"]},
                       "name_id": STRN, "email": STRN,
                       "attributes": {"type": "object", "additionalProperties": {"type": "array"},
                                      "description": "what the IdP sent: attribute or claim name → values"},
                       "problems": {"type": "array", "items": obj({"code": STR, "message": STR})},
                       "created_at": TS, "completed_at": TSN, "expires_at": TS}),
    "User": obj({"object": STR, "id": STR}, extra=True),
    "UserInput": obj({"email_addresses": {"type": "array", "items": STR}, "primary_email": STR,
                      "first_name": STRN, "last_name": STRN, "username": STRN, "external_id": STRN,
                      "public_metadata": META, "private_metadata": META,
                      "status": {"enum": ["active", "deactivated"]}}, extra=True),
    "Membership": obj({"object": STR, "id": STR, "organization_id": STR, "user_id": STR, "role": STR,
                       "role_source": {"enum": ["manual", "default", "mapping"]}}, extra=True),
    "MembershipInput": obj({"user_id": STR, "role": STR}),
    "Role": obj({"object": STR, "id": STR, "key": STR, "name": STR, "description": STR,
                 "permissions": {"type": "array", "items": STR}, "builtin": BOOL}, extra=True),
    "RoleInput": obj({"key": STR, "name": STR, "description": STR, "permissions": {"type": "array", "items": STR}}),
    "Permission": obj({"key": STR, "name": STR, "description": STR}, extra=True),
    "DirectorySync": obj({"object": STR, "connection_id": STR, "organization_id": STR, "enabled": BOOL,
                          "scim_base_url": STR, "token_hint": STRN, "token_created_at": TSN,
                          "previous_token_expires_at": TSN, "users_count": INT, "groups_count": INT,
                          "bearer_token": {"type": "string", "description": "scim_...; only in the enable and rotate_token responses"},
                          "enabled_at": TSN, "disabled_at": TSN, "created_at": TS, "updated_at": TS}),
    "DirectoryUser": obj({"object": STR, "id": STR, "scim_id": STR, "connection_id": STR, "user_id": STR,
                          "user_name": STR, "external_id": STRN, "primary_email": STRN,
                          "status": {"enum": ["active", "deactivated"]}, "last_synced_at": TS,
                          "created_at": TS, "updated_at": TS}),
    "DirectoryGroup": obj({"object": STR, "id": STR, "connection_id": STR, "organization_id": STRN,
                           "display_name": STR, "external_id": STRN, "member_count": INT,
                           "created_at": TS, "updated_at": TS}),
    "RoleMappings": obj({"object": STR, "connection_id": STR,
                         "data": {"type": "array", "items": obj({"rank": INT, "group_id": STR, "group_display_name": STRN, "role": STR})},
                         "job_id": {"type": ["string", "null"], "description": "PUT only: the re-resolution job, when members are re-resolved in the background"}}),
    "RoleMappingsInput": obj({"data": {"type": "array", "maxItems": 100, "items": obj({"group_id": STR, "role": STR}, ["group_id", "role"])}}),
    "DirectoryJob": obj({"object": STR, "id": STR, "connection_id": STR, "kind": STR, "reason": STR,
                         "status": {"enum": ["pending", "running", "succeeded", "failed"]}, "total": INT, "done": INT,
                         "error": STRN, "created_at": TS, "updated_at": TS, "finished_at": TSN}),
    "ScimRequest": obj({"object": STR, "id": STR, "connection_id": STR, "method": STR, "path": STR, "status": INT,
                        "scim_type": STRN, "detail": STRN, "changes": STRN,
                        "request_body": {"type": ["string", "null"], "description": "the JSON body with password values redacted, at most 4 KiB"},
                        "duration_us": INT, "created_at": TS}),
    "ScimError": obj({"schemas": {"type": "array", "items": STR}, "status": {"type": "string", "description": "the HTTP status as a string (RFC 7644 §3.12)"},
                      "scimType": STR, "detail": STR}, ["schemas", "status"]),
    "ScimResource": obj({"schemas": {"type": "array", "items": STR}, "id": STR,
                         "meta": obj({"resourceType": STR, "created": TS, "lastModified": TS, "location": STR, "version": STR})}, extra=True),
    "ScimListResponse": obj({"schemas": {"type": "array", "items": STR}, "totalResults": INT, "itemsPerPage": INT,
                             "startIndex": INT, "Resources": {"type": "array", "items": {"$ref": "#/components/schemas/ScimResource"}}}),
    "ScimPatchOp": obj({"schemas": {"type": "array", "items": STR},
                        "Operations": {"type": "array", "items": obj({"op": STR, "path": STR, "value": {}}, extra=True)}}),
    "OAuthApplication": obj({"object": STR, "id": STR, "name": STR, "client_id": STR,
                             "client_secret": {"type": "string", "description": "gh_secret_...; only in the create and rotate_secret responses"},
                             "client_secret_hint": STR,
                             "redirect_uris": {"type": "array", "items": STR},
                             "post_logout_redirect_uris": {"type": "array", "items": STR},
                             "created_at": TS, "updated_at": TS}),
    "OAuthApplicationInput": obj({"name": STR,
                                  "redirect_uris": {"type": "array", "items": STR, "maxItems": 20,
                                                    "description": "exact match; https, or http to localhost/127.0.0.1/[::1]; no fragment, no wildcard"},
                                  "post_logout_redirect_uris": {"type": "array", "items": STR, "maxItems": 20}}),
    "PortalOrganization": obj({"object": STR, "id": STR, "name": STR, "slug": STRN,
                               "domains_count": INT, "verified_domains_count": INT, "connections_count": INT,
                               "connection_id": STRN, "steps": META}),
    "PortalDomainInput": obj({"name": STR}, ["name"]),
    "PortalConnectionInput": obj({"name": STR, "protocol": {"enum": ["saml", "oidc"]},
                                  "provider": {"enum": ["okta", "google_workspace", "microsoft_entra_id", "custom_saml", "custom_oidc"]},
                                  "domains": {"type": "array", "items": STR},
                                  "saml": obj({"idp_metadata_url": STR, "idp_metadata_xml": STR, "idp_entity_id": STR,
                                               "idp_sso_url": STR, "idp_certificates": {"type": "array", "items": STR},
                                               "sign_authn_requests": BOOL, "want_encrypted_assertions": BOOL}),
                                  "oidc": obj({"issuer": STR, "client_id": STR, "client_secret": STR, "scopes": STR})}),
}

# (method, path) → filters a list takes besides limit and starting_after: (name, description)
QUERY_PARAMS = {
    ("GET", "/v1/organizations"): [("query", "organizations whose name (ASCII case-insensitively) or slug contains it, or whose id it is; at most 200 characters")],
}

# (method, path) → (summary, request schema or None, response schema, list?)
DOCS = {
    ("GET", "/healthz"): ("Liveness and database reachability", None, None, False),
    ("GET", "/metrics"): ("Prometheus metrics (text format)", None, None, False),
    ("GET", "/v1/openapi.json"): ("This document", None, None, False),
    ("POST", "/v1/organizations"): ("Create an organization", "OrganizationInput", "Organization", False),
    ("GET", "/v1/organizations"): ("List organizations (?query= part of the name or slug, or an id)", None, "Organization", True),
    ("GET", "/v1/organizations/{org}"): ("Get an organization by id or slug", None, "Organization", False),
    ("PATCH", "/v1/organizations/{org}"): ("Update an organization", "OrganizationInput", "Organization", False),
    ("DELETE", "/v1/organizations/{org}"): ("Delete an organization", None, "Deleted", False),
    ("POST", "/v1/organizations/{org}/domains"): ("Add a domain (shows the TXT record to publish)", "DomainInput", "Domain", False),
    ("GET", "/v1/organizations/{org}/domains"): ("List an organization's domains", None, "Domain", True),
    ("GET", "/v1/organizations/{org}/domains/{dom}"): ("Get a domain", None, "Domain", False),
    ("PATCH", "/v1/organizations/{org}/domains/{dom}"): ("Update enrollment mode / SSO enforcement", "DomainInput", "Domain", False),
    ("DELETE", "/v1/organizations/{org}/domains/{dom}"): ("Remove a domain", None, "Deleted", False),
    ("POST", "/v1/organizations/{org}/domains/{dom}/verify"): ("Look the TXT record up now (real DNS)", None, "Domain", False),
    ("GET", "/v1/sessions"): ("List sessions (?user_id=, ?status=active|revoked|expired)", None, "Session", True),
    ("GET", "/v1/sessions/{sess}"): ("Get a session", None, "Session", False),
    ("POST", "/v1/sessions/{sess}/revoke"): ("Revoke a session", None, "Session", False),
    ("GET", "/v1/audit_events"): ("Audit log (?organization_id=, ?target_id=, ?action=, ?actor_type=)", None, "AuditEvent", True),
    ("POST", "/v1/webhook_endpoints"): ("Create a webhook endpoint (secret shown once)", "WebhookEndpointInput", "WebhookEndpoint", False),
    ("GET", "/v1/webhook_endpoints"): ("List webhook endpoints", None, "WebhookEndpoint", True),
    ("GET", "/v1/webhook_endpoints/{whe}"): ("Get a webhook endpoint", None, "WebhookEndpoint", False),
    ("PATCH", "/v1/webhook_endpoints/{whe}"): ("Update a webhook endpoint", "WebhookEndpointInput", "WebhookEndpoint", False),
    ("DELETE", "/v1/webhook_endpoints/{whe}"): ("Delete a webhook endpoint", None, "Deleted", False),
    ("GET", "/v1/webhook_endpoints/{whe}/deliveries"): ("Delivery log with attempts and status codes", None, "WebhookDelivery", True),
    ("POST", "/v1/webhook_endpoints/{whe}/deliveries/{evt}/retry"): ("Deliver an event again now", None, "WebhookDelivery", False),
    ("POST", "/v1/oauth_applications"): ("Create an OAuth application (client_secret shown once)", "OAuthApplicationInput", "OAuthApplication", False),
    ("GET", "/v1/oauth_applications"): ("List OAuth applications", None, "OAuthApplication", True),
    ("GET", "/v1/oauth_applications/{app}"): ("Get an OAuth application by id or client_id", None, "OAuthApplication", False),
    ("PATCH", "/v1/oauth_applications/{app}"): ("Update name and redirect URIs", "OAuthApplicationInput", "OAuthApplication", False),
    ("DELETE", "/v1/oauth_applications/{app}"): ("Delete an OAuth application (its sessions end)", None, "Deleted", False),
    ("POST", "/v1/oauth_applications/{app}/rotate_secret"): ("Replace the client secret (the new one is shown once)", None, "OAuthApplication", False),
    ("GET", "/.well-known/openid-configuration"): ("OpenID Provider metadata (OIDC Discovery 1.0)", None, None, False),
    ("GET", "/oauth2/jwks"): ("The OpenID Provider's signing keys (JWK Set)", None, None, False),
    ("GET", "/oauth2/authorize"): ("Authorization endpoint: response_type=code, PKCE S256 required; redirects to sign-in", None, None, False),
    ("POST", "/oauth2/token"): ("Token endpoint: authorization_code and refresh_token grants (form body, client authentication)", None, None, False),
    ("GET", "/oauth2/userinfo"): ("UserInfo (Authorization: Bearer access token)", None, None, False),
    ("POST", "/oauth2/userinfo"): ("UserInfo (Authorization: Bearer access token)", None, None, False),
    ("POST", "/oauth2/revoke"): ("Token revocation (RFC 7009; form body, client authentication)", None, None, False),
    ("GET", "/oauth2/logout"): ("RP-initiated logout: id_token_hint, post_logout_redirect_uri, state", None, None, False),
    ("GET", "/sign-in"): ("The email-first sign-in page (HTML)", None, None, False),
    ("POST", "/sign-in"): ("Submit the email-first form (form body)", None, None, False),
    ("POST", "/v1/enterprise_connections"): ("Create an enterprise connection (draft)", "EnterpriseConnectionInput", "EnterpriseConnection", False),
    ("GET", "/v1/enterprise_connections"): ("List connections (?organization_id=)", None, "EnterpriseConnection", True),
    ("GET", "/v1/enterprise_connections/{conn}"): ("Get a connection, with the values to paste into the IdP", None, "EnterpriseConnection", False),
    ("PATCH", "/v1/enterprise_connections/{conn}"): ("Update a connection (organization_id moves it)", "EnterpriseConnectionInput", "EnterpriseConnection", False),
    ("DELETE", "/v1/enterprise_connections/{conn}"): ("Delete a connection", None, "Deleted", False),
    ("POST", "/v1/enterprise_connections/{conn}/activate"): ("Activate (needs a passed test sign-in and a verified domain)", None, "EnterpriseConnection", False),
    ("POST", "/v1/enterprise_connections/{conn}/deactivate"): ("Deactivate", None, "EnterpriseConnection", False),
    ("POST", "/v1/enterprise_connections/{conn}/custom_attributes"): ("Map an IdP attribute to a public_metadata key", "CustomAttributeInput", "CustomAttribute", False),
    ("GET", "/v1/enterprise_connections/{conn}/custom_attributes"): ("List custom attributes", None, "CustomAttribute", True),
    ("PATCH", "/v1/enterprise_connections/{conn}/custom_attributes/{attr}"): ("Update a custom attribute", "CustomAttributeInput", "CustomAttribute", False),
    ("DELETE", "/v1/enterprise_connections/{conn}/custom_attributes/{attr}"): ("Delete a custom attribute", None, "Deleted", False),
    ("POST", "/v1/enterprise_connections/{conn}/test_sign_ins"): ("Start a test sign-in (works on drafts, never provisions); open its url in a browser", None, "TestSignIn", False),
    ("GET", "/v1/enterprise_connections/{conn}/test_sign_ins"): ("The connection's test sign-ins, newest first (starting_after pages to older ones)", None, "TestSignIn", True),
    ("GET", "/v1/enterprise_connections/{conn}/test_sign_ins/{id}"): ("A test sign-in and its outcome: what came back and the problems in plain words", None, "TestSignIn", False),
    ("GET", "/oidc/{conn}/callback"): ("OIDC redirect URI to register at the IdP (browser: a redirect to the app, a test result page, or a generic error page with the request id)", None, None, False),
    ("POST", "/v1/enterprise_connections/{conn}/refresh_metadata"): ("Fetch the SAML IdP metadata again from saml.idp_metadata_url (after the IdP rotated its certificate); 422 metadata_unreachable, invalid_metadata, no_signing_certificate; warnings for expired certificates", None, "EnterpriseConnection", False),
    ("GET", "/saml/{conn}/metadata"): ("SAML SP metadata of a connection (application/samlmetadata+xml): entity ID, ACS URL, signing and encryption certificates; paste it, or its URL, into the IdP", None, None, False),
    ("POST", "/saml/{conn}/acs"): ("SAML assertion consumer service (HTTP-POST binding: form fields SAMLResponse, RelayState; 512 KiB): a redirect to the app with a code, a test result page, or a generic error page with the request id", None, None, False),
    ("GET", "/sso/test/{id}"): ("Browser start of a test sign-in: redirects to the connection's IdP", None, None, False),
    ("GET", "/sso/start/{conn}"): ("Browser start of a sign-in for the app's pending authorization request (?request=areq_...): redirects to the connection's IdP", None, None, False),
    ("GET", "/v1/sso/lookup"): ("Which connection (if any) must sign this email in (?email=)", None, "SsoLookup", False),
    ("GET", "/v1/sign_in_failures"): ("Failed sign-ins with reason codes (?connection_id=, ?organization_id=)", None, "SignInFailure", True),
    ("POST", "/v1/enterprise_connections/{conn}/directory_sync"): ("Turn Directory Sync on: SCIM base URL and bearer token (shown once)", None, "DirectorySync", False),
    ("GET", "/v1/enterprise_connections/{conn}/directory_sync"): ("Directory Sync status and counts", None, "DirectorySync", False),
    ("DELETE", "/v1/enterprise_connections/{conn}/directory_sync"): ("Turn Directory Sync off (SCIM answers 403; mapped roles become editable)", None, "DirectorySync", False),
    ("POST", "/v1/enterprise_connections/{conn}/directory_sync/rotate_token"): ("A new SCIM token (shown once); the previous one works for 10 more minutes", None, "DirectorySync", False),
    ("GET", "/v1/enterprise_connections/{conn}/directory_sync/requests"): ("The inbound SCIM request log, newest first (bodies redacted)", None, "ScimRequest", True),
    ("GET", "/v1/enterprise_connections/{conn}/directory_sync/jobs"): ("Role re-resolution jobs, newest first, with progress", None, "DirectoryJob", True),
    ("GET", "/v1/enterprise_connections/{conn}/directory_sync/jobs/{job}"): ("One role re-resolution job and its progress", None, "DirectoryJob", False),
    ("GET", "/v1/enterprise_connections/{conn}/directory_users"): ("Provisioned users: status and last synced time", None, "DirectoryUser", True),
    ("GET", "/v1/enterprise_connections/{conn}/directory_groups"): ("Provisioned groups with member counts", None, "DirectoryGroup", True),
    ("GET", "/v1/enterprise_connections/{conn}/role_mappings"): ("The ordered group → role mappings (first match wins)", None, "RoleMappings", False),
    ("PUT", "/v1/enterprise_connections/{conn}/role_mappings"): ("Replace the mappings; members are re-resolved (in a job when many)", "RoleMappingsInput", "RoleMappings", False),
    ("GET", "/scim/v2/{conn}/ServiceProviderConfig"): ("SCIM: what this service provider supports (RFC 7643 §5)", None, "ScimResource", False),
    ("GET", "/scim/v2/{conn}/Schemas"): ("SCIM: schemas (User, Group, enterprise User, gatehouse custom User)", None, "ScimListResponse", False),
    ("GET", "/scim/v2/{conn}/Schemas/{id}"): ("SCIM: one schema by URN", None, "ScimResource", False),
    ("GET", "/scim/v2/{conn}/ResourceTypes"): ("SCIM: resource types", None, "ScimListResponse", False),
    ("GET", "/scim/v2/{conn}/ResourceTypes/{id}"): ("SCIM: one resource type (User or Group)", None, "ScimResource", False),
    ("POST", "/scim/v2/{conn}/Users"): ("SCIM: create a user (RFC 7644 §3.3)", "ScimResource", "ScimResource", False),
    ("GET", "/scim/v2/{conn}/Users"): ("SCIM: list users (filter, startIndex, count, attributes, excludedAttributes)", None, "ScimListResponse", False),
    ("POST", "/scim/v2/{conn}/Users/.search"): ("SCIM: list users with the query in the body (RFC 7644 §3.4.3)", "ScimResource", "ScimListResponse", False),
    ("GET", "/scim/v2/{conn}/Users/{id}"): ("SCIM: a user (ETag; If-None-Match answers 304)", None, "ScimResource", False),
    ("PUT", "/scim/v2/{conn}/Users/{id}"): ("SCIM: replace a user (If-Match)", "ScimResource", "ScimResource", False),
    ("PATCH", "/scim/v2/{conn}/Users/{id}"): ("SCIM: patch a user, atomically (RFC 7644 §3.5.2)", "ScimPatchOp", "ScimResource", False),
    ("DELETE", "/scim/v2/{conn}/Users/{id}"): ("SCIM: delete a user (the gatehouse user is deactivated)", None, None, False),
    ("POST", "/scim/v2/{conn}/Groups"): ("SCIM: create a group", "ScimResource", "ScimResource", False),
    ("GET", "/scim/v2/{conn}/Groups"): ("SCIM: list groups", None, "ScimListResponse", False),
    ("POST", "/scim/v2/{conn}/Groups/.search"): ("SCIM: list groups with the query in the body", "ScimResource", "ScimListResponse", False),
    ("GET", "/scim/v2/{conn}/Groups/{id}"): ("SCIM: a group with its members (unless excludedAttributes=members)", None, "ScimResource", False),
    ("PUT", "/scim/v2/{conn}/Groups/{id}"): ("SCIM: replace a group (members replaced when listed)", "ScimResource", "ScimResource", False),
    ("PATCH", "/scim/v2/{conn}/Groups/{id}"): ("SCIM: patch a group (members by id; 204)", "ScimPatchOp", None, False),
    ("DELETE", "/scim/v2/{conn}/Groups/{id}"): ("SCIM: delete a group", None, None, False),
    # the Security page's API: the portal session cookie (+ X-CSRF-Token on writes), scoped to its organization
    ("GET", "/portal/api/organization"): ("Security page: the session's organization and where its SSO setup stands (steps done, the current step)", None, "PortalOrganization", False),
    ("GET", "/portal/api/domains"): ("Security page: the organization's domains", None, "Domain", True),
    ("POST", "/portal/api/domains"): ("Security page: add a domain (shows the TXT record to publish); 422 public_mail_domain, 409 domain_taken", "PortalDomainInput", "Domain", False),
    ("GET", "/portal/api/domains/{dom}"): ("Security page: a domain of the organization", None, "Domain", False),
    ("PATCH", "/portal/api/domains/{dom}"): ("Security page: require SSO for a domain's people, or not ({\"sso_enforced\": bool})", "DomainInput", "Domain", False),
    ("DELETE", "/portal/api/domains/{dom}"): ("Security page: remove a domain", None, "Deleted", False),
    ("POST", "/portal/api/domains/{dom}/verify"): ("Security page: look the TXT record up now (real DNS); verification.failure says what was seen", None, "Domain", False),
    ("GET", "/portal/api/connections"): ("Security page: the organization's enterprise connections", None, "EnterpriseConnection", True),
    ("POST", "/portal/api/connections"): ("Security page: create a connection in the organization (draft); operator-only fields answer 422 operator_only_field", "PortalConnectionInput", "EnterpriseConnection", False),
    ("GET", "/portal/api/connections/{conn}"): ("Security page: a connection, with the values to paste into the IdP", None, "EnterpriseConnection", False),
    ("PATCH", "/portal/api/connections/{conn}"): ("Security page: update the IdP settings of a connection", "PortalConnectionInput", "EnterpriseConnection", False),
    ("DELETE", "/portal/api/connections/{conn}"): ("Security page: delete a connection", None, "Deleted", False),
    ("POST", "/portal/api/connections/{conn}/refresh_metadata"): ("Security page: fetch the SAML IdP metadata URL again", None, "EnterpriseConnection", False),
    ("POST", "/portal/api/connections/{conn}/activate"): ("Security page: activate (409 connection_not_tested, no_verified_domain)", None, "EnterpriseConnection", False),
    ("POST", "/portal/api/connections/{conn}/deactivate"): ("Security page: deactivate", None, "EnterpriseConnection", False),
    ("POST", "/portal/api/connections/{conn}/test_sign_ins"): ("Security page: start a test sign-in; open its url in a new window", None, "TestSignIn", False),
    ("GET", "/portal/api/connections/{conn}/test_sign_ins/{id}"): ("Security page: a test sign-in's outcome (poll until it is no longer pending)", None, "TestSignIn", False),
    ("POST", "/portal/api/connections/{conn}/directory_sync"): ("Security page: turn Directory Sync on (SCIM base URL and token, shown once)", None, "DirectorySync", False),
    ("GET", "/portal/api/connections/{conn}/directory_sync"): ("Security page: Directory Sync status and counts", None, "DirectorySync", False),
    ("DELETE", "/portal/api/connections/{conn}/directory_sync"): ("Security page: turn Directory Sync off", None, "DirectorySync", False),
    ("POST", "/portal/api/connections/{conn}/directory_sync/rotate_token"): ("Security page: a new SCIM token (shown once); the previous one works for 10 more minutes", None, "DirectorySync", False),
    ("GET", "/portal/api/connections/{conn}/directory_users"): ("Security page: provisioned users with status and last synced time", None, "DirectoryUser", True),
    ("GET", "/portal/api/connections/{conn}/directory_groups"): ("Security page: provisioned groups with member counts", None, "DirectoryGroup", True),
}

# Guesses for routes added without an entry above: by resource word in the path.
RESOURCE = [("memberships", "Membership", "MembershipInput"), ("users", "User", "UserInput"),
            ("roles", "Role", "RoleInput"), ("permissions", "Permission", None)]


def describe(method, path):
    if (method, path) in DOCS:
        return DOCS[(method, path)]
    last = [s for s in path.split("/") if s and not s.startswith("{")][-1]
    for word, out, inp in RESOURCE:
        if word in path.rsplit("/", 2)[-2:] or last == word or (word in path and last not in dict((w, 1) for w, _, _ in RESOURCE)):
            many = method == "GET" and not path.endswith("}")
            if method == "DELETE":
                return (f"Delete ({word})", None, "Deleted", False)
            return (f"{method.title()} {last}", inp if method in ("POST", "PATCH", "PUT") else None, out, many)
    return (f"{method} {path}", None, None, False)


def scim_operation(method, path, summary, req, res):
    """SCIM routes: application/scim+json, the connection's bearer token, RFC 7644 §3.12 errors."""
    op = {"summary": summary, "operationId": (method.lower() + path.replace("/", "_").replace("{", "").replace("}", "").replace(".", "")).strip("_"),
          "security": [{"scimBearer": []}], "responses": {}}
    params = [{"name": p, "in": "path", "required": True, "schema": STR} for p in re.findall(r"\{(\w+)\}", path)]
    if method == "GET" and path.endswith(("Users", "Groups")):
        params += [{"name": n, "in": "query", "schema": STR} for n in ("filter", "startIndex", "count", "attributes", "excludedAttributes")]
    op["parameters"] = params
    scim = lambda name: {"content": {"application/scim+json": {"schema": ref(name)}}}
    if req:
        op["requestBody"] = {"required": True, **scim(req)}
    ok = "201" if method == "POST" and not path.endswith(".search") else ("204" if method == "DELETE" or (method == "PATCH" and not res) else "200")
    op["responses"][ok] = {"description": "OK", **(scim(res) if res else {})}
    op["responses"]["400"] = {"description": "invalidFilter, invalidSyntax, invalidPath, invalidValue, noTarget, mutability", **scim("ScimError")}
    op["responses"]["401"] = {"description": "missing or wrong token", **scim("ScimError")}
    op["responses"]["403"] = {"description": "Directory Sync is off", **scim("ScimError")}
    if "{id}" in path:
        op["responses"]["404"] = {"description": "no such resource in this directory", **scim("ScimError")}
    if method in ("POST", "PUT", "PATCH"):
        op["responses"]["409"] = {"description": "uniqueness (userName, email)", **scim("ScimError")}
        op["responses"]["413"] = {"description": "body over 1 MiB", **scim("ScimError")}
    if method in ("PUT", "PATCH", "DELETE"):
        op["responses"]["412"] = {"description": "If-Match names another version", **scim("ScimError")}
    return op


def operation(method, path, auth):
    summary, req, res, many = describe(method, path)
    if auth == "AUTH_SCIM":
        return scim_operation(method, path, summary, req, res)
    op = {"summary": summary, "operationId": (method.lower() + path.replace("/", "_").replace("{", "").replace("}", "")).strip("_"),
          "responses": {}}
    params = [{"name": p, "in": "path", "required": True, "schema": STR} for p in re.findall(r"\{(\w+)\}", path)]
    if many:
        params += [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20}},
                   {"name": "starting_after", "in": "query", "schema": STR}]
    params += [{"name": n, "in": "query", "description": d, "schema": STR}
               for n, d in QUERY_PARAMS.get((method, path), ())]
    if params:
        op["parameters"] = params
    if req:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(req)}}}
    ok = "201" if method == "POST" and (req or path.endswith("/directory_sync")) and not path.endswith(("verify", "revoke")) else "200"
    if path.endswith("/retry"):
        ok = "202"
    if method == "POST" and path.endswith("/test_sign_ins"):
        ok = "201"
    if res:
        schema = ref(res)
        if many:
            schema = obj({"object": STR, "data": {"type": "array", "items": ref(res)}, "total_count": INT, "has_more": BOOL})
        op["responses"][ok] = {"description": "OK", "content": {"application/json": {"schema": schema}}}
    else:
        op["responses"][ok] = {"description": "OK"}
    problem = {"content": {"application/problem+json": {"schema": ref("Problem")}}}
    if auth == "AUTH_CLIENT":
        op["security"] = [{"clientSecretBasic": []}, {}]
        op["responses"]["400"] = {"description": "OAuth error ({\"error\": ...}, RFC 6749 5.2)"}
        op["responses"]["401"] = {"description": "invalid_client"}
    if auth == "AUTH_BEARER":
        op["security"] = [{"accessToken": []}]
        op["responses"]["401"] = {"description": "invalid_token (RFC 6750)"}
    if auth == "AUTH_PORTAL":
        op["security"] = [{"portalSession": []}]
        op["responses"]["401"] = {"description": "no Security page session (open the page again from the app)", **problem}
        op["responses"]["403"] = {"description": "missing_permission, self_serve_sso_disabled, cross_site_request, csrf_token_invalid", **problem}
    if auth == "AUTH_SECRET_KEY":
        op["security"] = [{"secretKey": []}]
        op["responses"]["401"] = {"description": "missing or invalid secret key", **problem}
    if "{" in path:
        op["responses"]["404"] = {"description": "not found, or not yours", **problem}
    if req:
        op["responses"]["400"] = {"description": "malformed JSON or invalid UTF-8", **problem}
        op["responses"]["409"] = {"description": "conflict", **problem}
        op["responses"]["413"] = {"description": "body too large", **problem}
        op["responses"]["422"] = {"description": "invalid field (errors[] names it)", **problem}
    return op


def main():
    routes = []
    src = os.path.join(ROOT, "src", "routes")
    for name in sorted(os.listdir(src)):
        if name.endswith(".c") and not name.endswith("_test.c"):
            routes += ROW.findall(open(os.path.join(src, name)).read())
    paths = {}
    for method, path, _handler, auth in routes:
        paths.setdefault(path, {})[method.lower()] = operation(method, path, auth)
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "gatehouse", "version": "0.1.0",
                 "description": "Enterprise SSO and Directory Sync. Backend API under /v1 (Authorization: Bearer sk_...). Errors are RFC 9457 problem documents with a stable `code`."},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {"secretKey": {"type": "http", "scheme": "bearer", "description": "an operator secret key, sk_..."},
                                           "scimBearer": {"type": "http", "scheme": "bearer", "description": "the connection's Directory Sync token, scim_..."},
                                           "clientSecretBasic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret of an OAuth application (or client_id and client_secret in the form)"},
                                           "accessToken": {"type": "http", "scheme": "bearer", "description": "an access token from /oauth2/token"},
                                           "portalSession": {"type": "apiKey", "in": "cookie", "name": "gh_portal", "description": "the Security page session (from a portal link); writes also need the session's X-CSRF-Token header"}},
                       "schemas": SCHEMAS},
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


main()
