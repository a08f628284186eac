/* SPDX-License-Identifier: Apache-2.0 */
/* Library start-up and log routing for saml/ (see saml.h). */
#include "base/common.h"

#include "saml/saml.h"

#include "base/error.h"
#include "base/log.h"
#include "saml/deps.h"

#include <dlfcn.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

struct saml_dl saml_dl;

/*
 * dlopen of lasso (its dependencies come with it: xmlsec with its OpenSSL
 * engine, libxml2, glib, gobject), then every function saml/ calls (deps.h).
 * dlsym on the handle searches lasso's dependencies as well, so libxmlsec1 and
 * libxmlsec1-openssl (dsig.c: keys, transforms) need no handle of their own;
 * lasso_init starts xmlsec and its OpenSSL engine once for everyone.
 * The handle is never closed: lasso and glib cannot be unloaded.
 */
static int load_libraries(void)
{
	void *h = dlopen("liblasso.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return error_setc(ERR_INTERNAL, "saml_init_failed", "cannot load lasso: %s",
		                  dlerror());
	const char *missing = NULL;
#define SAML_DL_LOAD(f)                                                                            \
	if (!(*(void **)&saml_dl.p_##f = dlsym(h, #f)))                                            \
		missing = #f;
	SAML_DL_FUNCTIONS(SAML_DL_LOAD)
#undef SAML_DL_LOAD
	saml_dl.xml_free = dlsym(h, "xmlFree");
	if (!saml_dl.xml_free)
		missing = "xmlFree";
	if (missing)
		return error_setc(ERR_INTERNAL, "saml_init_failed", "lasso's libraries lack %s",
		                  missing);
	return 0;
}

static void route_glib(const gchar *domain, GLogLevelFlags level, const gchar *message,
                       gpointer payload)
{
	UNUSED(payload);
	UNUSED(level);
	log_debug("saml library message", "lib=%s detail=\"%.300s\"", domain ? domain : "glib",
	          message ? message : "");
}

/*
 * lasso formats every message it logs, debug traces included ("Processing node
 * 'Issuer'..."), with a timestamp from localtime and a printf, before g_log sees
 * it: 1.5 M of the 6.5 M instructions of one validation (callgrind). lasso calls
 * its exported lasso_log through the PLT (572 call sites, no -Bsymbolic), so this
 * definition in our executable takes its place: debug traces are dropped before
 * any formatting, the rest reach our logger at debug level like other library
 * messages. The name breaks our prefix rule on purpose: it must be lasso's.
 */
void lasso_log(GLogLevelFlags level, const char *filename, int line, const char *function,
               const char *format, ...) PRINTF_LIKE(5, 6);

void lasso_log(GLogLevelFlags level, const char *filename, int line, const char *function,
               const char *format, ...)
{
	char msg[512];
	va_list ap;
	if (level & G_LOG_LEVEL_DEBUG)
		return;
	va_start(ap, format);
	vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);
	log_debug("saml library message", "lib=lasso at=%s:%d func=%s detail=\"%.300s\"",
	          filename ? filename : "", line, function ? function : "", msg);
}

static void route_xmlsec(const char *file, int line, const char *func, const char *object,
                         const char *subject, int reason, const char *msg)
{
	UNUSED(file);
	UNUSED(line);
	log_debug("saml library message",
	          "lib=xmlsec func=%s object=%s subject=%s reason=%d detail=\"%.200s\"",
	          func ? func : "", object ? object : "", subject ? subject : "", reason,
	          msg ? msg : "");
}

static void init_once(void)
{
	init_rc = load_libraries();
	if (init_rc)
		return;
	xmlInitParser();
	g_log_set_default_handler(route_glib, NULL);
	g_log_set_handler("Lasso", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
	                  route_glib, NULL);
	/* lasso_init starts xmlsec with the OpenSSL engine; the callback must come after. */
	if (lasso_init() != 0) {
		init_rc = error_setc(ERR_INTERNAL, "saml_init_failed", "lasso_init failed");
		return;
	}
	xmlSecErrorsSetCallback(route_xmlsec);
	init_rc = 0;
}

int saml_global_init(void)
{
	pthread_once(&once, init_once);
	return init_rc;
}
