/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "test-util.h"

char *
test_util_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
test_util_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            test_util_remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

char *
test_util_write_file (const char *dir,
                      const char *name,
                      const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

guint
test_util_count_entries (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

double
test_util_max_rel_diff (const float *a,
                        const float *b,
                        gsize        n)
{
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) a[i] - b[i]) / MAX (1.0, fabs (b[i])));
  return worst;
}

void
test_util_write_cifar_batch (const char *dir,
                             guint       index,
                             guint       records,
                             int         bad_label_at)
{
  const char *names[] = { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                          "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" };
  const gsize record = 3073;
  g_autofree guint8 *bytes = g_new (guint8, records * record);
  g_autofree char *path = g_build_filename (dir, names[index], NULL);

  for (guint r = 0; r < records; r++)
    {
      bytes[r * record] = (guint8) ((int) r == bad_label_at ? 10 : (index + r) % 10);
      for (guint p = 0; p < record - 1; p++)
        bytes[r * record + 1 + p] = (guint8) ((index * 31 + r * 7 + p) % 256);
    }
  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) (records * record),
                                      NULL));
}

char *
test_util_csv_losses (const char *csv)
{
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *comma = strrchr (lines[i], ',');
      if (comma != NULL)
        *comma = '\0';
      g_string_append_printf (out, "%s%s", i ? "\n" : "", lines[i]);
    }
  return g_string_free (out, FALSE);
}
