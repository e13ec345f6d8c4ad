/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The numeric core: tasks, optimizers, comparisons, tuning, result files.
 * Plain C11 on GLib/GIO and OpenBLAS; no screen. */
#include "l2l-art-objective.h"
#include "l2l-checkpoint.h"
#include "l2l-compare.h"
#include "l2l-dataset.h"
#include "l2l-error.h"
#include "l2l-file.h"
#include "l2l-idx.h"
#include "l2l-image.h"
#include "l2l-loss-weights.h"
#include "l2l-features.h"
#include "l2l-lstm.h"
#include "l2l-rule.h"
#include "l2l-rule-optimizer.h"
#include "l2l-rule-spec.h"
#include "l2l-meta-train.h"
#include "l2l-batchnorm.h"
#include "l2l-conv2d.h"
#include "l2l-gram.h"
#include "l2l-maxpool.h"
#include "l2l-tv.h"
#include "l2l-feature-net.h"
#include "l2l-nn.h"
#include "l2l-optimizer-spec.h"
#include "l2l-probe.h"
#include "l2l-optimizer.h"
#include "l2l-options.h"
#include "l2l-cluster.h"
#include "l2l-parallel.h"
#include "l2l-pretrained.h"
#include "l2l-results.h"
#include "l2l-rng.h"
#include "l2l-safetensors.h"
#include "l2l-settings.h"
#include "l2l-stats.h"
#include "l2l-task-art.h"
#include "l2l-task-cnn.h"
#include "l2l-task-landscape.h"
#include "l2l-task-mlp.h"
#include "l2l-task-quadratic.h"
#include "l2l-task.h"
#include "l2l-trajectories.h"
#include "l2l-tune.h"

G_BEGIN_DECLS

/* Sets OpenBLAS's thread pool once, explicitly (ARCHITECTURE §5). */
void l2l_engine_init (int blas_threads);

G_END_DECLS
