/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* IDX files, raw or gzip. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lIdx) idx = l2l_idx_load (fuzz_input_write (data, size), &error);
  guint64 expected = 1;

  g_assert_true ((idx == NULL) == (error != NULL));
  if (idx == NULL)
    return 0;
  for (guint d = 0; d < idx->n_dims; d++)
    expected *= idx->dims[d];
  g_assert_cmpuint (expected, ==, g_bytes_get_size (idx->data));
  return 0;
}
