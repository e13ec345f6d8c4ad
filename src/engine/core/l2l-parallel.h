/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed team of threads that runs numbered work items. Which thread runs
 * which item varies; what an item computes must not depend on it, so callers
 * cut their work into items independent of the thread count and reduce the
 * items' results in item order (ARCHITECTURE §3, determinism). */
typedef struct _L2lParallel L2lParallel;

/* The most threads a config may ask for. */
#define L2L_MAX_THREADS 1024

typedef void (*L2lParallelFunc) (guint    item,
                                 gpointer user_data);

/* @threads ≥ 1 counts the calling thread: 1 runs everything in the caller. */
L2lParallel *l2l_parallel_new     (guint threads);
void         l2l_parallel_free    (L2lParallel *parallel);

/* Runs @func on items 0 … @n_items − 1 and returns when all are done. A NULL
 * @parallel runs them in order in the caller. */
void         l2l_parallel_run     (L2lParallel     *parallel,
                                   guint            n_items,
                                   L2lParallelFunc  func,
                                   gpointer         user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lParallel, l2l_parallel_free)

G_END_DECLS
