/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An axis maps a data range onto [0, 1] and knows where its ticks go: linear
 * ticks at 1, 2 or 5 × 10^k steps, log ticks at powers of ten (with 2 and 5
 * between them when the range spans little more than a decade). */
#define L2L_AXIS_MAX_TICKS 32

typedef struct {
  gboolean log;
  double   min;          /* range after rounding out to ticks */
  double   max;
  guint    n_ticks;
  double   ticks[L2L_AXIS_MAX_TICKS];
} L2lAxis;

/* Fits an axis around [lo, hi] (the finite data; for a log axis only the
 * positive data), rounding out to ticks. An empty range gets a default. */
void     l2l_axis_fit          (L2lAxis  *axis,
                                gboolean  log,
                                double    lo,
                                double    hi,
                                guint     max_ticks);
/* Position of @value in [0, 1] (outside for values off the axis); NaN when
 * @value cannot be placed (NaN, inf, or ≤ 0 on a log axis). */
double   l2l_axis_normalize    (const L2lAxis *axis,
                                double         value);
double   l2l_axis_denormalize  (const L2lAxis *axis,
                                double         position);
/* Tick label: "0.5", "20", "0.01", and beyond 0.01 … 1000 on log axes
 * powers of ten: "10⁻³", "10⁴". */
void     l2l_axis_format_tick  (const L2lAxis *axis,
                                double         value,
                                char          *buffer,
                                gsize          size);

G_END_DECLS
