/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CIFAR-10's binary version: a folder (cifar-10-batches-bin) of
 * data_batch_1.bin … data_batch_5.bin for training and test_batch.bin held
 * out, all required. Each record is a label byte and 3,072 pixel bytes, the
 * planes R, G, B of a 32 × 32 image. */
#define L2L_CIFAR_SIDE   32
#define L2L_CIFAR_PIXELS (3 * L2L_CIFAR_SIDE * L2L_CIFAR_SIDE)

typedef struct {
  guint   n_train;
  guint   n_test;
  guint8 *images;   /* [(n_train + n_test) × L2L_CIFAR_PIXELS]: the training batches in
                       order, then the test batch */
  guint8 *labels;   /* [n_train + n_test]: classes 0–9 */
} L2lCifar;

/* Errors name the file and what is wrong with it. */
L2lCifar *l2l_cifar_load (const char  *dir,
                          GError     **error);
void      l2l_cifar_free (L2lCifar *cifar);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lCifar, l2l_cifar_free)

G_END_DECLS
