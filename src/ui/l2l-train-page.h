/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-page.h"

G_BEGIN_DECLS

#define L2L_TYPE_TRAIN_PAGE (l2l_train_page_get_type ())
G_DECLARE_FINAL_TYPE (L2lTrainPage, l2l_train_page, L2L, TRAIN_PAGE, L2lPage)

/* The Meta-training page: the meta-loss and held-out loss per epoch, and for
 * an art task how φ styles a held-out photo. Adds page.save-optimizer and
 * page.export-results (the training curve) to L2lPage's actions.
 *
 * Signals:
 *   optimizer-trained (const char *label, L2lRule *net)  a finished or stopped
 *       run's best optimizer, for the other pages' lists */
L2lTrainPage *l2l_train_page_new       (void);
L2lChart     *l2l_train_page_get_chart (L2lTrainPage *self);
/* While or after an art task trains: φ's painting of the held-out photo at
 * the last evaluation; else NULL. */
GdkPaintable *l2l_train_page_get_art   (L2lTrainPage *self);

G_END_DECLS
