/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "l2l-trajectories.h"

/* Runs are stepped together, as one vector of coordinates, in chunks of at most
 * this many coordinates: few calls per step, bounded memory. */
#define MAX_CHUNK_COORDS (1u << 16)

typedef struct {
  const L2lTrajectoryJob *job;
  guint                   chunk;       /* runs a chunk */
  double                 *losses;
  GCancellable           *cancellable;
  gint                    cancelled;   /* atomic */
  gint                    diverged;    /* atomic: runs */
} Work;

/* Runs [item × chunk, …) from θ0 to the last step, or until cancelled. */
static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
run_chunk (guint    item,
           gpointer user_data)
{
  Work *work = user_data;
  const L2lTrajectoryJob *job = work->job;
  const gsize n = l2l_task_get_n_params (job->task);
  const gsize stride = (gsize) job->steps + 1;
  const guint first = item * work->chunk, count = MIN (work->chunk, job->runs - first);
  /* Comparisons and evaluations test on what training never sees. */
  const gboolean held_out = job->stream == L2L_SEED_TEST || job->stream == L2L_SEED_EVAL;
  g_autofree float *theta = NULL, *grad = NULL;
  g_autofree L2lProblem **problems = NULL;
  g_autofree gboolean *diverged = NULL;
  g_autoptr(L2lOptimizer) optimizer = NULL;
  double elapsed = 0.0;

  /* Chunks not begun when Stop comes are not begun at all. */
  if (g_atomic_int_get (&work->cancelled) || g_cancellable_is_cancelled (work->cancellable))
    {
      g_atomic_int_set (&work->cancelled, TRUE);
      return;
    }
  theta = g_new (float, count * n);
  grad = g_new (float, count * n);
  problems = g_new0 (L2lProblem *, count);
  diverged = g_new0 (gboolean, count);
  optimizer = l2l_optimizer_spec_create (job->optimizer, job->lr, job->task, count * n);
  for (guint r = 0; r < count; r++)
    {
      guint64 seed = l2l_seed_derive (job->seed, job->stream, first + r);
      problems[r] = held_out ? l2l_task_sample_held_out (job->task, seed)
                             : l2l_task_sample (job->task, seed);
      l2l_problem_init (problems[r], theta + r * n);
    }

  for (guint step = 0; step <= job->steps; step++)
    {
      const double start = now ();

      if (step > 0)
        {
          if (g_atomic_int_get (&work->cancelled) || g_cancellable_is_cancelled (work->cancellable))
            {
              g_atomic_int_set (&work->cancelled, TRUE);
              break;
            }
          l2l_optimizer_step (optimizer, theta, grad);
        }
      for (guint r = 0; r < count; r++)
        {
          double *loss = &work->losses[(first + r) * stride + step];

          if (diverged[r])
            {
              *loss = INFINITY;
              continue;
            }
          *loss = l2l_problem_loss_grad (problems[r], theta + r * n, grad + r * n);
          if (!isfinite (*loss))
            {
              /* A zero gradient keeps the dead run's coordinates from
               * feeding NaN into state that later rules might share. */
              *loss = INFINITY;
              diverged[r] = TRUE;
              g_atomic_int_inc (&work->diverged);
              memset (grad + r * n, 0, n * sizeof (float));
            }
        }
      /* two clock reads a step, not two a run: the runs of a chunk share it */
      elapsed += (now () - start) / count;
      for (guint r = 0; r < count && job->seconds != NULL; r++)
        job->seconds[(first + r) * stride + step] = elapsed;
      if (job->on_step != NULL)
        job->on_step (step, first, count, theta, job->user_data);
    }

  if (job->final_theta != NULL && !g_atomic_int_get (&work->cancelled))
    memcpy (job->final_theta + first * n, theta, count * n * sizeof (float));
  for (guint r = 0; r < count; r++)
    l2l_problem_free (problems[r]);
}

gboolean
l2l_trajectories_run (const L2lTrajectoryJob *job,
                      double                 *losses,
                      guint                  *n_diverged,
                      GCancellable           *cancellable,
                      GError                **error)
{
  const gsize n = l2l_task_get_n_params (job->task);
  Work work = {
    .job = job,
    .chunk = (guint) CLAMP (job->chunk_runs ? job->chunk_runs : MAX_CHUNK_COORDS / n,
                            1, job->runs),
    .losses = losses,
    .cancellable = cancellable,
  };
  const guint n_chunks = (job->runs + work.chunk - 1) / work.chunk;

  if (job->on_step == NULL)
    l2l_parallel_run (job->parallel, n_chunks, run_chunk, &work);
  else
    for (guint item = 0; item < n_chunks && !work.cancelled; item++)
      run_chunk (item, &work);

  if (n_diverged != NULL)
    *n_diverged = (guint) work.diverged;
  if (work.cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  return TRUE;
}
