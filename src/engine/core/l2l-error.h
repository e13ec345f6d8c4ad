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

/* Sets L2L_ENGINE_ERROR_INVALID_FILE as "PATH: MESSAGE" and returns FALSE, for
 * loaders that name the file in every refusal. */
gboolean l2l_set_file_error     (GError     **error,
                                 const char  *path,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
