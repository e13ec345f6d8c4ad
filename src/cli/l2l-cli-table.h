/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The comparison summary: per optimizer its rate, whether it was tuned, the
 * mean and median loss at each of @steps, and how many runs diverged. */
void l2l_cli_print_compare_table (FILE                   *out,
                                  const L2lCompareResult *result,
                                  const GArray           *steps);

/* A compact loss for tables: 4 significant digits, "diverged" for +inf. */
void l2l_cli_format_loss         (char   *buffer,
                                  gsize   size,
                                  double  loss);

G_END_DECLS
