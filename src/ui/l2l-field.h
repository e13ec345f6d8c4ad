/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What is wrong with a field of the sidebar (NULL: nothing), shown on it: in
 * red, in its tooltip, and under its row's title. */
void  l2l_field_mark  (GtkWidget  *field,
                       const char *message);
/* The field's name as its row shows it ("Unroll K"), without the mnemonic. */
char *l2l_field_title (GtkWidget  *field);

G_END_DECLS
