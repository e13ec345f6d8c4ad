/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Resume files: metadata read as numbers, the task spec, the history JSON. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTrainer) trainer = l2l_trainer_new_from_resume (fuzz_input_write (data, size),
                                                               &error);

  g_assert_true ((trainer == NULL) == (error != NULL));
  return 0;
}
