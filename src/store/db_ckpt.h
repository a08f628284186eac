/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite checkpoints off the writer's path. Private to store/ (db.c).
 *
 * SQLite's default copies the write-ahead log into the database file, and
 * fsyncs both, inside the commit that made the log reach 1,000 frames, so the
 * single writer, and every write queued behind it, waits for the disk many
 * times a second under load. Instead, the writer's connection does no
 * checkpoint itself; once the log passes DB_CKPT_START_FRAMES, a background
 * thread with its own connection copies it (PASSIVE: concurrent with writes)
 * until what remains is small; the writer then copies that remainder before
 * its next transaction, so the log is complete in the database file and the
 * next commit starts it again from the beginning. If the background thread
 * cannot keep up, the writer waits for its pass and checkpoints itself past
 * DB_CKPT_HARD_FRAMES (and past DB_CKPT_START_FRAMES if the thread cannot open
 * a connection), which bounds the log as SQLite's default does, except that,
 * as with the default, a reader holding an old snapshot keeps frames from
 * being copied. Crash safety is unchanged: a checkpoint still syncs the log
 * before and the database file after copying. With synchronous=NORMAL a commit
 * is not fsynced by itself, only by the next checkpoint, so what a power loss
 * (not a crash of the process) can take is up to DB_CKPT_START_FRAMES pages of
 * the latest commits (SQLite's default: about 1,000), DB_CKPT_HARD_FRAMES at
 * worst.
 */
#ifndef GATEHOUSE_STORE_DB_CKPT_H
#define GATEHOUSE_STORE_DB_CKPT_H

#include "store/db_driver.h"

#define DB_CKPT_START_FRAMES 4000  /* about 16 MB of log with 4 KiB pages */
#define DB_CKPT_DONE_FRAMES  512   /* a remainder the writer copies itself */
#define DB_CKPT_HARD_FRAMES  16000 /* about 64 MB: the writer stops deferring */

struct db_ckpt;

/* Starts the thread (its connection opens on first use). NULL on failure. */
struct db_ckpt *db_ckpt_start(const struct db_ops *ops, const char *target);
void db_ckpt_stop(struct db_ckpt *k);

/* The leader, before BEGIN on the writer connection: copies the remainder
 * of a converged background pass, or all of the log past the hard limit. */
void db_ckpt_before_write(struct db_ckpt *k, struct db_conn *writer);
/* The leader, after a commit: wakes the thread when the log is long. */
void db_ckpt_after_write(struct db_ckpt *k, struct db_conn *writer);

void db_ckpt_stats(const struct db_ckpt *k, uint64_t *background, uint64_t *writer,
                   uint64_t *wal_frames);

#endif
