/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define L2L_TYPE_APPLICATION (l2l_application_get_type ())
G_DECLARE_FINAL_TYPE (L2lApplication, l2l_application, L2L, APPLICATION, AdwApplication)

L2lApplication *l2l_application_new (GApplicationFlags flags);

typedef struct {
  const char *action;   /* "win.run", "win.show-page::art" */
  const char *keys;     /* "<Control>Return" */
} L2lAccel;

/* The accelerators the app sets. */
const L2lAccel *l2l_application_get_accels (guint *n);

G_END_DECLS
