/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-lstm.h"
#include "l2l-safetensors.h"

G_BEGIN_DECLS

/* Learned-optimizer checkpoints (ARCHITECTURE §4): safetensors whose tensors
 * are φ under PyTorch's names (optionally behind a prefix such as "best.") and
 * whose metadata holds "format" = L2L_CHECKPOINT_FORMAT, "format_version", the
 * architecture ("layers", "hidden", "preprocess", "output_scale", and
 * "groups" where there is one LSTM per parameter group) and whatever
 * the trainer adds about how φ was made. */
#define L2L_CHECKPOINT_FORMAT "l2l-workbench.lstm-optimizer"
#define L2L_CHECKPOINT_VERSION 1

void      l2l_checkpoint_add_architecture  (L2lSafetensorsWriter *writer,
                                            const L2lRuleConfig  *config);
void      l2l_checkpoint_add_net           (L2lSafetensorsWriter *writer,
                                            const L2lRule        *net,
                                            const char           *prefix);

gboolean  l2l_checkpoint_read_architecture (const L2lSafetensors *file,
                                            L2lRuleConfig        *config,
                                            GError              **error);
L2lRule  *l2l_checkpoint_read_net          (const L2lSafetensors *file,
                                            const L2lRuleConfig  *config,
                                            const char           *prefix,
                                            GError              **error);

/* Loads the optimizer φ of a checkpoint (or of a resume file). */
L2lRule  *l2l_checkpoint_load              (const char  *path,
                                            GError     **error);

G_END_DECLS
