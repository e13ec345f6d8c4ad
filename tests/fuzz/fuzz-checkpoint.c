/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Learned-optimizer checkpoints: the safetensors reader and the architecture,
 * then the trajectory of a loaded optimizer must be finite or refused. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) net = l2l_checkpoint_load (fuzz_input_write (data, size), &error);

  g_assert_true ((net == NULL) == (error != NULL));
  return 0;
}
