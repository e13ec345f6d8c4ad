/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "l2l-engine-data.h"
#include "l2l-error.h"
#include "l2l-pretrained.h"

#define OPTIMIZERS "/io/github/l2lworkbench/Workbench/data/optimizers/"
#define SUFFIX ".safetensors"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
l2l_pretrained_list (void)
{
  g_auto(GStrv) files = NULL;
  GPtrArray *names = g_ptr_array_new ();

  /* Referencing the bundle links it in; its constructor registers it. */
  g_assert (l2l_engine_data_get_resource () != NULL);
  files = g_resources_enumerate_children (OPTIMIZERS, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    if (g_str_has_suffix (files[i], SUFFIX))
      g_ptr_array_add (names, g_strndup (files[i], strlen (files[i]) - strlen (SUFFIX)));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

char *
l2l_pretrained_resolve (const char  *name,
                        GError     **error)
{
  g_auto(GStrv) names = NULL;
  g_autofree char *known = NULL;

  if (g_file_test (name, G_FILE_TEST_EXISTS))
    return g_strdup (name);
  names = l2l_pretrained_list ();
  if (g_strv_contains ((const char *const *) names, name))
    return g_strconcat ("resource://" OPTIMIZERS, name, SUFFIX, NULL);
  known = g_strjoinv (", ", names);
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
               "%s: no such file, and no pretrained optimizer of that name (pretrained: %s)",
               name, known);
  return NULL;
}

gboolean
l2l_pretrained_is_builtin (const char *path)
{
  return g_str_has_prefix (path, "resource://" OPTIMIZERS);
}
