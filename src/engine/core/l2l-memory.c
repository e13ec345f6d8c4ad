/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <unistd.h>

#include "l2l-error.h"
#include "l2l-memory.h"

gboolean
l2l_memory_check (guint64      need_bytes,
                  const char  *owner,
                  const char  *field,
                  const char  *what,
                  const char  *advice,
                  GError     **error)
{
  long pages = sysconf (_SC_PHYS_PAGES), page_size = sysconf (_SC_PAGESIZE);
  guint64 have = pages > 0 && page_size > 0 ? (guint64) pages * page_size : G_MAXUINT64;

  if (need_bytes <= have / 2)
    return TRUE;
  return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, field,
                              "%s need %.1f GB, more than half of this machine's %.1f GB; %s",
                              what, need_bytes / 1e9, have / 1e9, advice);
}
