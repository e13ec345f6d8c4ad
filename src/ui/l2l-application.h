/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define L2L_TYPE_APPLICATION (l2l_application_get_type ())
G_DECLARE_FINAL_TYPE (L2lApplication, l2l_application, L2L, APPLICATION, GtkApplication)

L2lApplication *l2l_application_new (GApplicationFlags flags);

G_END_DECLS
