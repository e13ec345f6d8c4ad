/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-chart.h"

G_BEGIN_DECLS

typedef enum {
  L2L_CHART_PNG,
  L2L_CHART_SVG,
  L2L_CHART_PDF,
} L2lChartFormat;

/* From the file name's ending: .png, .svg or .pdf (any case). */
gboolean l2l_chart_format_from_path (const char     *path,
                                     L2lChartFormat *format);

/* Renders @chart at @width × @height (pixels for PNG, points for SVG and PDF)
 * and writes it through a temporary name. Errors name @path. */
gboolean l2l_chart_export           (const L2lChart  *chart,
                                     const char      *path,
                                     int              width,
                                     int              height,
                                     GError         **error);

G_END_DECLS
