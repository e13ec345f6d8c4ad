/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "l2l-cifar.h"
#include "l2l-engine.h"
#include "fuzz-input.h"

#define RECORD (1 + L2L_CIFAR_PIXELS)

/* CIFAR-10 batch files: the input is data_batch_1.bin of a folder whose
 * other five files are one good record each. A loaded set has every label
 * a class 0–9 and every image 3 × 32 × 32. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const others[] = { "data_batch_2.bin", "data_batch_3.bin",
                                        "data_batch_4.bin", "data_batch_5.bin",
                                        "test_batch.bin" };
  static gboolean written;
  const char *dir = fuzz_input_dir ();
  g_autofree char *first = g_build_filename (dir, "data_batch_1.bin", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) cifar = NULL;

  if (!written)
    {
      guint8 record[RECORD];

      memset (record, 7, sizeof record);
      record[0] = 3;
      for (guint i = 0; i < G_N_ELEMENTS (others); i++)
        {
          g_autofree char *path = g_build_filename (dir, others[i], NULL);
          g_assert_true (g_file_set_contents (path, (const char *) record, RECORD, NULL));
        }
      written = TRUE;
    }
  g_assert_true (g_file_set_contents (first, (const char *) data, (gssize) size, NULL));
  cifar = l2l_dataset_get ("cifar10", dir, &error);
  g_assert_true ((cifar == NULL) == (error != NULL));
  if (cifar == NULL)
    return 0;
  g_assert_cmpuint (cifar->channels, ==, 3);
  g_assert_cmpuint (cifar->width, ==, 32);
  g_assert_cmpuint (cifar->n_train, ==, size / RECORD + 4);
  for (guint i = 0; i < cifar->n_train + cifar->n_held_out; i++)
    g_assert_cmpuint (cifar->labels[i], <=, 9);
  return 0;
}
