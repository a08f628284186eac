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
#include <libxml/valid.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysdata.h>
#include <xmlsec/list.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/xmlsec.h>

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
	X(lasso_node_get_type)                                                                     \
	X(lasso_profile_get_type)                                                                  \
	X(lasso_profile_set_signature_hint)                                                        \
	X(lasso_saml2_name_id_get_type)                                                            \
	X(lasso_saml2_name_id_new_with_string)                                                     \
	X(lasso_saml2_subject_get_type)                                                            \
	X(lasso_saml2_subject_new)                                                                 \
	X(lasso_samlp2_authn_request_get_type)                                                     \
	X(lasso_server_add_provider_from_buffer)                                                   \
	X(lasso_server_new_from_buffers)                                                           \
	X(lasso_strerror)                                                                          \
	X(xmlAddID)                                                                                \
	X(xmlCreateMemoryParserCtxt)                                                               \
	X(xmlCtxtUseOptions)                                                                       \
	X(xmlDocCopyNode)                                                                          \
	X(xmlDocGetRootElement)                                                                    \
	X(xmlDocSetRootElement)                                                                    \
	X(xmlFreeDoc)                                                                              \
	X(xmlFreeNodeList)                                                                         \
	X(xmlFreeParserCtxt)                                                                       \
	X(xmlGetID)                                                                                \
	X(xmlHasNsProp)                                                                            \
	X(xmlInitParser)                                                                           \
	X(xmlNewDoc)                                                                               \
	X(xmlNodeGetContent)                                                                       \
	X(xmlParseDocument)                                                                        \
	X(xmlParseInNodeContext)                                                                   \
	X(xmlSecBufferGetData)                                                                     \
	X(xmlSecBufferGetSize)                                                                     \
	X(xmlSecDSigCtxEnableReferenceTransform)                                                   \
	X(xmlSecDSigCtxEnableSignatureTransform)                                                   \
	X(xmlSecDSigCtxFinalize)                                                                   \
	X(xmlSecDSigCtxInitialize)                                                                 \
	X(xmlSecDSigCtxVerify)                                                                     \
	X(xmlSecEncCtxDecryptToBuffer)                                                             \
	X(xmlSecEncCtxFinalize)                                                                    \
	X(xmlSecEncCtxInitialize)                                                                  \
	X(xmlSecErrorsSetCallback)                                                                 \
	X(xmlSecKeyCreate)                                                                         \
	X(xmlSecKeyDataCreate)                                                                     \
	X(xmlSecKeyDataDestroy)                                                                    \
	X(xmlSecKeyDestroy)                                                                        \
	X(xmlSecKeyDuplicate)                                                                      \
	X(xmlSecKeySetValue)                                                                       \
	X(xmlSecOpenSSLEvpKeyAdopt)                                                                \
	X(xmlSecOpenSSLKeyDataAesGetKlass)                                                         \
	X(xmlSecOpenSSLKeyDataAesSet)                                                              \
	X(xmlSecOpenSSLKeyDataDesGetKlass)                                                         \
	X(xmlSecOpenSSLKeyDataDesSet)                                                              \
	X(xmlSecOpenSSLTransformAes128CbcGetKlass)                                                 \
	X(xmlSecOpenSSLTransformAes128GcmGetKlass)                                                 \
	X(xmlSecOpenSSLTransformAes192CbcGetKlass)                                                 \
	X(xmlSecOpenSSLTransformAes192GcmGetKlass)                                                 \
	X(xmlSecOpenSSLTransformAes256CbcGetKlass)                                                 \
	X(xmlSecOpenSSLTransformAes256GcmGetKlass)                                                 \
	X(xmlSecOpenSSLTransformDes3CbcGetKlass)                                                   \
	X(xmlSecOpenSSLTransformRsaOaepGetKlass)                                                   \
	X(xmlSecOpenSSLTransformRsaSha1GetKlass)                                                   \
	X(xmlSecOpenSSLTransformRsaSha256GetKlass)                                                 \
	X(xmlSecOpenSSLTransformRsaSha384GetKlass)                                                 \
	X(xmlSecOpenSSLTransformRsaSha512GetKlass)                                                 \
	X(xmlSecOpenSSLTransformSha1GetKlass)                                                      \
	X(xmlSecOpenSSLTransformSha256GetKlass)                                                    \
	X(xmlSecOpenSSLTransformSha384GetKlass)                                                    \
	X(xmlSecOpenSSLTransformSha512GetKlass)                                                    \
	X(xmlSecPtrListAdd)                                                                        \
	X(xmlSecPtrListGetItem)                                                                    \
	X(xmlSecPtrListGetSize)                                                                    \
	X(xmlSecTransformEnvelopedGetKlass)                                                        \
	X(xmlSecTransformExclC14NGetKlass)                                                         \
	X(xmlSecTransformInclC14N11GetKlass)                                                       \
	X(xmlSecTransformInclC14NGetKlass)                                                         \
	X(xmlStopParser)                                                                           \
	X(xmlValidateNCName)

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
#define lasso_node_get_type                     (*saml_dl.p_lasso_node_get_type)
#define lasso_profile_get_type                  (*saml_dl.p_lasso_profile_get_type)
#define lasso_profile_set_signature_hint        (*saml_dl.p_lasso_profile_set_signature_hint)
#define lasso_saml2_name_id_get_type            (*saml_dl.p_lasso_saml2_name_id_get_type)
#define lasso_saml2_name_id_new_with_string     (*saml_dl.p_lasso_saml2_name_id_new_with_string)
#define lasso_saml2_subject_get_type            (*saml_dl.p_lasso_saml2_subject_get_type)
#define lasso_saml2_subject_new                 (*saml_dl.p_lasso_saml2_subject_new)
#define lasso_samlp2_authn_request_get_type     (*saml_dl.p_lasso_samlp2_authn_request_get_type)
#define lasso_server_add_provider_from_buffer   (*saml_dl.p_lasso_server_add_provider_from_buffer)
#define lasso_server_new_from_buffers           (*saml_dl.p_lasso_server_new_from_buffers)
#define lasso_strerror                          (*saml_dl.p_lasso_strerror)
#define xmlAddID                                (*saml_dl.p_xmlAddID)
#define xmlCreateMemoryParserCtxt               (*saml_dl.p_xmlCreateMemoryParserCtxt)
#define xmlCtxtUseOptions                       (*saml_dl.p_xmlCtxtUseOptions)
#define xmlDocCopyNode                          (*saml_dl.p_xmlDocCopyNode)
#define xmlDocGetRootElement                    (*saml_dl.p_xmlDocGetRootElement)
#define xmlDocSetRootElement                    (*saml_dl.p_xmlDocSetRootElement)
#define xmlFreeDoc                              (*saml_dl.p_xmlFreeDoc)
#define xmlFreeNodeList                         (*saml_dl.p_xmlFreeNodeList)
#define xmlFreeParserCtxt                       (*saml_dl.p_xmlFreeParserCtxt)
#define xmlGetID                                (*saml_dl.p_xmlGetID)
#define xmlHasNsProp                            (*saml_dl.p_xmlHasNsProp)
#define xmlInitParser                           (*saml_dl.p_xmlInitParser)
#define xmlNewDoc                               (*saml_dl.p_xmlNewDoc)
#define xmlNodeGetContent                       (*saml_dl.p_xmlNodeGetContent)
#define xmlParseDocument                        (*saml_dl.p_xmlParseDocument)
#define xmlParseInNodeContext                   (*saml_dl.p_xmlParseInNodeContext)
#define xmlSecBufferGetData                     (*saml_dl.p_xmlSecBufferGetData)
#define xmlSecBufferGetSize                     (*saml_dl.p_xmlSecBufferGetSize)
#define xmlSecDSigCtxEnableReferenceTransform   (*saml_dl.p_xmlSecDSigCtxEnableReferenceTransform)
#define xmlSecDSigCtxEnableSignatureTransform   (*saml_dl.p_xmlSecDSigCtxEnableSignatureTransform)
#define xmlSecDSigCtxFinalize                   (*saml_dl.p_xmlSecDSigCtxFinalize)
#define xmlSecDSigCtxInitialize                 (*saml_dl.p_xmlSecDSigCtxInitialize)
#define xmlSecDSigCtxVerify                     (*saml_dl.p_xmlSecDSigCtxVerify)
#define xmlSecEncCtxDecryptToBuffer             (*saml_dl.p_xmlSecEncCtxDecryptToBuffer)
#define xmlSecEncCtxFinalize                    (*saml_dl.p_xmlSecEncCtxFinalize)
#define xmlSecEncCtxInitialize                  (*saml_dl.p_xmlSecEncCtxInitialize)
#define xmlSecErrorsSetCallback                 (*saml_dl.p_xmlSecErrorsSetCallback)
#define xmlSecKeyCreate                         (*saml_dl.p_xmlSecKeyCreate)
#define xmlSecKeyDataCreate                     (*saml_dl.p_xmlSecKeyDataCreate)
#define xmlSecKeyDataDestroy                    (*saml_dl.p_xmlSecKeyDataDestroy)
#define xmlSecKeyDestroy                        (*saml_dl.p_xmlSecKeyDestroy)
#define xmlSecKeyDuplicate                      (*saml_dl.p_xmlSecKeyDuplicate)
#define xmlSecKeySetValue                       (*saml_dl.p_xmlSecKeySetValue)
#define xmlSecOpenSSLEvpKeyAdopt                (*saml_dl.p_xmlSecOpenSSLEvpKeyAdopt)
#define xmlSecOpenSSLKeyDataAesGetKlass         (*saml_dl.p_xmlSecOpenSSLKeyDataAesGetKlass)
#define xmlSecOpenSSLKeyDataAesSet              (*saml_dl.p_xmlSecOpenSSLKeyDataAesSet)
#define xmlSecOpenSSLKeyDataDesGetKlass         (*saml_dl.p_xmlSecOpenSSLKeyDataDesGetKlass)
#define xmlSecOpenSSLKeyDataDesSet              (*saml_dl.p_xmlSecOpenSSLKeyDataDesSet)
#define xmlSecOpenSSLTransformAes128CbcGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes128CbcGetKlass)
#define xmlSecOpenSSLTransformAes128GcmGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes128GcmGetKlass)
#define xmlSecOpenSSLTransformAes192CbcGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes192CbcGetKlass)
#define xmlSecOpenSSLTransformAes192GcmGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes192GcmGetKlass)
#define xmlSecOpenSSLTransformAes256CbcGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes256CbcGetKlass)
#define xmlSecOpenSSLTransformAes256GcmGetKlass (*saml_dl.p_xmlSecOpenSSLTransformAes256GcmGetKlass)
#define xmlSecOpenSSLTransformDes3CbcGetKlass   (*saml_dl.p_xmlSecOpenSSLTransformDes3CbcGetKlass)
#define xmlSecOpenSSLTransformRsaOaepGetKlass   (*saml_dl.p_xmlSecOpenSSLTransformRsaOaepGetKlass)
#define xmlSecOpenSSLTransformRsaSha1GetKlass   (*saml_dl.p_xmlSecOpenSSLTransformRsaSha1GetKlass)
#define xmlSecOpenSSLTransformRsaSha256GetKlass (*saml_dl.p_xmlSecOpenSSLTransformRsaSha256GetKlass)
#define xmlSecOpenSSLTransformRsaSha384GetKlass (*saml_dl.p_xmlSecOpenSSLTransformRsaSha384GetKlass)
#define xmlSecOpenSSLTransformRsaSha512GetKlass (*saml_dl.p_xmlSecOpenSSLTransformRsaSha512GetKlass)
#define xmlSecOpenSSLTransformSha1GetKlass      (*saml_dl.p_xmlSecOpenSSLTransformSha1GetKlass)
#define xmlSecOpenSSLTransformSha256GetKlass    (*saml_dl.p_xmlSecOpenSSLTransformSha256GetKlass)
#define xmlSecOpenSSLTransformSha384GetKlass    (*saml_dl.p_xmlSecOpenSSLTransformSha384GetKlass)
#define xmlSecOpenSSLTransformSha512GetKlass    (*saml_dl.p_xmlSecOpenSSLTransformSha512GetKlass)
#define xmlSecPtrListAdd                        (*saml_dl.p_xmlSecPtrListAdd)
#define xmlSecPtrListGetItem                    (*saml_dl.p_xmlSecPtrListGetItem)
#define xmlSecPtrListGetSize                    (*saml_dl.p_xmlSecPtrListGetSize)
#define xmlSecTransformEnvelopedGetKlass        (*saml_dl.p_xmlSecTransformEnvelopedGetKlass)
#define xmlSecTransformExclC14NGetKlass         (*saml_dl.p_xmlSecTransformExclC14NGetKlass)
#define xmlSecTransformInclC14N11GetKlass       (*saml_dl.p_xmlSecTransformInclC14N11GetKlass)
#define xmlSecTransformInclC14NGetKlass         (*saml_dl.p_xmlSecTransformInclC14NGetKlass)
#define xmlStopParser                           (*saml_dl.p_xmlStopParser)
#define xmlValidateNCName                       (*saml_dl.p_xmlValidateNCName)
#undef xmlFree
#define xmlFree (*(*saml_dl.xml_free))

#endif
