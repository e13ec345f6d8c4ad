/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define L2L_ENGINE_ERROR (l2l_engine_error_quark ())

/* Failures that input can cause. Cancellation is G_IO_ERROR_CANCELLED. */
typedef enum {
  L2L_ENGINE_ERROR_INVALID_OPTION, /* a config value out of range or malformed */
  L2L_ENGINE_ERROR_INVALID_FILE,   /* a file whose contents do not fit the format */
  L2L_ENGINE_ERROR_DIVERGED,       /* nothing usable: every candidate diverged */
  L2L_ENGINE_ERROR_DATA_NOT_INSTALLED, /* a data set's default folder is missing */
} L2lEngineError;

GQuark   l2l_engine_error_quark (void);

/* What a front end needs besides the message, so that it never parses one:
 * the setting the error is about, named as users know it ("steps", "data",
 * "size": the CLI's flag without "--"), the problem alone, without the owner
 * and field the message begins with, and where a missing data set or package
 * is the cause, how to get it. Each is NULL where it does not apply (the
 * detail is then the message); errors of other domains have none. */
const char *l2l_error_get_field  (const GError *error);
const char *l2l_error_get_detail (const GError *error);
const char *l2l_error_get_hint   (const GError *error);

/* Sets @code as "OWNER: FIELD: DETAIL" (@owner may be NULL, as for a setting
 * of a whole experiment; "task cnn" for an option of a task) and returns FALSE. */
gboolean l2l_set_field_error    (GError        **error,
                                 L2lEngineError  code,
                                 const char     *owner,
                                 const char     *field,
                                 const char     *format,
                                 ...) G_GNUC_PRINTF (5, 6);
/* Names @field as the setting of *@error unless a more specific one is named
 * already; an error about a file of another domain (a folder that cannot be
 * read) becomes L2L_ENGINE_ERROR_INVALID_FILE with the same message, so that
 * it can carry the field. Cancellation is left as it is. */
void     l2l_error_set_field    (GError        **error,
                                 const char     *field);
void     l2l_error_set_hint     (GError         *error,
                                 const char     *hint);

/* Sets L2L_ENGINE_ERROR_INVALID_FILE as "PATH: MESSAGE" and returns FALSE, for
 * loaders that name the file in every refusal. */
gboolean l2l_set_file_error     (GError     **error,
                                 const char  *path,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
