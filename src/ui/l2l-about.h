/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The About window: the app's icon, version, licence and the paper it
 * follows. Returns it, presented over @parent (may be NULL). */
GtkWindow *l2l_about_window_present (GtkWindow *parent);

G_END_DECLS
