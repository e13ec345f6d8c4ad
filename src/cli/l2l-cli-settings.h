/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The flags of an engine settings table (l2l-settings.h): one flag per
 * setting, its help and default from the engine, its value applied by the
 * engine. Nothing about a setting is written in the CLI. */
typedef struct {
  const L2lSetting  *settings;
  guint              n;
  char             **values;     /* [n] as typed (or preset), NULL where not given */
  gboolean          *switches;   /* [n] for SWITCH settings */
  GOptionEntry      *entries;    /* [flags + 1] */
  GPtrArray         *texts;      /* help texts the entries point into */
} L2lCliSettings;

typedef char *(*L2lCliDefaultFunc) (const L2lSetting *setting,
                                    gconstpointer     data);

/* @skip: names of settings that are not this command's flags (NULL-terminated,
 * may be NULL); @default_of gives a setting's default as text for --help. */
void          l2l_cli_settings_init      (L2lCliSettings     *flags,
                                          const L2lSetting   *settings,
                                          guint               n,
                                          const char *const  *skip,
                                          L2lCliDefaultFunc   default_of,
                                          gconstpointer       data);
/* The value in @data, a config that holds the defaults. */
char         *l2l_cli_config_default     (const L2lSetting   *setting,
                                          gconstpointer       data);
/* The default of a training setting, "the task's" where families differ. */
char         *l2l_cli_train_default      (const L2lSetting   *setting,
                                          gconstpointer       data);

gboolean      l2l_cli_settings_given     (const L2lCliSettings *flags,
                                          const char         *name);
/* Applies what was given, in table order; errors name the flag. */
gboolean      l2l_cli_settings_apply     (const L2lCliSettings *flags,
                                          gpointer            config,
                                          GError            **error);
void          l2l_cli_settings_clear     (L2lCliSettings     *flags);

G_END_DECLS
