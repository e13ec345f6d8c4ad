/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <gio/gio.h>

#include "l2l-error.h"
#include "l2l-file.h"

typedef struct {
  char *field;
  char *detail;
  char *hint;
} L2lEngineErrorPrivate;

static void
l2l_engine_error_private_init (L2lEngineErrorPrivate *priv)
{
  (void) priv;  /* zeroed by GLib */
}

static void
l2l_engine_error_private_copy (const L2lEngineErrorPrivate *src,
                               L2lEngineErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
  dest->detail = g_strdup (src->detail);
  dest->hint = g_strdup (src->hint);
}

static void
l2l_engine_error_private_clear (L2lEngineErrorPrivate *priv)
{
  g_free (priv->field);
  g_free (priv->detail);
  g_free (priv->hint);
}

/* Registered with the private data above: a field, a detail and a hint. */
G_DEFINE_EXTENDED_ERROR (L2lEngineError, l2l_engine_error)

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

gboolean
l2l_set_field_error (GError        **error,
                     L2lEngineError  code,
                     const char     *owner,
                     const char     *field,
                     const char     *format,
                     ...)
{
  g_autofree char *detail = NULL;
  GError *set;
  L2lEngineErrorPrivate *priv;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  set = g_error_new (L2L_ENGINE_ERROR, code, "%s%s%s: %s", owner ? owner : "", owner ? ": " : "",
                     field, detail);
  priv = l2l_engine_error_get_private (set);
  priv->field = g_strdup (field);
  priv->detail = g_steal_pointer (&detail);
  g_propagate_error (error, set);
  return FALSE;
}

void
l2l_error_set_field (GError     **error,
                     const char  *field)
{
  L2lEngineErrorPrivate *priv;

  if (error == NULL || *error == NULL ||
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if ((*error)->domain != L2L_ENGINE_ERROR)
    {
      GError *converted = g_error_new_literal (L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                                               (*error)->message);
      g_error_free (*error);
      *error = converted;
    }
  priv = l2l_engine_error_get_private (*error);
  if (priv->field != NULL)
    return;
  priv->field = g_strdup (field);
  /* the problem as it reads now, before callers prefix the message */
  if (priv->detail == NULL)
    priv->detail = g_strdup ((*error)->message);
}

void
l2l_error_set_hint (GError     *error,
                    const char *hint)
{
  L2lEngineErrorPrivate *priv = l2l_engine_error_get_private (error);

  g_free (priv->hint);
  priv->hint = g_strdup (hint);
}

static const L2lEngineErrorPrivate *
private_of (const GError *error)
{
  return error != NULL && error->domain == L2L_ENGINE_ERROR
         ? l2l_engine_error_get_private (error) : NULL;
}

const char *
l2l_error_get_field (const GError *error)
{
  const L2lEngineErrorPrivate *priv = private_of (error);

  return priv ? priv->field : NULL;
}

const char *
l2l_error_get_detail (const GError *error)
{
  const L2lEngineErrorPrivate *priv = private_of (error);

  return priv && priv->detail ? priv->detail : error->message;
}

const char *
l2l_error_get_hint (const GError *error)
{
  const L2lEngineErrorPrivate *priv = private_of (error);

  return priv ? priv->hint : NULL;
}
