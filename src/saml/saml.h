/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide setup for the SAML protocol core: libxml2, xmlsec (OpenSSL) and
 * lasso are initialised once, and their diagnostics (glib's g_log used by lasso,
 * xmlsec's error callback) go to our logger at debug level instead of stderr, so
 * a stream of forged responses cannot flood the logs (STACK.md pitfall 10).
 */
#ifndef GATEHOUSE_SAML_SAML_H
#define GATEHOUSE_SAML_SAML_H

/*
 * Call once from main before starting threads (pitfall 7: xmlInitParser). Later
 * calls return the first call's result, so tests and fuzz targets may call it too.
 * Returns 0, or ERR_INTERNAL when a library fails to start.
 */
int saml_global_init(void);

#endif
