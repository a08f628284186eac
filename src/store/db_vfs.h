/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite VFS every file database is opened with: the default unix VFS,
 * except that a connection's writes to its write-ahead log are gathered and
 * reach the file as one pwrite instead of two per page (a 24-byte frame
 * header, then the page). A SCIM create appends about 14 frames: 28 system
 * calls, each touching one or two page-cache pages, became one.
 *
 * What keeps this exactly as safe as the plain unix VFS:
 *  - Nothing of a commit is ever held back when other connections can see
 *    it: SQLite publishes a commit by writing the wal-index header, and calls
 *    xShmBarrier on the connection's database file just before; the gathered
 *    bytes are written there (and before every xShmLock, and before any
 *    other call on the log file: read, size, sync, truncate, close). A
 *    commit therefore reaches the page cache before it is visible or
 *    acknowledged, as before: kill -9 loses nothing acknowledged.
 *  - xShmBarrier cannot report an error. The space the gathered bytes will
 *    take in the log is reserved with fallocate (FALLOC_FL_KEEP_SIZE, 1 MiB
 *    at a time) while the pages are gathered, where SQLITE_FULL can still be
 *    returned, so a full disk fails the transaction as it did before. If the
 *    write still fails there (an I/O error), the process stops before the
 *    header is published: the log then ends at the previous commit, which is
 *    what SQLite's recovery reads on the next start, and the failed commit
 *    was never acknowledged.
 *  - A log file whose database was not opened through this VFS, or whose
 *    file system cannot reserve space, is written straight through.
 */
#ifndef GATEHOUSE_STORE_DB_VFS_H
#define GATEHOUSE_STORE_DB_VFS_H

#include <stdint.h>

/* Registers the VFS on first use; returns its name for sqlite3_open_v2. */
const char *db_vfs_name(void);

struct db_vfs_stats {
	uint64_t log_writes;  /* xWrite calls on log files */
	uint64_t log_flushes; /* pwrite calls that wrote gathered bytes */
	uint64_t passthrough; /* log writes not gathered (no reservation, too big) */
};

/* Process-wide counters (for tests and diagnostics). */
void db_vfs_stats(struct db_vfs_stats *out);

#endif
