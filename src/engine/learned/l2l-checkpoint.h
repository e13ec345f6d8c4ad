/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rule.h"
#include "l2l-safetensors.h"

G_BEGIN_DECLS

/* Learned-optimizer checkpoints (ARCHITECTURE §4): safetensors whose tensors
 * are φ under PyTorch's names (optionally behind a prefix such as "best.") and
 * whose metadata holds "format" = L2L_CHECKPOINT_FORMAT, "format_version", the
 * rule ("layers", "hidden", "output_scale", "groups" where there is one net
 * per parameter group, and either "preprocess" for the paper's LSTM on its
 * own inputs, as version 1 had it, or "arch" and "features", version 2) and
 * whatever the trainer adds about how φ was made. The format keeps its first
 * name, from when every learned optimizer was an LSTM. */
#define L2L_CHECKPOINT_FORMAT "l2l-workbench.lstm-optimizer"
#define L2L_CHECKPOINT_VERSION 2

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
