/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Labelled images (MNIST-like: 28 × 28 grey bytes; CIFAR-10: 32 × 32, three
 * planes R, G, B; labels 0–9), split once and for all into a training part, which optimizees draw their minibatches from,
 * and a held-out part, which they never see. The split is the
 * data set's own where it has one (the t10k files), else the last 15 %. */
typedef struct {
  gatomicrefcount ref_count;
  char           *source;       /* where it came from, for messages */
  guint           channels;     /* 1, or 3 for CIFAR-10 */
  guint           width;
  guint           height;
  guint           n_train;
  guint           n_held_out;
  guint8         *images;       /* [(n_train + n_held_out) × channels × height × width],
                                   training first */
  guint8         *labels;       /* [n_train + n_held_out] */
  char           *cache_key;    /* private */
} L2lDataset;

/* @kind is "mnist", "fashion-mnist" or "cifar10". For the first two @dir holds
 * the standard files (train-images-idx3-ubyte, train-labels-idx1-ubyte and
 * optionally t10k-…, each raw or .gz); NULL or "" takes the default: the MNIST
 * subset built into the program, or Fashion-MNIST from /usr/share/datasets
 * (its absence is L2L_ENGINE_ERROR_DATA_NOT_INSTALLED, with a hint that says
 * how to get it). CIFAR-10 has no default: @dir is the user's
 * cifar-10-batches-bin folder (without it, DATA_NOT_INSTALLED and a hint too).
 * Loaded once and shared while in use. Errors name the file and what is
 * wrong, and their field is "data". */
L2lDataset *l2l_dataset_get   (const char  *kind,
                               const char  *dir,
                               GError     **error);
L2lDataset *l2l_dataset_ref   (L2lDataset *dataset);
/* Data sets loaded now: each is freed with its last reference. */
guint       l2l_dataset_count_loaded (void);
void        l2l_dataset_unref (L2lDataset *dataset);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lDataset, l2l_dataset_unref)

G_END_DECLS
