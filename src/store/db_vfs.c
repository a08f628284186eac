/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite VFS with gathered log writes (see db_vfs.h). */
#include "base/common.h"

#include "store/db_vfs.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <unistd.h>

#define VFS_NAME     "gatehouse"
#define GATHER_CAP   (256 * 1024)  /* bytes gathered before a pwrite */
#define RESERVE_STEP (1024 * 1024) /* log space reserved ahead */

struct gfile {
	sqlite3_file base;
	sqlite3_file *real; /* the unix VFS's file, right after this struct */
	/* the name SQLite opened the file with (for a database file, the pager's
	 * own pointer: what sqlite3_filename_database() gives for its log) */
	sqlite3_filename name;
	/* a database file: its log when open */
	struct gfile *wal;
	struct gfile *next; /* in the registry of open database files */
	/* a log file: its database file; fd >= 0 when writes are gathered (opened
	 * at the first write: readers' logs never get one) */
	struct gfile *db;
	int fd;
	bool plain; /* writes go straight through (no descriptor, no reservation) */
	unsigned char *buf;
	size_t len;
	sqlite3_int64 off;      /* file offset of buf[0] */
	sqlite3_int64 reserved; /* [0, reserved) has blocks (fallocate) */
};

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs gvfs;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gfile *databases;
static atomic_uint_fast64_t n_writes, n_flushes, n_passthrough;

#define REAL(p) (((struct gfile *)(p))->real)

static int pwrite_all(int fd, const unsigned char *p, size_t n, sqlite3_int64 off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int sqlite_code(int e)
{
	return e == ENOSPC || e == EDQUOT ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

/* Writes what f has gathered; 0 or an errno. */
static int flush(struct gfile *f)
{
	if (!f->len)
		return 0;
	int e = pwrite_all(f->fd, f->buf, f->len, f->off);
	f->len = 0;
	if (e == 0)
		atomic_fetch_add_explicit(&n_flushes, 1, memory_order_relaxed);
	return e;
}

/* Before a call that reads or depends on the log's bytes. */
static int flush_rc(sqlite3_file *p)
{
	struct gfile *f = (struct gfile *)p;
	int e = f->fd >= 0 ? flush(f) : 0;
	return e ? sqlite_code(e) : SQLITE_OK;
}

/*
 * Before a commit becomes visible (xShmBarrier, xShmLock): these calls
 * cannot fail, and the wal-index header has not been published yet, so
 * stopping here leaves the log ending at the previous commit.
 */
static void flush_or_stop(struct gfile *db)
{
	struct gfile *wal = db->wal;
	if (!wal || wal->fd < 0)
		return;
	int e = flush(wal);
	if (e)
		die("sqlite: cannot write the write-ahead log (%s); stopping before the "
		    "commit is published, so nothing unwritten is acknowledged",
		    strerror(e));
}

/* Stops gathering for f (its file system cannot reserve space). */
static int stop_gathering(struct gfile *f)
{
	int e = flush(f);
	close(f->fd);
	f->fd = -1;
	f->plain = true;
	return e ? sqlite_code(e) : SQLITE_OK;
}

/* Blocks for [0, end) before bytes up to end are gathered. */
static int reserve(struct gfile *f, sqlite3_int64 end)
{
	if (end <= f->reserved)
		return SQLITE_OK;
	sqlite3_int64 len = end - f->reserved + RESERVE_STEP;
	if (fallocate(f->fd, FALLOC_FL_KEEP_SIZE, f->reserved, len) == 0) {
		f->reserved += len;
		return SQLITE_OK;
	}
	int e = errno;
	if (e == ENOSPC || e == EDQUOT)
		return SQLITE_FULL;
	log_warn("sqlite: the write-ahead log's space cannot be reserved; its writes are no "
	         "longer gathered",
	         "err=\"%s\"", strerror(e));
	int rc = stop_gathering(f);
	return rc ? rc : SQLITE_NOTFOUND; /* written straight through by the caller */
}

static int g_write(sqlite3_file *p, const void *in, int n, sqlite3_int64 off)
{
	struct gfile *f = (struct gfile *)p;
	if (f->fd < 0 && f->db && !f->plain && (f->fd = open(f->name, O_RDWR | O_CLOEXEC)) < 0)
		f->plain = true;
	if (f->fd < 0 || !f->db)
		return f->real->pMethods->xWrite(f->real, in, n, off);
	atomic_fetch_add_explicit(&n_writes, 1, memory_order_relaxed);
	size_t sz = (size_t)n;
	bool follows = f->len && off == f->off + (sqlite3_int64)f->len;
	if (f->len && (!follows || f->len + sz > GATHER_CAP)) {
		int e = flush(f);
		if (e)
			return sqlite_code(e);
	}
	int rc = reserve(f, off + n);
	if (rc == SQLITE_NOTFOUND || (rc == SQLITE_OK && sz > GATHER_CAP)) {
		atomic_fetch_add_explicit(&n_passthrough, 1, memory_order_relaxed);
		return f->real->pMethods->xWrite(f->real, in, n, off);
	}
	if (rc)
		return rc;
	if (!f->buf)
		f->buf = xmalloc(GATHER_CAP);
	if (!f->len)
		f->off = off;
	memcpy(f->buf + f->len, in, sz);
	f->len += sz;
	return SQLITE_OK;
}

static int g_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	int rc = flush_rc(p);
	return rc ? rc : REAL(p)->pMethods->xRead(REAL(p), out, n, off);
}

static int g_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	struct gfile *f = (struct gfile *)p;
	int rc = flush_rc(p);
	if (rc == SQLITE_OK && f->reserved > size)
		f->reserved = size; /* blocks past the new end are freed */
	return rc ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int g_sync(sqlite3_file *p, int flags)
{
	int rc = flush_rc(p);
	return rc ? rc : REAL(p)->pMethods->xSync(REAL(p), flags);
}

static int g_size(sqlite3_file *p, sqlite3_int64 *size)
{
	int rc = flush_rc(p);
	return rc ? rc : REAL(p)->pMethods->xFileSize(REAL(p), size);
}

static int g_lock(sqlite3_file *p, int l)
{
	return REAL(p)->pMethods->xLock(REAL(p), l);
}

static int g_unlock(sqlite3_file *p, int l)
{
	return REAL(p)->pMethods->xUnlock(REAL(p), l);
}

static int g_reserved(sqlite3_file *p, int *out)
{
	return REAL(p)->pMethods->xCheckReservedLock(REAL(p), out);
}

static int g_fcntl(sqlite3_file *p, int op, void *arg)
{
	return REAL(p)->pMethods->xFileControl(REAL(p), op, arg);
}

static int g_sector(sqlite3_file *p)
{
	return REAL(p)->pMethods->xSectorSize(REAL(p));
}

static int g_devchar(sqlite3_file *p)
{
	return REAL(p)->pMethods->xDeviceCharacteristics(REAL(p));
}

static int g_shm_map(sqlite3_file *p, int pg, int sz, int extend, void volatile **out)
{
	return REAL(p)->pMethods->xShmMap(REAL(p), pg, sz, extend, out);
}

static int g_shm_lock(sqlite3_file *p, int off, int n, int flags)
{
	flush_or_stop((struct gfile *)p);
	return REAL(p)->pMethods->xShmLock(REAL(p), off, n, flags);
}

static void g_shm_barrier(sqlite3_file *p)
{
	flush_or_stop((struct gfile *)p);
	REAL(p)->pMethods->xShmBarrier(REAL(p));
}

static int g_shm_unmap(sqlite3_file *p, int del)
{
	return REAL(p)->pMethods->xShmUnmap(REAL(p), del);
}

static int g_fetch(sqlite3_file *p, sqlite3_int64 off, int n, void **out)
{
	int rc = flush_rc(p);
	return rc ? rc : REAL(p)->pMethods->xFetch(REAL(p), off, n, out);
}

static int g_unfetch(sqlite3_file *p, sqlite3_int64 off, void *ptr)
{
	return REAL(p)->pMethods->xUnfetch(REAL(p), off, ptr);
}

static void unregister(struct gfile *f)
{
	pthread_mutex_lock(&registry_lock);
	if (f->db)
		f->db->wal = NULL;
	if (f->wal)
		f->wal->db = NULL;
	for (struct gfile **pp = &databases; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
}

static int g_close(sqlite3_file *p)
{
	struct gfile *f = (struct gfile *)p;
	int rc = flush_rc(p);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unregister(f);
	free(f->buf);
	f->buf = NULL;
	int rc2 = f->real->pMethods->xClose(f->real);
	return rc ? rc : rc2;
}

static const sqlite3_io_methods g_methods = {
	.iVersion = 3,
	.xClose = g_close,
	.xRead = g_read,
	.xWrite = g_write,
	.xTruncate = g_truncate,
	.xSync = g_sync,
	.xFileSize = g_size,
	.xLock = g_lock,
	.xUnlock = g_unlock,
	.xCheckReservedLock = g_reserved,
	.xFileControl = g_fcntl,
	.xSectorSize = g_sector,
	.xDeviceCharacteristics = g_devchar,
	.xShmMap = g_shm_map,
	.xShmLock = g_shm_lock,
	.xShmBarrier = g_shm_barrier,
	.xShmUnmap = g_shm_unmap,
	.xFetch = g_fetch,
	.xUnfetch = g_unfetch,
};

/*
 * A log file belongs to the database file whose pager opened it: SQLite
 * passes the log's name inside the same allocation as the database's, and
 * sqlite3_filename_database() returns the database's own name pointer.
 */
static void link_log(struct gfile *wal, sqlite3_filename name)
{
	sqlite3_filename dbname = sqlite3_filename_database(name);
	pthread_mutex_lock(&registry_lock);
	for (struct gfile *d = databases; d; d = d->next)
		if (d->name == dbname && !d->wal) {
			d->wal = wal;
			wal->db = d;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
}

static int g_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags,
                  int *out_flags)
{
	(void)vfs;
	struct gfile *f = (struct gfile *)p;
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->real = (sqlite3_file *)(f + 1);
	int rc = unix_vfs->xOpen(unix_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc; /* pMethods stays NULL: SQLite does not close it */
	f->base.pMethods = &g_methods;
	f->name = name;
	if (name && (flags & SQLITE_OPEN_MAIN_DB)) {
		pthread_mutex_lock(&registry_lock);
		f->next = databases;
		databases = f;
		pthread_mutex_unlock(&registry_lock);
	} else if (name && (flags & SQLITE_OPEN_WAL)) {
		link_log(f, name);
	}
	return SQLITE_OK;
}

static void setup(void)
{
	unix_vfs = sqlite3_vfs_find(NULL);
	if (!unix_vfs)
		die("sqlite: no default VFS");
	gvfs = *unix_vfs;
	gvfs.zName = VFS_NAME;
	gvfs.pNext = NULL;
	gvfs.szOsFile = (int)sizeof(struct gfile) + unix_vfs->szOsFile;
	gvfs.xOpen = g_open;
	if (sqlite3_vfs_register(&gvfs, 0) != SQLITE_OK)
		die("sqlite: cannot register the %s VFS", VFS_NAME);
}

const char *db_vfs_name(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, setup);
	return VFS_NAME;
}

void db_vfs_stats(struct db_vfs_stats *out)
{
	out->log_writes = atomic_load(&n_writes);
	out->log_flushes = atomic_load(&n_flushes);
	out->passthrough = atomic_load(&n_passthrough);
}
