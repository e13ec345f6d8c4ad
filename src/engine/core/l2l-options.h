/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Options of a task family (and, later, of other configurable parts), described
 * as data so that the CLI parses "key=value,…" and the GUI builds its panel from
 * the same table without code of its own per family. */
typedef enum {
  L2L_OPTION_INT,
  L2L_OPTION_DOUBLE,
  L2L_OPTION_CHOICE,
  L2L_OPTION_STRING,   /* free text; the owner checks it (a path, "20x20") */
} L2lOptionType;

typedef struct {
  const char        *key;
  L2lOptionType      type;
  const char        *default_value;
  double             min;        /* INT and DOUBLE: inclusive bounds */
  double             max;
  const char *const *choices;    /* CHOICE: NULL-terminated */
  const char        *help;
} L2lOptionInfo;

/* Validated values, one per info, in the info table's order. */
typedef struct {
  const L2lOptionInfo *infos;
  guint                n_infos;
  char               **values;
} L2lOptions;

L2lOptions *l2l_options_new_defaults (const L2lOptionInfo *infos,
                                      guint                n_infos);
void        l2l_options_free         (L2lOptions          *options);

/* @text is "key=value,key=value" (may be NULL or empty); an item without "="
 * continues the value before it, so lists read naturally ("classes=0,1").
 * @owner names what the options belong to in error messages, e.g. "task
 * quadratic". */
gboolean    l2l_options_parse        (L2lOptions          *options,
                                      const char          *text,
                                      const char          *owner,
                                      GError             **error);
gboolean    l2l_options_set          (L2lOptions          *options,
                                      const char          *key,
                                      const char          *value,
                                      const char          *owner,
                                      GError             **error);

const char *l2l_options_get_string   (const L2lOptions    *options,
                                      const char          *key);
gint64      l2l_options_get_int      (const L2lOptions    *options,
                                      const char          *key);
double      l2l_options_get_double   (const L2lOptions    *options,
                                      const char          *key);

/* "key=value,…" with every option, in table order: the canonical form. */
char       *l2l_options_to_string    (const L2lOptions    *options);

/* The range of every numeric setting, one table for the engine's checks and
 * the front ends' widgets. Fields are named as users know them, which is also
 * the CLI's flag without "--". */
typedef struct {
  const char *field;
  double      min;
  double      max;
} L2lLimit;

/* The range of "layers": a learned net keeps per-layer arrays this long. */
#define L2L_MAX_LAYERS 8

/* NULL for a field without a range. */
const L2lLimit *l2l_limit_lookup     (const char          *field);
/* "FIELD: VALUE is outside the range MIN to MAX" when it is. */
gboolean    l2l_check_limit          (const char          *field,
                                      double               value,
                                      GError             **error);

/* Number parsing shared by every front end: the whole string must be the number. */
gboolean    l2l_parse_int            (const char          *text,
                                      gint64              *out);
gboolean    l2l_parse_double         (const char          *text,
                                      double              *out);

/* The shortest text that reads back as exactly @value ("0.1", not
 * "0.10000000000000001"), C locale. @buffer holds G_ASCII_DTOSTR_BUF_SIZE. */
const char *l2l_format_double        (char                *buffer,
                                      double               value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lOptions, l2l_options_free)

G_END_DECLS
