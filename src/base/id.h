/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Object ids: "<prefix>_" + 26 lowercase Crockford base32 characters, the
 * first 10 a millisecond timestamp and the other 16 random (80 bits), so ids
 * sort by creation time and keyset pagination on id follows creation order.
 */
#ifndef GATEHOUSE_BASE_ID_H
#define GATEHOUSE_BASE_ID_H

#define ID_MAX 40

/* Writes a new id with the given prefix ("org") into out[ID_MAX]. */
void id_new(char out[ID_MAX], const char *prefix);
/* True when s looks like an id with this prefix (shape only). */
bool id_is_valid(const char *s, const char *prefix);

#endif
