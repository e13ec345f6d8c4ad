/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-cifar.h"
#include "l2l-error.h"
#include "l2l-file.h"

#define PIXELS L2L_CIFAR_PIXELS
#define RECORD (1 + PIXELS)

static const char *const batches[] = {
  "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
  "data_batch_5.bin", "test_batch.bin",
};

/* Reads one batch file and checks it; its records are appended later. */
static GBytes *
read_batch (const char  *path,
            GError     **error)
{
  g_autofree char *contents = NULL;
  const guint8 *bytes;
  gsize size;

  if (!l2l_file_read (path, L2L_FILE_MAX_BINARY_BYTES, &contents, &size, error))
    return NULL;
  if (size == 0 || size % RECORD != 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %" G_GSIZE_FORMAT " bytes, not a whole number of %u-byte CIFAR-10 "
                   "records (a label byte and 32 × 32 × 3 pixels)", path, size, RECORD);
      return NULL;
    }
  bytes = (const guint8 *) contents;
  for (gsize r = 0; r < size / RECORD; r++)
    if (bytes[r * RECORD] > 9)
      {
        g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                     "%s: record %" G_GSIZE_FORMAT " has label %u, not a class 0–9", path, r,
                     bytes[r * RECORD]);
        return NULL;
      }
  return g_bytes_new_take (g_steal_pointer (&contents), size);
}

L2lCifar *
l2l_cifar_load (const char  *dir,
                GError     **error)
{
  GBytes *files[G_N_ELEMENTS (batches)] = { NULL };
  gsize counts[G_N_ELEMENTS (batches)], total = 0, at = 0;
  L2lCifar *cifar = NULL;

  for (guint f = 0; f < G_N_ELEMENTS (batches); f++)
    {
      g_autofree char *path = g_build_filename (dir, batches[f], NULL);

      if ((files[f] = read_batch (path, error)) == NULL)
        goto out;
      counts[f] = g_bytes_get_size (files[f]) / RECORD;
      total += counts[f];
    }

  cifar = g_new0 (L2lCifar, 1);
  cifar->n_test = (guint) counts[G_N_ELEMENTS (batches) - 1];
  cifar->n_train = (guint) (total - cifar->n_test);
  cifar->images = g_new (guint8, total * PIXELS);
  cifar->labels = g_new (guint8, total);
  /* the training batches first, in order, then the test batch */
  for (guint f = 0; f < G_N_ELEMENTS (batches); f++)
    {
      const guint8 *bytes = g_bytes_get_data (files[f], NULL);

      for (gsize r = 0; r < counts[f]; r++, at++)
        {
          cifar->labels[at] = bytes[r * RECORD];
          memcpy (cifar->images + at * PIXELS, bytes + r * RECORD + 1, PIXELS);
        }
    }

out:
  for (guint f = 0; f < G_N_ELEMENTS (batches); f++)
    g_clear_pointer (&files[f], g_bytes_unref);
  return cifar;
}

void
l2l_cifar_free (L2lCifar *cifar)
{
  if (cifar == NULL)
    return;
  g_free (cifar->images);
  g_free (cifar->labels);
  g_free (cifar);
}
