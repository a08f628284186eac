/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libpq for store/db_pg.c, loaded on first use. Private to db_pg.c: no other
 * product file includes it, and no libpq type leaves db_pg.c (STYLE.md §3).
 *
 * The server does not link libpq: the first PostgreSQL connection opens
 * libpq.so.5 with dlopen (base/dl.h), and every libpq function db_pg.c
 * calls goes through a pointer of struct store_pg_dl. A server on SQLite
 * never loads it (with what it brings: OpenSSL's libssl, Kerberos, LDAP).
 * The macros below turn each call (PQexec(c, sql)) into a call through its
 * pointer, type-checked against libpq's own prototype; db_pg.c includes
 * libpq-fe.h only through this header. The test binaries link libpq as well
 * (db_pg_test.c calls it directly); dlopen then returns the library already
 * loaded.
 */
#ifndef GATEHOUSE_STORE_PG_DL_H
#define GATEHOUSE_STORE_PG_DL_H

#include "base/dl.h"

#include <libpq-fe.h>

#define STORE_PG_DL_FUNCTIONS(X)                                                                   \
	X(PQclear)                                                                                 \
	X(PQcmdStatus)                                                                             \
	X(PQcmdTuples)                                                                             \
	X(PQconnectdb)                                                                             \
	X(PQerrorMessage)                                                                          \
	X(PQexec)                                                                                  \
	X(PQexecPrepared)                                                                          \
	X(PQfinish)                                                                                \
	X(PQgetisnull)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQnfields)                                                                               \
	X(PQntuples)                                                                               \
	X(PQprepare)                                                                               \
	X(PQresultErrorField)                                                                      \
	X(PQresultErrorMessage)                                                                    \
	X(PQresultStatus)                                                                          \
	X(PQsetNoticeProcessor)                                                                    \
	X(PQstatus)

struct store_pg_dl {
	STORE_PG_DL_FUNCTIONS(DL_MEMBER)
};
extern struct store_pg_dl store_pg_dl; /* filled by db_pg.c's load_libpq */

#define STORE_PG_DL_SYMBOL(f) DL_SYMBOL(store_pg_dl, f)
static const struct dl_symbol store_pg_dl_symbols[] = {
	STORE_PG_DL_FUNCTIONS(STORE_PG_DL_SYMBOL) /* before the names become macros */
};

#define PQclear              (*store_pg_dl.p_PQclear)
#define PQcmdStatus          (*store_pg_dl.p_PQcmdStatus)
#define PQcmdTuples          (*store_pg_dl.p_PQcmdTuples)
#define PQconnectdb          (*store_pg_dl.p_PQconnectdb)
#define PQerrorMessage       (*store_pg_dl.p_PQerrorMessage)
#define PQexec               (*store_pg_dl.p_PQexec)
#define PQexecPrepared       (*store_pg_dl.p_PQexecPrepared)
#define PQfinish             (*store_pg_dl.p_PQfinish)
#define PQgetisnull          (*store_pg_dl.p_PQgetisnull)
#define PQgetvalue           (*store_pg_dl.p_PQgetvalue)
#define PQnfields            (*store_pg_dl.p_PQnfields)
#define PQntuples            (*store_pg_dl.p_PQntuples)
#define PQprepare            (*store_pg_dl.p_PQprepare)
#define PQresultErrorField   (*store_pg_dl.p_PQresultErrorField)
#define PQresultErrorMessage (*store_pg_dl.p_PQresultErrorMessage)
#define PQresultStatus       (*store_pg_dl.p_PQresultStatus)
#define PQsetNoticeProcessor (*store_pg_dl.p_PQsetNoticeProcessor)
#define PQstatus             (*store_pg_dl.p_PQstatus)

#endif
