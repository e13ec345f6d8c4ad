/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-chart-contour.h"
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

/* The probe's curves, for a chart with a log x axis (L2L_CHART_X_LOG_DATA)
 * of |g| and a log y axis of the step downhill, −Δθ sign(g) (a step uphill
 * is a gap), in one colour an optimizer: its step at the probe's last step
 * solid, and where its first step differs (a learned rule, RMSprop, NAG)
 * that one dashed, the two named by @first_format and @later_format
 * ("%s, step %u"); where g < 0 gives another curve, that one dotted, named
 * by @negative_format ("%s, g < 0"). */
void l2l_chart_add_probe_result   (L2lChart               *chart,
                                   const L2lProbeResult   *result,
                                   const char             *first_format,
                                   const char             *later_format,
                                   const char             *negative_format);

/* Encodes @chart in the format its name ends in (.png, .svg, .pdf) and writes
 * it atomically; an existing non-regular file is never replaced. Errors name @path. */
gboolean l2l_chart_save           (const L2lChart *chart,
                                   const char     *path,
                                   int             width,
                                   int             height,
                                   GError        **error);

/* Fills @contour's grid with @problem's loss at each point (a function of
 * two coordinates). */
void     l2l_contour_fill         (L2lContour     *contour,
                                   L2lProblem     *problem);

/* Writes @contour as its name's format says: .png, .svg and .pdf as shown,
 * .gif an animation of its paths growing over @steps steps. */
gboolean l2l_contour_save         (L2lContour     *contour,
                                   guint           steps,
                                   const char     *path,
                                   int             width,
                                   int             height,
                                   GError        **error);

G_END_DECLS
