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
  L2lParallel            *problem_team; /* the job's threads, when chunks run in turn */
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
      l2l_problem_set_parallel (problems[r], work->problem_team);
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

/* Runs stepped together: a config's, or as many as fit the coordinate budget. */
static guint
chunk_runs (const L2lTrajectoryJob *job)
{
  const gsize n = l2l_task_get_n_params (job->task);

  return (guint) CLAMP (job->chunk_runs ? job->chunk_runs : MAX_CHUNK_COORDS / n, 1, job->runs);
}

/* The items of a share are numbered from 0 on the threads. */
typedef struct {
  Work  *work;
  guint  first;
} Share;

static void
run_chunk_of_share (guint    item,
                    gpointer user_data)
{
  const Share *share = user_data;

  run_chunk (share->first + item, share->work);
}

gboolean
l2l_trajectories_run (const L2lTrajectoryJob *job,
                      double                 *losses,
                      guint                  *n_diverged,
                      GCancellable           *cancellable,
                      GError                **error)
{
  Work work = {
    .job = job,
    .chunk = chunk_runs (job),
    .losses = losses,
    .cancellable = cancellable,
  };
  const guint n_chunks = (job->runs + work.chunk - 1) / work.chunk;
  guint first, last;

  /* with a cluster, this rank's chunks only */
  l2l_cluster_share (job->cluster, n_chunks, job->cluster_offset, &first, &last);
  /* chunks in turn in this thread leave the threads to each loss and gradient */
  if (job->on_step != NULL || last - first < 2)
    work.problem_team = job->parallel;
  if (job->on_step == NULL)
    l2l_parallel_run (job->parallel, last - first, run_chunk_of_share, &(Share) { &work, first });
  else
    for (guint item = first; item < last && !work.cancelled; item++)
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

guint
l2l_trajectories_runs_here (const L2lTrajectoryJob *job)
{
  const guint chunk = chunk_runs (job), n_chunks = (job->runs + chunk - 1) / chunk;
  guint first, last;

  l2l_cluster_share (job->cluster, n_chunks, job->cluster_offset, &first, &last);
  return MIN (last * chunk, job->runs) - MIN (first * chunk, job->runs);
}

/* Byte bounds of each chunk's rows in a matrix of @row_bytes a run. */
static gsize *
chunk_bounds (const L2lTrajectoryJob *job,
              guint                   n_chunks,
              guint                   chunk,
              gsize                   row_bytes)
{
  gsize *bounds = g_new (gsize, n_chunks + 1);

  for (guint c = 0; c <= n_chunks; c++)
    bounds[c] = (gsize) MIN ((guint64) c * chunk, job->runs) * row_bytes;
  return bounds;
}

gboolean
l2l_trajectories_gather (const L2lTrajectoryJob  *job,
                         double                  *losses,
                         gboolean                 cancelled,
                         guint                   *n_diverged,
                         GError                 **error)
{
  const gsize stride = (gsize) job->steps + 1;
  const guint chunk = chunk_runs (job), n_chunks = (job->runs + chunk - 1) / chunk;
  g_autofree gsize *rows = NULL, *thetas = NULL;

  if (job->cluster == NULL || job->cluster->size <= 1)
    goto out;
  if (l2l_cluster_any (job->cluster, cancelled))
    {
      cancelled = TRUE;
      goto out;
    }
  rows = chunk_bounds (job, n_chunks, chunk, stride * sizeof (double));
  l2l_cluster_gather (job->cluster, losses, n_chunks, job->cluster_offset, rows);
  if (job->seconds != NULL)
    l2l_cluster_gather (job->cluster, job->seconds, n_chunks, job->cluster_offset, rows);
  if (job->final_theta != NULL)
    {
      thetas = chunk_bounds (job, n_chunks, chunk,
                             l2l_task_get_n_params (job->task) * sizeof (float));
      l2l_cluster_gather (job->cluster, job->final_theta, n_chunks, job->cluster_offset, thetas);
    }
  /* a diverged run's loss is +inf from then on, its last one included */
  if (n_diverged != NULL)
    {
      *n_diverged = 0;
      for (guint r = 0; r < job->runs; r++)
        *n_diverged += isinf (losses[r * stride + job->steps]) ? 1 : 0;
    }

out:
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  return TRUE;
}
