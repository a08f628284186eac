/* SPDX-License-Identifier: Apache-2.0 */
/* The settings table and loader (see config.h). */
#include "base/common.h"

#include "config/config.h"

#include "base/error.h"

#include <ctype.h>
#include <errno.h>

#define S(field) offsetof(struct config, field)

const struct config_setting config_settings[] = {
	{ "listen", CONFIG_STRING, S(listen), "127.0.0.1:8080", 0, 0, false,
	  "address and port to listen on (host:port, [v6]:port)" },
	{ "database", CONFIG_STRING, S(database), "sqlite:./gatehouse.db", 0, 0, false,
	  "sqlite:PATH (embedded, default) or postgres://user@host:port/db" },
	{ "public_url", CONFIG_STRING, S(public_url), "", 0, 0, false,
	  "the URL users and IdPs reach gatehouse at (default http://LISTEN)" },
	{ "dns_resolver", CONFIG_STRING, S(dns_resolver), "", 0, 0, false,
	  "IP:PORT of the DNS server for domain verification (default: the system resolver)" },
	{ "secret_key", CONFIG_STRING, S(secret_key), "", 0, 0, true,
	  "an operator secret key (sk_...) accepted on /v1 in addition to stored keys" },
	{ "encryption_key_file", CONFIG_STRING, S(encryption_key_file), "./gatehouse.key", 0, 0,
	  false,
	  "file holding the 32-byte key that seals stored secrets; created on first start. Every node of one database needs the same file" },
	{ "allow_loopback_targets", CONFIG_BOOL, S(allow_loopback_targets), "false", 0, 0, false,
	  "let webhooks and IdP URLs reach http:// loopback addresses (tests only)" },
	{ "log_format", CONFIG_STRING, S(log_format), "logfmt", 0, 0, false, "logfmt or json" },
	{ "log_level", CONFIG_STRING, S(log_level), "info", 0, 0, false,
	  "debug, info, warn or error" },
	{ "max_connections", CONFIG_INT, S(max_connections), "1024", 16, 65536, false,
	  "connections held open at once" },
	{ "max_connections_per_ip", CONFIG_INT, S(max_connections_per_ip), "256", 1, 65536, false,
	  "connections held open at once from one client address" },
	{ "idle_timeout_s", CONFIG_INT, S(idle_timeout_s), "30", 1, 3600, false,
	  "seconds before an idle or stalled connection is closed" },
	{ "db_pool_size", CONFIG_INT, S(db_pool_size), "0", 0, 512, false,
	  "database connections per process (0: 32 for SQLite, 16 for PostgreSQL)" },
	{ "webhook_workers", CONFIG_INT, S(webhook_workers), "2", 0, 64, false,
	  "background threads delivering webhooks (0 disables delivery on this node)" },
	{ "domain_recheck_interval_s", CONFIG_INT, S(domain_recheck_interval_s), "300", 0, 86400,
	  false,
	  "seconds between automatic re-checks of domains waiting for their TXT record (0: only on demand)" },
	{ "expiry_sweep_interval_s", CONFIG_INT, S(expiry_sweep_interval_s), "60", 0, 86400, false,
	  "seconds between sweeps deleting expired sign-in state: authorization requests, codes, "
	  "tokens, SAML/OIDC sign-in states, replay entries (0: no sweep on this node)" },
	{ "sso_start_limit_per_ip", CONFIG_INT, S(sso_start_limit_per_ip), "0", 0, 100000000, false,
	  "enterprise sign-in starts per client IP and minute, counted on each node (0: no limit; "
	  "a company's users often share one egress IP)" },
	{ "sso_start_limit_per_connection", CONFIG_INT, S(sso_start_limit_per_connection), "0", 0,
	  100000000, false,
	  "enterprise sign-in starts per connection and minute, counted on each node (0: no limit)" },
	{ "sso_failure_limit_per_ip", CONFIG_INT, S(sso_failure_limit_per_ip), "0", 0, 100000000,
	  false,
	  "failed SAML ACS posts, OIDC callbacks and hand-offs per client IP and minute, counted on "
	  "each node; past it the IP's posts are refused before any parsing (0: no limit; behind a "
	  "reverse proxy every client has the proxy's IP)" },
	{ "scim_log_retention_s", CONFIG_INT, S(scim_log_retention_s), "2592000", 0, 315360000,
	  false,
	  "how long the inbound SCIM request log keeps an entry (default 30 days; 0 keeps them all)" },
	{ "easie_google_issuer", CONFIG_STRING, S(easie_google_issuer),
	  "https://accounts.google.com", 0, 0, false,
	  "issuer of Google's OpenID Provider for EASIE connections (tests point it at a local provider)" },
	{ "easie_microsoft_authority", CONFIG_STRING, S(easie_microsoft_authority),
	  "https://login.microsoftonline.com", 0, 0, false,
	  "Microsoft identity platform authority for EASIE connections; the issuer is AUTHORITY/TENANT-ID/v2.0" },
	{ "ui_session_idle_s", CONFIG_INT, S(ui_session_idle_s), "1800", 60, 86400, false,
	  "seconds of inactivity after which a Security page or dashboard session ends" },
	{ "ui_session_lifetime_s", CONFIG_INT, S(ui_session_lifetime_s), "43200", 300, 604800,
	  false, "longest life of a Security page or dashboard session, active or not" },
	{ "portal_frame_ancestors", CONFIG_STRING, S(portal_frame_ancestors), "", 0, 0, false,
	  "origins (space-separated, e.g. https://app.example.com) allowed to embed the Security page in an iframe; empty: framing refused. Embedding in a page of another site needs an https public_url (the session cookie is then SameSite=None; Secure)" },
	{ "trusted_proxies", CONFIG_STRING, S(trusted_proxies), "", 0, 0, false,
	  "reverse proxies (IP addresses or CIDR blocks, space-separated, e.g. 10.0.0.0/8) whose X-Forwarded-For names the client; the client is the rightmost address in it that is not a trusted proxy. Entries may carry ports (a.b.c.d:port, [v6]:port). The nearest proxy must append to the header, not replace or prepend (nginx $proxy_add_x_forwarded_for, HAProxy option forwardfor, AWS ALB append mode). Used by the request log, the SSO rate limits and the operator sign-in throttle. Empty: the connection's peer is the client. max_connections_per_ip still counts the proxy's connections" },
	{ "drain_timeout_s", CONFIG_INT, S(drain_timeout_s), "30", 0, 600, false,
	  "seconds SIGTERM waits for in-flight requests" },
	{ "cpu_scheduling", CONFIG_STRING, S(cpu_scheduling), "batch", 0, 0, false,
	  "Linux scheduling policy of the server's threads: batch (SCHED_BATCH: a thread that wakes another, such as the database writer finishing a group of writes or a response waking its client, keeps its core until it blocks instead of being preempted; about 25% more SCIM creates per second on 2 cores) or normal (SCHED_OTHER). Both run at normal priority and need no privilege" },
};
const size_t config_settings_count = ARRAY_SIZE(config_settings);

static char **str_field(struct config *c, const struct config_setting *s)
{
	return (char **)(void *)((char *)c + s->offset);
}

static int set_value(struct config *c, const struct config_setting *s, const char *value,
                     const char *source)
{
	char *base = (char *)c + s->offset;
	if (s->type == CONFIG_STRING) {
		char **p = str_field(c, s);
		free(*p);
		*p = xstrdup(value);
		return 0;
	}
	if (s->type == CONFIG_BOOL) {
		bool v;
		if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") ||
		    !strcmp(value, "on"))
			v = true;
		else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") ||
		         !strcmp(value, "off"))
			v = false;
		else
			return error_set(ERR_INVALID, "%s: %s must be true or false, not '%s'",
			                 source, s->name, value);
		memcpy(base, &v, sizeof(v));
		return 0;
	}
	char *end = NULL;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if (errno || !end || end == value || *end || v < s->min || v > s->max)
		return error_set(ERR_INVALID,
		                 "%s: %s must be an integer from %lld to %lld, not '%s'", source,
		                 s->name, (long long)s->min, (long long)s->max, value);
	int64_t iv = v;
	memcpy(base, &iv, sizeof(iv));
	return 0;
}

static const struct config_setting *find(const char *name, size_t len)
{
	for (size_t i = 0; i < config_settings_count; i++) {
		const char *n = config_settings[i].name;
		if (strlen(n) != len)
			continue;
		bool same = true;
		for (size_t k = 0; k < len && same; k++)
			same = n[k] == name[k] || (n[k] == '_' && name[k] == '-');
		if (same)
			return &config_settings[i];
	}
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int load_file(struct config *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return error_set(ERR_INVALID, "cannot read config file %s: %s", path,
		                 strerror(errno));
	char line[4096];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		char *l = trim(line);
		if (!*l || *l == '#')
			continue;
		char *eq = strchr(l, '=');
		if (!eq) {
			rc = error_set(ERR_INVALID, "%s:%d: expected key = value", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(l), *val = trim(eq + 1);
		size_t vlen = strlen(val);
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
			val[vlen - 1] = '\0';
			val++;
		}
		const struct config_setting *s = find(key, strlen(key));
		char src[300];
		xsnprintf(src, sizeof(src), "%s:%d", path, lineno);
		rc = s ? set_value(c, s, val, src)
		       : error_set(ERR_INVALID, "%s: unknown setting '%s'", src, key);
	}
	fclose(f);
	if (rc == 0)
		c->config_file = xstrdup(path);
	return rc;
}

static void env_name(char *out, size_t size, const char *name)
{
	size_t o = 0;
	for (const char *p = "GATEHOUSE_"; *p && o + 1 < size; p++)
		out[o++] = *p;
	for (const char *p = name; *p && o + 1 < size; p++)
		out[o++] = (char)toupper((unsigned char)*p);
	out[o] = '\0';
}

/*
 * portal_frame_ancestors goes into a CSP header: only origins
 * (scheme://host[:port]) separated by spaces, nothing that could end the
 * directive or add another.
 */
static int check_frame_ancestors(const char *v)
{
	for (const char *p = v; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		bool scheme = (n > 8 && !strncmp(p, "https://", 8)) ||
		              (n > 7 && !strncmp(p, "http://", 7));
		for (size_t i = 0; scheme && i < n; i++)
			if (!isalnum((unsigned char)p[i]) && !strchr(":/.-[]", p[i]))
				scheme = false;
		if (!scheme || p[n - 1] == '/')
			return error_set(
			        ERR_INVALID,
			        "portal_frame_ancestors: %.*s is not an origin like https://app.example.com",
			        (int)(n > 80 ? 80 : n), p);
		p += n;
	}
	return 0;
}

int config_load(struct config *out, int *argc, char **argv)
{
	int rc = 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < config_settings_count && rc == 0; i++)
		rc = set_value(out, &config_settings[i], config_settings[i].def, "default");
	/* the config file: --config FILE / --config=FILE, else GATEHOUSE_CONFIG */
	const char *file = getenv("GATEHOUSE_CONFIG");
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < *argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
	}
	if (rc == 0 && file && *file)
		rc = load_file(out, file);
	for (size_t i = 0; i < config_settings_count && rc == 0; i++) {
		char name[96];
		env_name(name, sizeof(name), config_settings[i].name);
		const char *v = getenv(name);
		if (v)
			rc = set_value(out, &config_settings[i], v, name);
	}
	int kept = 1;
	for (int i = 1; i < *argc && rc == 0; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || strlen(a) == 2) {
			argv[kept++] = argv[i];
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (nlen == 6 && strncmp(name, "config", 6) == 0) {
			if (!eq)
				i++;
			continue;
		}
		const struct config_setting *s = find(name, nlen);
		if (!s) {
			argv[kept++] = argv[i]; /* a command's own flag */
			continue;
		}
		const char *val = eq ? eq + 1 : NULL;
		if (!val && s->type == CONFIG_BOOL)
			val = "true";
		if (!val) {
			if (i + 1 >= *argc)
				return error_set(ERR_INVALID, "--%s needs a value", s->name);
			val = argv[++i];
		}
		char src[128];
		xsnprintf(src, sizeof(src), "--%.*s", (int)nlen, name);
		rc = set_value(out, s, val, src);
	}
	argv[kept] = NULL;
	*argc = kept;
	if (rc == 0 && !*out->public_url) {
		free(out->public_url);
		out->public_url = xasprintf("http://%s", out->listen);
	}
	if (rc == 0 && strcmp(out->log_format, "logfmt") != 0 &&
	    strcmp(out->log_format, "json") != 0)
		rc = error_set(ERR_INVALID, "log_format must be logfmt or json");
	if (rc == 0 && strcmp(out->cpu_scheduling, "batch") != 0 &&
	    strcmp(out->cpu_scheduling, "normal") != 0)
		rc = error_set(ERR_INVALID, "cpu_scheduling must be batch or normal");
	if (rc == 0)
		rc = check_frame_ancestors(out->portal_frame_ancestors);
	if (rc == 0) {
		/* no trailing slash: URLs are built by appending paths */
		size_t n = strlen(out->public_url);
		while (n > 0 && out->public_url[n - 1] == '/')
			out->public_url[--n] = '\0';
	}
	return rc;
}

void config_release(struct config *c)
{
	for (size_t i = 0; i < config_settings_count; i++)
		if (config_settings[i].type == CONFIG_STRING)
			free(*str_field(c, &config_settings[i]));
	free(c->config_file);
	memset(c, 0, sizeof(*c));
}

void config_print(const struct config *c, FILE *f)
{
	for (size_t i = 0; i < config_settings_count; i++) {
		const struct config_setting *s = &config_settings[i];
		const char *base = (const char *)c + s->offset;
		if (s->type == CONFIG_STRING) {
			const char *v = *(const char *const *)(const void *)base;
			fprintf(f, "%s = %s\n", s->name,
			        s->secret && v && *v ? "(set, hidden)" : (v ? v : ""));
		} else if (s->type == CONFIG_BOOL) {
			bool v;
			memcpy(&v, base, sizeof(v));
			fprintf(f, "%s = %s\n", s->name, v ? "true" : "false");
		} else {
			int64_t v;
			memcpy(&v, base, sizeof(v));
			fprintf(f, "%s = %lld\n", s->name, (long long)v);
		}
	}
}

void config_print_help(FILE *f)
{
	for (size_t i = 0; i < config_settings_count; i++) {
		const struct config_setting *s = &config_settings[i];
		char flag[64], env[96];
		xsnprintf(flag, sizeof(flag), "--%s", s->name);
		for (char *p = flag; *p; p++)
			if (*p == '_')
				*p = '-';
		env_name(env, sizeof(env), s->name);
		fprintf(f, "  %-28s %s\n  %-28s env %s, default %s\n", flag, s->description, "",
		        env, *s->def ? s->def : "(none)");
	}
}

void config_print_markdown(FILE *f)
{
	fprintf(f,
	        "# gatehouse configuration\n\n"
	        "Generated by `gatehouse config reference`; a test keeps this file equal to it.\n\n"
	        "Each setting can be given as a flag, as a `GATEHOUSE_*` environment variable, or\n"
	        "as a `name = value` line in the file named by `--config FILE` (or\n"
	        "`GATEHOUSE_CONFIG`). Precedence: default < file < environment < flag.\n\n"
	        "| setting | flag | environment | default | description |\n"
	        "|---|---|---|---|---|\n");
	for (size_t i = 0; i < config_settings_count; i++) {
		const struct config_setting *s = &config_settings[i];
		char flag[64], env[96];
		xsnprintf(flag, sizeof(flag), "--%s", s->name);
		for (char *p = flag; *p; p++)
			if (*p == '_')
				*p = '-';
		env_name(env, sizeof(env), s->name);
		fprintf(f, "| `%s` | `%s` | `%s` | %s%s%s | %s%s |\n", s->name, flag, env,
		        *s->def ? "`" : "", *s->def ? s->def : "(none)", *s->def ? "`" : "",
		        s->description, s->secret ? " (secret: never printed)" : "");
	}
}
