/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Caps on what a loader reads, checked before the bytes are kept. */
#define L2L_FILE_MAX_JSON_BYTES     (256u << 20)  /* problem files */
#define L2L_FILE_MAX_BINARY_BYTES   (1u << 30)    /* checkpoints, data sets */

/* Writes through a temporary name and renames into place, so a crash never
 * leaves half a file. A symbolic link is followed and its target replaced; a
 * path that exists and is not a regular file (a device, a FIFO, a folder) is
 * refused, never replaced. The temporary is ".NAME.l2l-tmp" beside the
 * target: one a crash leaves is removed by l2l_file_check_writable or
 * replaced by the next write. Errors name @path. */
gboolean l2l_file_write_atomic   (const char  *path,
                                  const char  *contents,
                                  gsize        length,
                                  GError     **error);

/* Files written together: each is written to its temporary by
 * l2l_file_set_add, and only when all are written does l2l_file_set_commit
 * rename them into place (renaming needs no space). So a failure to write
 * one (a full disk) leaves all of them as they were; freeing the set
 * removes temporaries not renamed. */
typedef struct _L2lFileSet L2lFileSet;

L2lFileSet *l2l_file_set_new     (void);
gboolean    l2l_file_set_add     (L2lFileSet  *set,
                                  const char  *path,
                                  const char  *contents,
                                  gsize        length,
                                  GError     **error);
gboolean    l2l_file_set_commit  (L2lFileSet  *set,
                                  GError     **error);
void        l2l_file_set_free    (L2lFileSet  *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lFileSet, l2l_file_set_free)

/* Only one process writes an output at a time: an exclusive lock on the
 * hidden ".NAME.l2l-lock" beside @path, refused at once (naming @flag and
 * the holder's lock file) while another process holds it. The lock goes
 * with the process, so a crash leaves none held; unlocking removes the
 * file. */
typedef struct _L2lFileLock L2lFileLock;

L2lFileLock *l2l_file_lock   (const char   *path,
                              const char   *flag,
                              GError      **error);
void         l2l_file_unlock (L2lFileLock  *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lFileLock, l2l_file_unlock)

/* Reads a whole regular file of at most @max_bytes; a longer one is refused
 * with the limit, and so are FIFOs, sockets and devices (like /dev/zero),
 * before anything waits on them. "resource:///…" reads a file built into the
 * program. Errors read "PATH: cannot read: REASON" or name the size. */
gboolean l2l_file_read           (const char  *path,
                                  gsize        max_bytes,
                                  char       **contents,
                                  gsize       *length,
                                  GError     **error);

/* How messages name a file: a built-in one (resource://…/data/X) as
 * "built-in X", others as given. */
char    *l2l_file_display_name  (const char  *path);

/* Fails early, before a long run, when @path could not be written later:
 * its folder is missing or not writable, or it exists and is not a regular
 * file. */
gboolean l2l_file_check_writable (const char  *path,
                                  GError     **error);

/* Fails when two of the @n outputs (NULLs skipped) are one file, however
 * spelled ("x", "./x", a link to x). @flags [n] name them in the message. */
gboolean l2l_file_check_distinct (const char *const *paths,
                                  const char *const *flags,
                                  guint               n,
                                  GError            **error);

/* Fails when one of the @n_outputs outputs (NULLs skipped) is, however
 * spelled or linked, one of the @n_inputs files the same command reads:
 * writing it would destroy what was read. @output_flags and @input_flags
 * name them in the message. */
gboolean l2l_file_check_not_inputs (const char *const *outputs,
                                    const char *const *output_flags,
                                    guint               n_outputs,
                                    const char *const *inputs,
                                    const char *const *input_flags,
                                    guint               n_inputs,
                                    GError            **error);

G_END_DECLS
