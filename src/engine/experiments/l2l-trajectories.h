/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-cluster.h"
#include "l2l-optimizer-spec.h"
#include "l2l-parallel.h"
#include "l2l-rng.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* The largest experiments a config may ask for; memory checks come on top. */
#define L2L_MAX_STEPS 1000000
#define L2L_MAX_RUNS  100000

/* Called after step @step (0 = the initial loss) of runs
 * [first_run, first_run + n_runs); their losses are already in the matrix,
 * and @theta [n_runs × n_params] holds their parameters at that step (valid
 * during the call only: what neural art's previews show). */
typedef void (*L2lTrajectoryFunc) (guint        step,
                                   guint        first_run,
                                   guint        n_runs,
                                   const float *theta,
                                   gpointer     user_data);

/* One optimizer with one learning rate on @runs problems. Run r is the
 * problem drawn from l2l_seed_derive (seed, stream, r), so every optimizer
 * given the same seed and stream sees the same functions from the same θ0;
 * the TEST and EVAL streams draw held-out problems (l2l_task_sample_held_out). */
typedef struct {
  L2lTask                *task;
  const L2lOptimizerSpec *optimizer;
  double                  lr;
  guint64                 seed;
  L2lSeedStream           stream;
  guint                   runs;
  guint                   steps;
  guint                   chunk_runs;  /* runs stepped together; 0: by memory */
  L2lTrajectoryFunc       on_step;     /* may be NULL */
  gpointer                user_data;
  /* Chunks run on these threads when there is no @on_step (which expects
   * chunks in order); when the chunks run in turn (with @on_step, or one
   * chunk), each problem shares its loss and gradient out to them instead
   * (l2l_problem_set_parallel). The losses are the same bits either way.
   * May be NULL; never a team whose items are running this job. */
  L2lParallel            *parallel;
  float                  *final_theta; /* [runs × n_params]: θ after the last step; may be NULL */
  /* [runs × (steps + 1)]: each run's wall time from its start to each step,
   * in seconds: its share of its chunk's (the runs stepped together: their
   * losses and gradients and the optimizer's update); may be NULL. */
  double                 *seconds;
  /* Ranks sharing the job (may be NULL): this rank runs its share of the
   * chunks of runs (l2l_cluster_share with @cluster_offset) and leaves the
   * others' rows alone; l2l_trajectories_gather completes them. */
  L2lCluster             *cluster;
  guint                   cluster_offset;
} L2lTrajectoryJob;

/* Fills @losses [runs × (steps + 1)]. A run whose loss turns NaN or infinite is
 * diverged: its loss is +inf from then on and it is not evaluated again.
 * Returns FALSE only when cancelled (G_IO_ERROR_CANCELLED). */
gboolean l2l_trajectories_run (const L2lTrajectoryJob *job,
                               double                 *losses,
                               guint                  *n_diverged,
                               GCancellable           *cancellable,
                               GError                **error);

/* The runs of @job this rank runs: all of them without a cluster. */
guint    l2l_trajectories_runs_here (const L2lTrajectoryJob *job);

/* After l2l_trajectories_run on every rank of @job's cluster (each rank from
 * one thread, in the same order): the rows of @losses, @job's seconds and
 * final θ become complete on every rank, and @n_diverged (may be NULL) counts
 * every run's. FALSE with G_IO_ERROR_CANCELLED on every rank when @cancelled
 * (this rank's run was) on some rank. Without a cluster: only @cancelled. */
gboolean l2l_trajectories_gather (const L2lTrajectoryJob  *job,
                                  double                  *losses,
                                  gboolean                 cancelled,
                                  guint                   *n_diverged,
                                  GError                 **error);

G_END_DECLS
