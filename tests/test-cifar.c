/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "l2l-engine.h"
#include "test-util.h"

/* The CIFAR-10 reader on small batch files written here: records land in
 * order (training batches, then the test batch) with their planes as they
 * are; a missing batch, a size that is not whole records, and a label above
 * 9 are refused naming the file; no folder at all says how to get it. */

#define RECORD 3073

static char *
write_all (guint per_batch,
           guint test_records)
{
  char *dir = test_util_make_tmpdir ();

  for (guint i = 0; i < 5; i++)
    test_util_write_cifar_batch (dir, i, per_batch, -1);
  test_util_write_cifar_batch (dir, 5, test_records, -1);
  return dir;
}

static void
test_reads (void)
{
  g_autofree char *dir = write_all (3, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) data = l2l_dataset_get ("cifar10", dir, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (data->channels, ==, 3);
  g_assert_cmpuint (data->width, ==, 32);
  g_assert_cmpuint (data->height, ==, 32);
  g_assert_cmpuint (data->n_train, ==, 15);
  g_assert_cmpuint (data->n_held_out, ==, 2);
  for (guint i = 0; i < 17; i++)
    {
      guint batch = i < 15 ? i / 3 : 5, r = i < 15 ? i % 3 : i - 15;
      const guint8 *image = data->images + (gsize) i * (RECORD - 1);

      g_assert_cmpuint (data->labels[i], ==, (batch + r) % 10);
      /* first pixel of R, first of G (1024 later), last of B */
      g_assert_cmpuint (image[0], ==, (batch * 31 + r * 7) % 256);
      g_assert_cmpuint (image[1024], ==, (batch * 31 + r * 7 + 1024) % 256);
      g_assert_cmpuint (image[3071], ==, (batch * 31 + r * 7 + 3071) % 256);
    }
  test_util_remove_tree (dir);
}

static void
assert_refused (const char *dir,
                const char *file,
                const char *problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) data = l2l_dataset_get ("cifar10", dir, &error);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_assert_null (data);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  /* a file of the data set is the data option's, and bad input */
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE);
  g_assert_cmpstr (l2l_error_get_field (error), ==, "data");
  if (problem != NULL)
    g_assert_nonnull (strstr (error->message, problem));
}

static void
test_missing_test_batch (void)
{
  g_autofree char *dir = write_all (2, 1);
  g_autofree char *path = g_build_filename (dir, "test_batch.bin", NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
  assert_refused (dir, "test_batch.bin", NULL);   /* GLib's words, maybe translated */
  test_util_remove_tree (dir);
}

static void
test_truncated (void)
{
  g_autofree char *dir = write_all (2, 1);
  g_autofree char *path = g_build_filename (dir, "data_batch_3.bin", NULL);
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) size - 100, NULL));
  assert_refused (dir, "data_batch_3.bin", "not a whole number of 3073-byte");
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_refused (dir, "data_batch_3.bin", "0 bytes");
  test_util_remove_tree (dir);
}

static void
test_bad_label (void)
{
  g_autofree char *dir = write_all (2, 1);

  test_util_write_cifar_batch (dir, 4, 3, 2);
  assert_refused (dir, "data_batch_5.bin", "record 2 has label 10, not a class 0–9");
  test_util_remove_tree (dir);
}

static void
test_no_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *absent = g_build_filename (dir, "absent", NULL);

  /* the error says which setting it is about and how to get the data set,
   * as fields: no front end parses the message */
  g_assert_null (l2l_dataset_get ("cifar10", NULL, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DATA_NOT_INSTALLED);
  g_assert_cmpstr (l2l_error_get_field (error), ==, "data");
  g_assert_cmpstr (error->message, ==,
                   "cifar10: no copy given: CIFAR-10 cannot ship with the program");
  g_assert_nonnull (strstr (l2l_error_get_hint (error), "cifar-10-binary.tar.gz"));
  g_assert_nonnull (strstr (l2l_error_get_hint (error), "cifar-10-batches-bin"));
  g_assert_null (strstr (l2l_error_get_hint (error), "apt-get"));
  g_clear_error (&error);
  g_assert_null (l2l_dataset_get ("cifar10", absent, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE);
  g_assert_cmpstr (l2l_error_get_field (error), ==, "data");
  g_assert_null (l2l_error_get_hint (error));
  g_assert_nonnull (strstr (error->message, absent));
  test_util_remove_tree (dir);
}

/* A batch file past the 1 GB cap (sparse: it costs no disk) is refused by
 * its size, before any of it is read; a FIFO in a batch's place is refused
 * at once instead of waiting for a writer. */
static void
test_not_a_batch (void)
{
  g_autofree char *dir = write_all (3, 2);
  g_autofree char *path = g_build_filename (dir, "data_batch_2.bin", NULL);
  g_autoptr(GError) error = NULL;
  FILE *file;

  file = g_fopen (path, "wb");
  g_assert_nonnull (file);
  g_assert_cmpint (ftruncate (fileno (file), (1L << 30) + RECORD), ==, 0);
  fclose (file);
  g_assert_null (l2l_dataset_get ("cifar10", dir, &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "data_batch_2.bin: larger than 1024 MB"));
  g_clear_error (&error);

  g_unlink (path);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_assert_null (l2l_dataset_get ("cifar10", dir, &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "data_batch_2.bin: cannot read: not a regular file "
                                            "(a FIFO)"));
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/cifar/reads", test_reads);
  g_test_add_func ("/engine/cifar/missing-test-batch", test_missing_test_batch);
  g_test_add_func ("/engine/cifar/truncated", test_truncated);
  g_test_add_func ("/engine/cifar/bad-label", test_bad_label);
  g_test_add_func ("/engine/cifar/no-folder", test_no_folder);
  g_test_add_func ("/engine/cifar/not-a-batch", test_not_a_batch);
  return g_test_run ();
}
