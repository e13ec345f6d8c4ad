/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes through a temporary name and renames into place, so a crash never
 * leaves half a file. Errors name @path. */
gboolean l2l_file_write_atomic (const char  *path,
                                const char  *contents,
                                gsize        length,
                                GError     **error);

/* Reads a whole file; errors read "PATH: cannot read: REASON". */
gboolean l2l_file_read (const char  *path,
                        char       **contents,
                        gsize       *length,
                        GError     **error);

/* Fails early, before a long run, when @path could not be written later:
 * its folder is missing or not writable, or it is a folder itself. */
gboolean l2l_file_check_writable (const char  *path,
                                  GError     **error);

G_END_DECLS
