/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes a spin button safe in a scrolled form: the wheel over it scrolls the
 * form unless it has the keyboard focus, and text that is not a number is
 * left as typed (for l2l_spin_guard_check to report) instead of becoming the
 * lowest value. */
void     l2l_spin_guard_attach (GtkSpinButton *spin);
/* Whether the spin button's text is a number; @text (may be NULL) receives
 * the text when it is not. */
gboolean l2l_spin_guard_check  (GtkSpinButton *spin,
                                char         **text);

G_END_DECLS
