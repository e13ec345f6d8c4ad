/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-error.h"
#include "l2l-file.h"

gboolean
l2l_set_file_error (GError     **error,
                    const char  *path,
                    const char  *format,
                    ...)
{
  g_autofree char *message = NULL;
  g_autofree char *name = l2l_file_display_name (path);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE, "%s: %s", name, message);
  return FALSE;
}

G_DEFINE_QUARK (l2l-engine-error-quark, l2l_engine_error)
