/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Image files (PNG, JPEG, whatever GdkPixbuf reads): a loaded image has at
 * least the minimum side and values in [0, 1]. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lImage) image = l2l_image_load (fuzz_input_write (data, size), &error);

  g_assert_true ((image == NULL) == (error != NULL));
  if (image == NULL)
    return 0;
  g_assert_cmpuint (MIN (image->width, image->height), >=, L2L_IMAGE_MIN_SIDE);
  for (gsize i = 0; i < 3 * (gsize) image->width * image->height; i++)
    g_assert_true (image->pixels[i] >= 0.0f && image->pixels[i] <= 1.0f);
  return 0;
}
