/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper nesting than any of our formats uses is refused before parsing:
 * json-glib's parser recurses, and a file nested 100,000 deep would take the
 * stack with it. */
#define L2L_JSON_MAX_DEPTH 64

/* Parses @length bytes of JSON whose root must be of @root_type (an object
 * or an array). Errors are L2L_ENGINE_ERROR_INVALID_FILE and read "PATH: WHAT …". */
JsonParser *l2l_json_parse (const char    *data,
                            gsize          length,
                            JsonNodeType   root_type,
                            const char    *path,
                            const char    *what,
                            GError       **error);

/* @root as JSON text (indented when @pretty), valid JSON always: json-glib
 * appends ".0" to a double printed without a point, which makes 1e+20 the
 * invalid 1e+20.0, and such suffixes are dropped; bytes of strings that are
 * not UTF-8 (a file's name may be anything) become U+FFFD. Callers write
 * non-finite values as something else (null). */
char       *l2l_json_to_data (JsonNode  *root,
                              gboolean   pretty,
                              gsize     *length);

G_END_DECLS
