/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The settings table and its sources. Precedence: defaults < config file
 * (`key = value` lines) < GATEHOUSE_* environment < command-line flags
 * (--key-name). Immutable once loaded. `gatehouse config show` prints it with
 * secrets masked; docs/CONFIGURATION.md is written from the same table.
 */
#ifndef GATEHOUSE_CONFIG_CONFIG_H
#define GATEHOUSE_CONFIG_CONFIG_H

struct config {
	char *listen;
	char *database;
	char *public_url;
	char *dns_resolver;
	char *secret_key;
	char *encryption_key_file;
	bool allow_loopback_targets;
	char *log_format;
	char *log_level;
	int64_t max_connections;
	int64_t max_connections_per_ip;
	int64_t idle_timeout_s;
	int64_t db_pool_size;
	int64_t webhook_workers;
	int64_t drain_timeout_s;
	int64_t domain_recheck_interval_s;
	int64_t scim_log_retention_s;
	int64_t expiry_sweep_interval_s;
	int64_t sso_start_limit_per_ip, sso_start_limit_per_connection, sso_failure_limit_per_ip;
	char *easie_google_issuer;
	char *easie_microsoft_authority;
	int64_t ui_session_idle_s;
	int64_t ui_session_lifetime_s;
	char *portal_frame_ancestors;
	char *trusted_proxies;
	char *cpu_scheduling; /* batch or normal */
	char *config_file;    /* where the file values came from, if any */
};

enum config_type { CONFIG_STRING, CONFIG_BOOL, CONFIG_INT };

struct config_setting {
	const char *name; /* file key and flag (--name with '_' → '-') */
	enum config_type type;
	size_t offset;
	const char *def;
	int64_t min, max; /* CONFIG_INT bounds */
	bool secret;
	const char *description;
};

extern const struct config_setting config_settings[];
extern const size_t config_settings_count;

/*
 * Loads defaults, then the file named by --config or GATEHOUSE_CONFIG, then
 * the environment, then argv flags. Flags that are not settings are left in
 * *argc/argv (the remaining arguments, in order). ERR_INVALID with a clear
 * message for an unknown flag, a bad value or an unreadable file.
 */
int config_load(struct config *out, int *argc, char **argv);
void config_release(struct config *c);
/* Prints "name = value" lines, secrets masked. */
void config_print(const struct config *c, FILE *f);
/* Prints the settings table as Markdown (docs/CONFIGURATION.md is this output). */
void config_print_markdown(FILE *f);
/* Prints the flag reference for --help. */
void config_print_help(FILE *f);

#endif
