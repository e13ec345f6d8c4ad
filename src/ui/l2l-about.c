/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "l2l-about.h"

GtkWindow *
l2l_about_window_present (GtkWindow *parent)
{
  const char *developers[] = { _("The L2L Workbench developers"), NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", parent,
                                   "application-name", _("L2L Workbench"),
                                   "application-icon", APPLICATION_ID,
                                   "developer-name", _("The L2L Workbench developers"),
                                   "developers", developers,
                                   "version", PACKAGE_VERSION,
                                   "comments", _("Learned optimizers, after “Learning to learn by "
                                                 "gradient descent by gradient descent” "
                                                 "(Andrychowicz et al., 2016): meta-train them, "
                                                 "race them against SGD, RMSprop, Adam and NAG, "
                                                 "and style images with them."),
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   NULL);

  adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("The paper (arXiv:1606.04474)"),
                             "https://arxiv.org/abs/1606.04474");
  gtk_window_present (GTK_WINDOW (about));
  return GTK_WINDOW (about);
}
