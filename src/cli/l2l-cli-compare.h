/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-chart.h"
#include "l2l-engine.h"

G_BEGIN_DECLS

/* Runs a comparison with a progress line on stderr; NULL with the error when
 * it fails or is interrupted. */
L2lCompareResult *l2l_cli_compare_run        (L2lCompareConfig        *config,
                                              GError                 **error);
/* The mean loss per step with its 25–75 % band, log scale, as --plot draws it:
 * against the step or (@x_mode) the mean wall time to it. */
gboolean          l2l_cli_compare_write_plot (const L2lCompareResult  *result,
                                              const char              *path,
                                              int                      width,
                                              int                      height,
                                              L2lChartXMode            x_mode,
                                              GError                 **error);

G_END_DECLS
