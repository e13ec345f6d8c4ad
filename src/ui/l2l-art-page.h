/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-art-view.h"
#include "l2l-page.h"

G_BEGIN_DECLS

#define L2L_TYPE_ART_PAGE (l2l_art_page_get_type ())
G_DECLARE_FINAL_TYPE (L2lArtPage, l2l_art_page, L2L, ART_PAGE, L2lPage)

/* The Neural art page: one photo styled by each optimizer (the art task,
 * one run), its tiles and loss curves. Adds page.export-image and
 * page.export-results to L2lPage's actions. */
L2lArtPage *l2l_art_page_new                 (void);
L2lArtView *l2l_art_page_get_art_view        (L2lArtPage  *self);
L2lChart   *l2l_art_page_get_chart           (L2lArtPage  *self);
/* The last finished run: the selected tile's image, or the content | result |
 * style triple, as PNG (what Export Styled Image… does). */
gboolean    l2l_art_page_export_styled_image (L2lArtPage  *self,
                                              const char  *path,
                                              gboolean     triple,
                                              GError     **error);

G_END_DECLS
