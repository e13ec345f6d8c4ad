/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include "l2l-cli-settings.h"
#include "l2l-cli.h"

void
l2l_cli_settings_init (L2lCliSettings     *flags,
                       const L2lSetting   *settings,
                       guint               n,
                       const char *const  *skip,
                       L2lCliDefaultFunc   default_of,
                       gconstpointer       data)
{
  guint n_entries = 0;

  flags->settings = settings;
  flags->n = n;
  flags->values = g_new0 (char *, n + 1);
  flags->switches = g_new0 (gboolean, n);
  flags->entries = g_new0 (GOptionEntry, n + 1);
  flags->texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      const L2lSetting *setting = &settings[i];
      GOptionEntry *entry = &flags->entries[n_entries];
      g_autofree char *fallback = NULL;
      const char *shown = setting->default_text;
      char *help;

      if (skip != NULL && g_strv_contains (skip, setting->name))
        continue;
      if (shown == NULL && setting->kind != L2L_SETTING_SWITCH)
        shown = fallback = default_of (setting, data);
      help = shown ? g_strdup_printf ("%s (default: %s)", setting->help, shown)
                   : g_strdup (setting->help);
      g_ptr_array_add (flags->texts, help);
      entry->long_name = setting->name;
      entry->description = help;
      entry->arg_description = setting->metavar;
      if (setting->choices != NULL)
        {
          char *words = g_strjoinv ("|", (char **) setting->choices);

          g_ptr_array_add (flags->texts, words);
          entry->arg_description = words;
        }
      if (setting->kind == L2L_SETTING_SWITCH)
        {
          entry->arg = G_OPTION_ARG_NONE;
          entry->arg_data = &flags->switches[i];
        }
      else
        {
          entry->arg = G_OPTION_ARG_STRING;
          entry->arg_data = &flags->values[i];
        }
      n_entries++;
    }
}

char *
l2l_cli_config_default (const L2lSetting *setting,
                        gconstpointer     data)
{
  return l2l_setting_format (setting, data);
}

char *
l2l_cli_train_default (const L2lSetting *setting,
                       gconstpointer     data)
{
  (void) data;
  char *value = l2l_train_setting_default (setting);

  return value ? value : g_strdup ("the task's, below");
}

static int
find (const L2lCliSettings *flags,
      const char           *name)
{
  for (guint i = 0; i < flags->n; i++)
    if (g_str_equal (flags->settings[i].name, name))
      return (int) i;
  g_return_val_if_reached (-1);
}

gboolean
l2l_cli_settings_given (const L2lCliSettings *flags,
                        const char           *name)
{
  int i = find (flags, name);

  return i >= 0 && (flags->values[i] != NULL || flags->switches[i]);
}

gboolean
l2l_cli_settings_apply (const L2lCliSettings  *flags,
                        gpointer               config,
                        GError               **error)
{
  for (guint i = 0; i < flags->n; i++)
    if ((flags->values[i] != NULL || flags->switches[i]) &&
        !l2l_setting_apply (&flags->settings[i], config, flags->values[i], error))
      {
        l2l_cli_name_flag (*error);
        return FALSE;
      }
  return TRUE;
}

void
l2l_cli_settings_clear (L2lCliSettings *flags)
{
  /* not a strv: the flags not given leave holes */
  for (guint i = 0; flags->values != NULL && i < flags->n; i++)
    g_free (flags->values[i]);
  g_clear_pointer (&flags->values, g_free);
  g_clear_pointer (&flags->switches, g_free);
  g_clear_pointer (&flags->entries, g_free);
  g_clear_pointer (&flags->texts, g_ptr_array_unref);
}
