/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-compare.h"
#include "l2l-meta-train.h"

G_BEGIN_DECLS

/* The settings of an experiment as data, so that every front end builds its
 * flags, help, man page and fields from one table and the engine alone owns
 * each rule and default (ARCHITECTURE §2). A setting's name is the CLI's flag
 * without "--", the app's field and the key of its range (l2l_limit_lookup). */
typedef enum {
  L2L_SETTING_UINT,     /* a whole number, in its range where it has one */
  L2L_SETTING_DOUBLE,   /* a finite number, likewise */
  L2L_SETTING_SEED,     /* any whole number ≥ 0 (64 bits) */
  L2L_SETTING_SWITCH,   /* on when given, without a value */
  L2L_SETTING_TEXT,     /* a word or list the setting's own parser reads */
} L2lSettingKind;

typedef struct _L2lSetting L2lSetting;
struct _L2lSetting {
  const char     *name;
  L2lSettingKind  kind;
  const char     *metavar;      /* "N", "X", "SCHEME|LIST"; with choices, those */
  const char     *help;         /* what it does, without its default */
  /* Where it goes in the config (UINT, DOUBLE, SEED, SWITCH), or how (TEXT). */
  gsize           offset;
  gboolean      (*parse)  (gpointer config, const char *value, GError **error);
  char         *(*format) (gconstpointer config);
  /* Where the default is not a value of the config (the machine's cores). */
  const char     *default_text;
  /* TEXT settings of a few words: the words, NULL-terminated, in the order
   * front ends list them (the first is off or plain). */
  const char *const *choices;
};

/* Meta-training (L2lTrainConfig) and comparisons and tuning (L2lCompareConfig). */
const L2lSetting *l2l_train_settings   (guint *n);
const L2lSetting *l2l_compare_settings (guint *n);
const L2lSetting *l2l_settings_lookup  (const L2lSetting *settings,
                                        guint             n,
                                        const char       *name);

/* Reads @value into @config; errors name the setting as their field. A SWITCH
 * takes NULL. TEXT values are borrowed where the config holds text (weights). */
gboolean          l2l_setting_apply    (const L2lSetting *setting,
                                        gpointer          config,
                                        const char       *value,
                                        GError          **error);
/* @config's value as the setting reads it back ("1e-3", "uniform", "on"). */
char             *l2l_setting_format   (const L2lSetting *setting,
                                        gconstpointer     config);

/* The default of a training setting: its value for every task family, or
 * NULL where the families differ (a front end then says "the task's"). */
char             *l2l_train_setting_default (const L2lSetting *setting);

G_END_DECLS
