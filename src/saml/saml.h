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
 * Runs the libraries' one-time set-up (pitfall 7: xmlInitParser before any
 * parse) exactly once, under pthread_once, so any thread may call it. Every
 * saml/ entry point that reaches libxml2, xmlsec or lasso calls it first
 * (saml_xml_parse, saml_sp_ctx_new): a server that never sees SAML never
 * starts them, which keeps about 1.5 MB out of its idle memory. Later calls
 * return the first call's result. Returns 0, or ERR_INTERNAL when a library
 * fails to start.
 */
int saml_global_init(void);

#endif
