/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-parallel.h"

struct _L2lParallel {
  guint        threads;
  GThreadPool *pool;       /* threads − 1 helpers; NULL for one thread */
  GMutex       lock;
  GCond        helpers_done;
};

/* One call of l2l_parallel_run: items are claimed one at a time. */
typedef struct {
  L2lParallel     *parallel;
  L2lParallelFunc  func;
  gpointer         user_data;
  guint            n_items;
  gint             next;       /* atomic: the next unclaimed item */
  guint            helpers_running;
} Run;

static void
claim_items (Run *run)
{
  guint item;

  while ((item = (guint) g_atomic_int_add (&run->next, 1)) < run->n_items)
    run->func (item, run->user_data);
}

static void
helper (gpointer data,
        gpointer user_data)
{
  Run *run = data;
  L2lParallel *parallel = run->parallel;

  claim_items (run);
  g_mutex_lock (&parallel->lock);
  if (--run->helpers_running == 0)
    g_cond_signal (&parallel->helpers_done);
  g_mutex_unlock (&parallel->lock);
}

L2lParallel *
l2l_parallel_new (guint threads)
{
  L2lParallel *parallel = g_new0 (L2lParallel, 1);

  parallel->threads = MAX (threads, 1);
  g_mutex_init (&parallel->lock);
  g_cond_init (&parallel->helpers_done);
  if (parallel->threads > 1)
    parallel->pool = g_thread_pool_new (helper, NULL, (int) parallel->threads - 1, TRUE, NULL);
  return parallel;
}

void
l2l_parallel_free (L2lParallel *parallel)
{
  if (parallel == NULL)
    return;
  if (parallel->pool != NULL)
    g_thread_pool_free (parallel->pool, FALSE, TRUE);
  g_mutex_clear (&parallel->lock);
  g_cond_clear (&parallel->helpers_done);
  g_free (parallel);
}

void
l2l_parallel_run (L2lParallel     *parallel,
                  guint            n_items,
                  L2lParallelFunc  func,
                  gpointer         user_data)
{
  Run run = { parallel, func, user_data, n_items, 0, 0 };
  guint helpers;

  if (parallel == NULL || parallel->pool == NULL || n_items < 2)
    {
      for (guint item = 0; item < n_items; item++)
        func (item, user_data);
      return;
    }
  helpers = MIN (parallel->threads - 1, n_items - 1);
  run.helpers_running = helpers;
  for (guint i = 0; i < helpers; i++)
    g_thread_pool_push (parallel->pool, &run, NULL);
  claim_items (&run);
  g_mutex_lock (&parallel->lock);
  while (run.helpers_running > 0)
    g_cond_wait (&parallel->helpers_done, &parallel->lock);
  g_mutex_unlock (&parallel->lock);
}
