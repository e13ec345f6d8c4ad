/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Refuses, before allocating, work whose buffers would need more than half
 * of this machine's memory: "FIELD: WHAT need N GB, more than half of this
 * machine's M GB; ADVICE", the field @owner's (NULL: a setting's). */
gboolean l2l_memory_check (guint64      need_bytes,
                           const char  *owner,
                           const char  *field,
                           const char  *what,
                           const char  *advice,
                           GError     **error);

G_END_DECLS
