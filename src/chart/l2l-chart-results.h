/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-chart.h"
#include "l2l-engine.h"

G_BEGIN_DECLS

/* Engine results as chart series; the front ends give the words. */

/* One series per optimizer: the mean loss per step with its 25–75 % band,
 * each point with the mean wall time to it (for l2l_chart_set_x_mode). */
void l2l_chart_add_compare_result (L2lChart               *chart,
                                   const L2lCompareResult *result);

/* Two series over epochs: @meta_name (the meta-loss of each epoch) and
 * @eval_name (the held-out loss where evaluated). */
void l2l_chart_add_train_history  (L2lChart             *chart,
                                   const L2lTrainRecord *history,
                                   guint                 n,
                                   const char           *meta_name,
                                   const char           *eval_name);

/* Encodes @chart in the format its name ends in (.png, .svg, .pdf) and writes
 * it atomically; an existing non-regular file is never replaced. Errors name @path. */
gboolean l2l_chart_save           (const L2lChart *chart,
                                   const char     *path,
                                   int             width,
                                   int             height,
                                   GError        **error);

G_END_DECLS
