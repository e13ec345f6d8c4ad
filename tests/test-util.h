/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh folder under the system's temporary folder, removed by the caller
 * with test_util_remove_tree (). */
char    *test_util_make_tmpdir   (void);
void     test_util_remove_tree   (const char *path);
/* Writes @contents to @dir/@name and returns the path. */
char    *test_util_write_file    (const char *dir,
                                  const char *name,
                                  const char *contents);
/* Number of entries in @dir, to prove that nothing (not even a temporary) was left. */
guint    test_util_count_entries (const char *dir);

G_END_DECLS
