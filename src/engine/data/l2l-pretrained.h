/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The learned optimizers that ship with the program (data/optimizers/NAME.
 * safetensors, built in as a resource, so an uninstalled build has them too),
 * named by what they were trained on: "quadratic", "mnist". */

/* The names, sorted; free with g_strfreev. */
char  **l2l_pretrained_list    (void);

/* What "lstm:NAME" names: a file NAME when one exists (a file shadows a
 * pretrained optimizer of the same name), else the pretrained NAME as a path
 * that l2l_checkpoint_load and l2l_safetensors_load read. An unknown name is
 * L2L_ENGINE_ERROR_INVALID_OPTION listing the known ones. */
char   *l2l_pretrained_resolve (const char  *name,
                                GError     **error);

/* TRUE when @path (from l2l_pretrained_resolve) is a pretrained optimizer. */
gboolean l2l_pretrained_is_builtin (const char *path);

G_END_DECLS
