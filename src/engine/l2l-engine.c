/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>

#include "l2l-engine.h"

void
l2l_engine_init (int blas_threads)
{
  openblas_set_num_threads (MAX (blas_threads, 1));
}
