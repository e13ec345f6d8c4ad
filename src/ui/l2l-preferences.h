/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The app-wide settings: the engine's threads and the light or dark style
 * (widgets named "threads" and "color-scheme"). Each page's experiment is
 * remembered by the page itself. */
GtkWindow *l2l_preferences_window_present (GtkWindow *parent,
                                           GSettings *settings);
/* Follows the "color-scheme" key from now on. */
void       l2l_preferences_apply          (GSettings *settings);

G_END_DECLS
