/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define L2L_TYPE_WEIGHTS_PREVIEW (l2l_weights_preview_get_type ())
G_DECLARE_FINAL_TYPE (L2lWeightsPreview, l2l_weights_preview, L2L, WEIGHTS_PREVIEW, GtkWidget)

/* A small bar chart of the loss weights w_1 … w_T, so a scheme can be seen
 * before it is trained with. No weights: an empty, struck-through box. */
void       l2l_weights_preview_set_weights (L2lWeightsPreview *self,
                                            const double      *weights,
                                            guint              n);

G_END_DECLS
