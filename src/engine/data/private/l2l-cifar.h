/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-dataset.h"

G_BEGIN_DECLS

/* CIFAR-10's binary version in @dir (the cifar-10-batches-bin folder):
 * data_batch_1.bin … data_batch_5.bin for training and test_batch.bin held
 * out, all required. Each record is a label byte and 3,072 pixel bytes, the
 * planes R, G, B of a 32 × 32 image, which is the layout @dataset keeps.
 * Fills @dataset's geometry, counts, images and labels; errors name the file
 * and what is wrong with it. */
gboolean _l2l_cifar_load (L2lDataset  *dataset,
                          const char  *dir,
                          GError     **error);

G_END_DECLS
