/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The third-party headers saml/ uses (lasso, xmlsec, libxml2, glib), in one place.
 * Private to saml/: no other module includes it, and no type from these headers
 * appears in a saml/ public header (STYLE.md §3).
 *
 * The libraries are not linked into the server: saml_global_init() opens
 * liblasso.so.3 (which brings xmlsec, libxml2, glib and gobject) with
 * dlopen on first SAML use, and the functions saml/ calls go through the
 * pointers of struct saml_dl. Loading them at start cost about 4 MB of an
 * idle server's memory. The macros below turn each call (lasso_login_new(s))
 * into a call through its pointer, type-checked against the library's own
 * prototype; so this header must be included after every library header.
 * The unit test and fuzz binaries link the libraries as well (tests may call
 * functions that are not listed here).
 */
#ifndef GATEHOUSE_SAML_DEPS_H
#define GATEHOUSE_SAML_DEPS_H

#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <xmlsec/errors.h>

#define SAML_DL_FUNCTIONS(X)                                                                       \
	X(g_free)                                                                                  \
	X(g_log_set_default_handler)                                                               \
	X(g_log_set_handler)                                                                       \
	X(g_object_unref)                                                                          \
	X(g_strdup)                                                                                \
	X(g_type_check_instance_cast)                                                              \
	X(g_type_check_instance_is_a)                                                              \
	X(lasso_init)                                                                              \
	X(lasso_login_build_authn_request_msg)                                                     \
	X(lasso_login_init_authn_request)                                                          \
	X(lasso_login_new)                                                                         \
	X(lasso_login_process_authn_response_msg)                                                  \
	X(lasso_node_get_original_xmlnode)                                                         \
	X(lasso_node_get_type)                                                                     \
	X(lasso_profile_get_signature_status)                                                      \
	X(lasso_profile_get_type)                                                                  \
	X(lasso_profile_set_signature_hint)                                                        \
	X(lasso_profile_set_signature_verify_hint)                                                 \
	X(lasso_saml2_assertion_get_type)                                                          \
	X(lasso_saml2_name_id_get_type)                                                            \
	X(lasso_saml2_name_id_new_with_string)                                                     \
	X(lasso_saml2_subject_get_type)                                                            \
	X(lasso_saml2_subject_new)                                                                 \
	X(lasso_samlp2_authn_request_get_type)                                                     \
	X(lasso_samlp2_response_get_type)                                                          \
	X(lasso_server_add_provider_from_buffer)                                                   \
	X(lasso_server_new_from_buffers)                                                           \
	X(lasso_server_set_encryption_private_key_with_password)                                   \
	X(lasso_strerror)                                                                          \
	X(xmlCreateMemoryParserCtxt)                                                               \
	X(xmlCtxtUseOptions)                                                                       \
	X(xmlDocGetRootElement)                                                                    \
	X(xmlFreeDoc)                                                                              \
	X(xmlFreeParserCtxt)                                                                       \
	X(xmlHasNsProp)                                                                            \
	X(xmlInitParser)                                                                           \
	X(xmlNodeGetContent)                                                                       \
	X(xmlParseDocument)                                                                        \
	X(xmlSecErrorsSetCallback)                                                                 \
	X(xmlStopParser)

#define SAML_DL_MEMBER(f) __typeof__(f) *p_##f;
struct saml_dl {
	SAML_DL_FUNCTIONS(SAML_DL_MEMBER)
	xmlFreeFunc *xml_free; /* libxml2's xmlFree is a variable holding the function */
};
#undef SAML_DL_MEMBER

/* Filled by saml_global_init() (saml.c) before any of them is called. */
extern struct saml_dl saml_dl;

#define g_free                                  (*saml_dl.p_g_free)
#define g_log_set_default_handler               (*saml_dl.p_g_log_set_default_handler)
#define g_log_set_handler                       (*saml_dl.p_g_log_set_handler)
#define g_object_unref                          (*saml_dl.p_g_object_unref)
#define g_strdup                                (*saml_dl.p_g_strdup)
#define g_type_check_instance_cast              (*saml_dl.p_g_type_check_instance_cast)
#define g_type_check_instance_is_a              (*saml_dl.p_g_type_check_instance_is_a)
#define lasso_init                              (*saml_dl.p_lasso_init)
#define lasso_login_build_authn_request_msg     (*saml_dl.p_lasso_login_build_authn_request_msg)
#define lasso_login_init_authn_request          (*saml_dl.p_lasso_login_init_authn_request)
#define lasso_login_new                         (*saml_dl.p_lasso_login_new)
#define lasso_login_process_authn_response_msg  (*saml_dl.p_lasso_login_process_authn_response_msg)
#define lasso_node_get_original_xmlnode         (*saml_dl.p_lasso_node_get_original_xmlnode)
#define lasso_node_get_type                     (*saml_dl.p_lasso_node_get_type)
#define lasso_profile_get_signature_status      (*saml_dl.p_lasso_profile_get_signature_status)
#define lasso_profile_get_type                  (*saml_dl.p_lasso_profile_get_type)
#define lasso_profile_set_signature_hint        (*saml_dl.p_lasso_profile_set_signature_hint)
#define lasso_profile_set_signature_verify_hint (*saml_dl.p_lasso_profile_set_signature_verify_hint)
#define lasso_saml2_assertion_get_type          (*saml_dl.p_lasso_saml2_assertion_get_type)
#define lasso_saml2_name_id_get_type            (*saml_dl.p_lasso_saml2_name_id_get_type)
#define lasso_saml2_name_id_new_with_string     (*saml_dl.p_lasso_saml2_name_id_new_with_string)
#define lasso_saml2_subject_get_type            (*saml_dl.p_lasso_saml2_subject_get_type)
#define lasso_saml2_subject_new                 (*saml_dl.p_lasso_saml2_subject_new)
#define lasso_samlp2_authn_request_get_type     (*saml_dl.p_lasso_samlp2_authn_request_get_type)
#define lasso_samlp2_response_get_type          (*saml_dl.p_lasso_samlp2_response_get_type)
#define lasso_server_add_provider_from_buffer   (*saml_dl.p_lasso_server_add_provider_from_buffer)
#define lasso_server_new_from_buffers           (*saml_dl.p_lasso_server_new_from_buffers)
#define lasso_server_set_encryption_private_key_with_password                                      \
	(*saml_dl.p_lasso_server_set_encryption_private_key_with_password)
#define lasso_strerror            (*saml_dl.p_lasso_strerror)
#define xmlCreateMemoryParserCtxt (*saml_dl.p_xmlCreateMemoryParserCtxt)
#define xmlCtxtUseOptions         (*saml_dl.p_xmlCtxtUseOptions)
#define xmlDocGetRootElement      (*saml_dl.p_xmlDocGetRootElement)
#define xmlFreeDoc                (*saml_dl.p_xmlFreeDoc)
#define xmlFreeParserCtxt         (*saml_dl.p_xmlFreeParserCtxt)
#define xmlHasNsProp              (*saml_dl.p_xmlHasNsProp)
#define xmlInitParser             (*saml_dl.p_xmlInitParser)
#define xmlNodeGetContent         (*saml_dl.p_xmlNodeGetContent)
#define xmlParseDocument          (*saml_dl.p_xmlParseDocument)
#define xmlSecErrorsSetCallback   (*saml_dl.p_xmlSecErrorsSetCallback)
#define xmlStopParser             (*saml_dl.p_xmlStopParser)
#undef xmlFree
#define xmlFree (*(*saml_dl.xml_free))

#endif
