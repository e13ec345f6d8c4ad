/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

/* Files written together: when one cannot be written (here its temporary's
 * name is taken by a folder, as a full disk would fail it), none is
 * replaced and no temporary stays; when all can, all are, and none stays. */
static void
test_set_all_or_nothing (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *a = test_util_write_file (dir, "a.txt", "old a");
  g_autofree char *b = test_util_write_file (dir, "b.txt", "old b");
  g_autofree char *blocker = g_build_filename (dir, ".b.txt.l2l-tmp", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);
  {
    g_autoptr(L2lFileSet) set = l2l_file_set_new ();

    g_assert_true (l2l_file_set_add (set, a, "new a", 5, &error));
    g_assert_false (l2l_file_set_add (set, b, "new b", 5, &error));
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message, b));
    g_clear_error (&error);
  }
  assert_contents (a, "old a");
  assert_contents (b, "old b");
  g_assert_cmpuint (test_util_count_entries (dir), ==, 3);   /* a, b and the blocker */

  g_assert_cmpint (g_rmdir (blocker), ==, 0);
  {
    g_autoptr(L2lFileSet) set = l2l_file_set_new ();

    g_assert_true (l2l_file_set_add (set, a, "new a", 5, &error));
    g_assert_true (l2l_file_set_add (set, b, "new b", 5, &error));
    assert_contents (a, "old a");
    g_assert_true (l2l_file_set_commit (set, &error));
    g_assert_no_error (error);
  }
  assert_contents (a, "new a");
  assert_contents (b, "new b");
  g_assert_cmpuint (test_util_count_entries (dir), ==, 2);
  test_util_remove_tree (dir);
}

/* A temporary that a crash (kill -9 in the middle of a large write) left
 * beside an output is removed when the next command checks that output. */
static void
test_stale_temporary (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *stale = test_util_write_file (dir, ".out.csv.l2l-tmp", "half a file");
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (l2l_file_check_writable (out, &error));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (l2l_file_write_atomic (out, "x", 1, &error));
  assert_contents (out, "x");
  g_assert_cmpuint (test_util_count_entries (dir), ==, 1);
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/file/set-all-or-nothing", test_set_all_or_nothing);
  g_test_add_func ("/engine/file/stale-temporary", test_stale_temporary);
  return g_test_run ();
}
