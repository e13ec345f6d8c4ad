/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-error.h"
#include "l2l-json.h"

/* The deepest nesting of brackets outside strings. */
static guint
max_depth (const char *data,
           gsize       length)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          deepest = MAX (deepest, depth);
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return deepest;
}

JsonParser *
l2l_json_parse (const char    *data,
                gsize          length,
                JsonNodeType   root_type,
                const char    *path,
                const char    *what,
                GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (max_depth (data, length) > L2L_JSON_MAX_DEPTH)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: nested more than %d deep (%s)", path, L2L_JSON_MAX_DEPTH, what);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: not valid JSON (%s): %s", path, what, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || json_node_get_node_type (root) != root_type)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: expected a JSON %s (%s)", path,
                   root_type == JSON_NODE_OBJECT ? "object" : "array", what);
      return NULL;
    }
  return g_steal_pointer (&parser);
}

/* Copies @text, dropping the ".0" after an exponent in numbers outside
 * strings. */
static char *
fix_numbers (const char *text,
             gsize      *length)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean in_string = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (in_string)
        {
          g_string_append_c (out, *p);
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          const char *end = p, *exponent = NULL;

          while (*end == '-' || *end == '+' || *end == '.' || *end == 'e' || *end == 'E' ||
                 g_ascii_isdigit (*end))
            {
              if (*end == 'e' || *end == 'E')
                exponent = end;
              end++;
            }
          if (exponent != NULL && end - exponent > 2 && end[-2] == '.' && end[-1] == '0' &&
              memchr (exponent, '.', (gsize) (end - 2 - exponent)) == NULL)
            {
              g_string_append_len (out, p, end - 2 - p);
              p = end - 1;
              continue;
            }
          g_string_append_len (out, p, end - p);
          p = end - 1;
          continue;
        }
      g_string_append_c (out, *p);
    }
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

char *
l2l_json_to_data (JsonNode *root,
                  gboolean  pretty,
                  gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, NULL);
  /* a file name's bytes need not be UTF-8; JSON must be, so such bytes
   * (only ever inside strings) become U+FFFD, as GLib's display names do */
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }
  return fix_numbers (text, length);
}
