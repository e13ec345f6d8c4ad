/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-options.h"
#include "l2l-parallel.h"

gboolean
l2l_parse_int (const char *text,
               gint64     *out)
{
  char *end = NULL;
  gint64 value;

  if (text == NULL || *text == '\0')
    return FALSE;
  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0')
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
l2l_parse_double (const char *text,
                  double     *out)
{
  char *end = NULL;
  double value;

  if (text == NULL || *text == '\0')
    return FALSE;
  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

/* Memory needs are checked apart (l2l_memory_check): these bound what any
 * machine could mean. */
static const L2lLimit limits[] = {
  { "steps",        1,     1e6 },        /* T, and a comparison's steps */
  { "runs",         1,     1e5 },
  { "tune-runs",    1,     1e5 },
  { "tune-budget",  1,     1e5 },
  { "eval-runs",    1,     1e5 },
  { "unroll",       1,     1e6 },        /* and K ≤ T */
  { "batch",        1,     1 << 20 },
  { "epochs",       0,     1e9 },
  { "eval-every",   1,     1e9 },
  { "meta-lr",      1e-12, 10 },
  { "clip",         0,     1e12 },
  { "scale-range",  1,     1e6 },
  { "curriculum",   0,     1000 },
  { "average",      0,     0.999999 },
  { "es-pairs",     1,     1e6 },
  { "imitate-epochs", 1,   1e6 },
  { "es-sigma",     1e-9,  1e3 },
  { "threads",      1,     L2L_MAX_THREADS },
  { "layers",       1,     L2L_MAX_LAYERS },
  { "hidden",       1,     1024 },
  { "output-scale", 1e-9,  1e9 },
  /* the hand-written rules' other hyper-parameters: 1 would never forget */
  { "momentum",     0,     0.999999 },
  { "beta1",        0,     0.999999 },
  { "beta2",        0,     0.999999 },
  { "alpha",        0,     0.999999 },
};

const L2lLimit *
l2l_limit_lookup (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    if (g_str_equal (limits[i].field, field))
      return &limits[i];
  return NULL;
}

gboolean
l2l_check_limit (const char  *field,
                 double       value,
                 GError     **error)
{
  const L2lLimit *limit = l2l_limit_lookup (field);

  g_return_val_if_fail (limit != NULL, FALSE);
  if (value >= limit->min && value <= limit->max)
    return TRUE;
  {
    char shown[G_ASCII_DTOSTR_BUF_SIZE], min[G_ASCII_DTOSTR_BUF_SIZE], max[G_ASCII_DTOSTR_BUF_SIZE];

    /* with the digits that tell the value from the bound: 0.9999999999999999,
     * not 1, above 0.999999 */
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, field,
                                "%s is outside the range %s to %s", l2l_format_double (shown, value),
                                l2l_format_double (min, limit->min),
                                l2l_format_double (max, limit->max));
  }
}

const char *
l2l_format_double (char   *buffer,
                   double  value)
{
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return buffer;
}

L2lOptions *
l2l_options_new_defaults (const L2lOptionInfo *infos,
                          guint                n_infos)
{
  L2lOptions *options = g_new0 (L2lOptions, 1);

  options->infos = infos;
  options->n_infos = n_infos;
  options->values = g_new0 (char *, n_infos + 1);
  for (guint i = 0; i < n_infos; i++)
    options->values[i] = g_strdup (infos[i].default_value);
  return options;
}

void
l2l_options_free (L2lOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->values);
  g_free (options);
}

static int
find_option (const L2lOptions *options,
             const char       *key)
{
  for (guint i = 0; i < options->n_infos; i++)
    if (g_str_equal (options->infos[i].key, key))
      return (int) i;
  return -1;
}

static char *
known_keys (const L2lOptions *options)
{
  GString *keys = g_string_new (NULL);

  for (guint i = 0; i < options->n_infos; i++)
    g_string_append_printf (keys, "%s%s", i ? ", " : "", options->infos[i].key);
  return g_string_free (keys, FALSE);
}

static gboolean
check_value (const L2lOptionInfo *info,
             const char          *value,
             const char          *owner,
             GError             **error)
{
  gint64 integer;
  double number;

  switch (info->type)
    {
    case L2L_OPTION_INT:
      if (!l2l_parse_int (value, &integer))
        {
          return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, info->key,
                                      "'%s' is not a whole number", value);
        }
      number = (double) integer;
      break;
    case L2L_OPTION_DOUBLE:
      if (!l2l_parse_double (value, &number))
        {
          return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, info->key,
                                      "'%s' is not a number", value);
        }
      break;
    case L2L_OPTION_CHOICE:
      if (!g_strv_contains (info->choices, value))
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) info->choices);
          return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, info->key,
                                      "'%s' is not one of %s", value, choices);
        }
      return TRUE;
    case L2L_OPTION_STRING:
      /* The value must read back from "key=value,…": each comma followed by
       * a piece without "=" (a list), never by "=" or nothing. */
      for (const char *comma = strchr (value, ','); comma != NULL; comma = strchr (comma + 1, ','))
        {
          const char *next = strchr (comma + 1, ',');
          g_autofree char *piece = next ? g_strndup (comma + 1, next - comma - 1)
                                        : g_strdup (comma + 1);
          if (*g_strstrip (piece) == '\0' || strchr (piece, '=') != NULL)
            {
              return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner,
                                          info->key, "'%s' would not read back: after a comma "
                                          "comes a list item, not '=' or nothing", value);
            }
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }

  if (number < info->min || number > info->max)
    {
      return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, info->key,
                                  "%s is outside the range %g to %g", value, info->min,
                                  info->max);
    }
  return TRUE;
}

gboolean
l2l_options_set (L2lOptions  *options,
                 const char  *key,
                 const char  *value,
                 const char  *owner,
                 GError     **error)
{
  int index = find_option (options, key);

  if (index < 0)
    {
      g_autofree char *keys = known_keys (options);
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: unknown option '%s' (known: %s)", owner, key, keys);
      l2l_error_set_field (error, key);
      return FALSE;
    }
  if (!check_value (&options->infos[index], value, owner, error))
    return FALSE;
  g_free (options->values[index]);
  options->values[index] = g_strdup (value);
  return TRUE;
}

gboolean
l2l_options_parse (L2lOptions  *options,
                   const char  *text,
                   const char  *owner,
                   GError     **error)
{
  g_auto(GStrv) items = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GString) value = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  if (text == NULL || *text == '\0')
    return TRUE;
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (items[i], "=", 2);

      /* An item without "=" after a key=value continues that value: a list,
       * as in classes=0,1. */
      if (key != NULL && pair[0] != NULL && pair[1] == NULL && *g_strstrip (pair[0]) != '\0')
        {
          g_string_append_printf (value, ",%s", pair[0]);
          continue;
        }
      if (key != NULL && !l2l_options_set (options, key, value->str, owner, error))
        return FALSE;
      g_clear_pointer (&key, g_free);
      /* An empty item ("dims=10," or ",") splits into no strings at all. */
      if (pair[0] == NULL || *g_strstrip (pair[0]) == '\0' || pair[1] == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "%s: '%s' is not of the form key=value", owner, items[i]);
          return FALSE;
        }
      /* dims=10,dims=20 would keep the last one unsaid */
      if (g_ptr_array_find_with_equal_func (seen, pair[0], g_str_equal, NULL))
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "%s: %s is given twice", owner, pair[0]);
          return FALSE;
        }
      g_ptr_array_add (seen, g_strdup (pair[0]));
      key = g_strdup (pair[0]);
      if (value == NULL)
        value = g_string_new (NULL);
      g_string_assign (value, g_strstrip (pair[1]));
    }
  return key == NULL || l2l_options_set (options, key, value->str, owner, error);
}

static const char *
lookup (const L2lOptions *options,
        const char       *key)
{
  int index = find_option (options, key);

  g_return_val_if_fail (index >= 0, NULL);
  return options->values[index];
}

const char *
l2l_options_get_string (const L2lOptions *options,
                        const char       *key)
{
  return lookup (options, key);
}

gint64
l2l_options_get_int (const L2lOptions *options,
                     const char       *key)
{
  gint64 value = 0;

  l2l_parse_int (lookup (options, key), &value);
  return value;
}

double
l2l_options_get_double (const L2lOptions *options,
                        const char       *key)
{
  double value = 0.0;

  l2l_parse_double (lookup (options, key), &value);
  return value;
}

char *
l2l_options_to_string (const L2lOptions *options)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < options->n_infos; i++)
    g_string_append_printf (text, "%s%s=%s", i ? "," : "",
                            options->infos[i].key, options->values[i]);
  return g_string_free (text, FALSE);
}
