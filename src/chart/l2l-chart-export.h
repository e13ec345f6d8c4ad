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

/* Renders @chart at @width × @height (pixels for PNG, points for SVG and PDF,
 * 16 to 16384) into the bytes of a file. Writing them is the front ends'
 * (l2l_chart_save, through the engine's atomic writes). */
GBytes  *l2l_chart_encode           (const L2lChart  *chart,
                                     L2lChartFormat   format,
                                     int              width,
                                     int              height,
                                     GError         **error);

/* Any drawing of the chart module (a contour plot), encoded the same way. */
typedef void (*L2lChartDrawFunc) (gconstpointer  data,
                                  cairo_t       *cr,
                                  double         width,
                                  double         height);
GBytes  *l2l_chart_encode_drawing   (L2lChartDrawFunc  draw,
                                     gconstpointer     data,
                                     L2lChartFormat    format,
                                     int               width,
                                     int               height,
                                     GError          **error);

G_END_DECLS
