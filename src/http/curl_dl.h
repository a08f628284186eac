/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl for http/client.c, loaded on first use. Private to client.c: no
 * other file includes it, and no curl type leaves client.c (STYLE.md §3).
 *
 * The server does not link libcurl: its first outbound request or URL check
 * opens libcurl.so.4 with dlopen (base/dl.h), and every curl function
 * client.c calls goes through a pointer of struct http_curl_dl. Linking it
 * mapped libcurl and what it brings (OpenSSL's libssl, Kerberos, LDAP,
 * libssh2, librtmp, nghttp2, brotli, zstd, ...) into every idle server:
 * with libpq (store/pg_dl.h), about 2 MB of its resident memory. The macros below turn each call
 * (curl_easy_init()) into a call through its pointer, type-checked against
 * curl's own prototype; client.c includes curl.h only through this header.
 * The unit test binary links libcurl as well; dlopen then returns the
 * library already loaded.
 *
 * curl's gcc type checks (curl/typecheck-gcc.h) define curl_easy_setopt and
 * curl_easy_getinfo as macros calling the functions by name; they are turned
 * off here, and client.c's SETOPT and GETINFO macros check the value types.
 */
#ifndef GATEHOUSE_HTTP_CURL_DL_H
#define GATEHOUSE_HTTP_CURL_DL_H

#ifdef CURLINC_CURL_H
#error "include http/curl_dl.h instead of curl/curl.h"
#endif
#include "base/dl.h"

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#undef curl_easy_getinfo /* the pass-through macros curl.h defines without its type checks */
#undef curl_easy_setopt

#define HTTP_CURL_DL_FUNCTIONS(X)                                                                  \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_init)                                                                          \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_reset)                                                                         \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_strerror)                                                                      \
	X(curl_free)                                                                               \
	X(curl_global_init)                                                                        \
	X(curl_slist_append)                                                                       \
	X(curl_slist_free_all)                                                                     \
	X(curl_url)                                                                                \
	X(curl_url_cleanup)                                                                        \
	X(curl_url_get)                                                                            \
	X(curl_url_set)                                                                            \
	X(curl_url_strerror)                                                                       \
	X(curl_version_info)

struct http_curl_dl {
	HTTP_CURL_DL_FUNCTIONS(DL_MEMBER)
};
extern struct http_curl_dl http_curl_dl; /* filled by client.c's global_setup */

#define HTTP_CURL_DL_SYMBOL(f) DL_SYMBOL(http_curl_dl, f)
static const struct dl_symbol http_curl_dl_symbols[] = {
	HTTP_CURL_DL_FUNCTIONS(HTTP_CURL_DL_SYMBOL) /* before the names become macros */
};

#define curl_easy_cleanup   (*http_curl_dl.p_curl_easy_cleanup)
#define curl_easy_getinfo   (*http_curl_dl.p_curl_easy_getinfo)
#define curl_easy_init      (*http_curl_dl.p_curl_easy_init)
#define curl_easy_perform   (*http_curl_dl.p_curl_easy_perform)
#define curl_easy_reset     (*http_curl_dl.p_curl_easy_reset)
#define curl_easy_setopt    (*http_curl_dl.p_curl_easy_setopt)
#define curl_easy_strerror  (*http_curl_dl.p_curl_easy_strerror)
#define curl_free           (*http_curl_dl.p_curl_free)
#define curl_global_init    (*http_curl_dl.p_curl_global_init)
#define curl_slist_append   (*http_curl_dl.p_curl_slist_append)
#define curl_slist_free_all (*http_curl_dl.p_curl_slist_free_all)
#define curl_url            (*http_curl_dl.p_curl_url)
#define curl_url_cleanup    (*http_curl_dl.p_curl_url_cleanup)
#define curl_url_get        (*http_curl_dl.p_curl_url_get)
#define curl_url_set        (*http_curl_dl.p_curl_url_set)
#define curl_url_strerror   (*http_curl_dl.p_curl_url_strerror)
#define curl_version_info   (*http_curl_dl.p_curl_version_info)

#endif
