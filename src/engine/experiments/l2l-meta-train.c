/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-meta-train-private.h"
#include "l2l-options.h"
#include "l2l-rng.h"
#include "l2l-trajectories.h"

/* Construction. */

L2lTrainer *
_l2l_trainer_alloc (const L2lTrainConfig *config,
                    L2lRule              *net)
{
  L2lTrainer *trainer = g_new0 (L2lTrainer, 1);
  const gsize P = net->n_params;

  trainer->config = *config;
  trainer->config.task = l2l_task_ref (config->task);
  trainer->weights_spec = g_strdup (config->weights);
  trainer->config.weights = trainer->weights_spec;
  trainer->weights = l2l_loss_weights_new (config->weights, config->steps, NULL);
  trainer->net = net;
  trainer->best = l2l_rule_copy (net);
  trainer->best_eval_loss = INFINITY;
  trainer->imitate_first = trainer->imitate_last = NAN;
  trainer->adam = l2l_optimizer_adam.create (P, config->meta_lr, NULL);
  trainer->history = g_array_new (FALSE, FALSE, sizeof (L2lTrainRecord));
  trainer->dphi = g_new0 (float, P);
  trainer->snapshot = g_new0 (float, 4 * P);
  if (config->average > 0.0)
    trainer->average = l2l_rule_copy (net);

  trainer->n_shards = MIN (L2L_TRAIN_SHARDS, config->batch);
  trainer->shards = g_new0 (Shard, trainer->n_shards);
  trainer->shard_dphi = g_new0 (float, trainer->n_shards * P);
  trainer->shard_sums = g_new0 (double, 3 * trainer->n_shards);
  trainer->parallel = l2l_parallel_new (config->threads);
  return trainer;
}

L2lTrainer *
l2l_trainer_new (const L2lTrainConfig  *config,
                 GError               **error)
{
  L2lRule *net;

  L2lTrainConfig resolved;

  if (!l2l_train_config_validate (config, error))
    return NULL;
  /* per_group: the LSTM's groups are the task's */
  resolved = *config;
  if (config->per_group && config->task->n_groups > 1)
    {
      g_autofree char *groups = l2l_task_groups_to_string (config->task);
      l2l_rule_config_set_groups (&resolved.rule, groups, NULL);
    }
  config = &resolved;
  net = l2l_rule_new (&config->rule, l2l_seed_derive (config->seed, L2L_SEED_TRAIN, G_MAXUINT64));
  /* A random output layer takes random steps from the start, which on some
   * tasks (MLPs with sigmoid units) saturate the optimizee before φ learns
   * anything; from zero, the first meta-gradients point down the loss. */
  if (config->zero_output)
    l2l_rule_zero_output (net);
  return _l2l_trainer_alloc (config, net);
}

void
l2l_trainer_free (L2lTrainer *trainer)
{
  if (trainer == NULL)
    return;
  l2l_parallel_free (trainer->parallel);
  _l2l_trainer_free_shards (trainer);
  g_free (trainer->shards);
  g_free (trainer->shard_dphi);
  g_free (trainer->shard_sums);
  l2l_optimizer_free (trainer->adam);
  l2l_rule_unref (trainer->net);
  l2l_rule_unref (trainer->best);
  l2l_rule_unref (trainer->average);
  l2l_loss_weights_free (trainer->weights);
  l2l_task_unref (trainer->config.task);
  g_free (trainer->weights_spec);
  g_array_unref (trainer->history);
  g_free (trainer->dphi);
  g_free (trainer->snapshot);
  g_free (trainer->eval_theta);
  g_free (trainer);
}

/* @value as @setting where the option @field allows it. */
static gboolean
set_checked (guint       *setting,
             const char  *field,
             guint        value,
             GError     **error)
{
  if (!l2l_check_limit (field, value, error))
    return FALSE;
  *setting = value;
  return TRUE;
}

gboolean
l2l_trainer_set_epochs (L2lTrainer  *trainer,
                        guint        epochs,
                        GError     **error)
{
  return set_checked (&trainer->config.epochs, "epochs", epochs, error);
}

gboolean
l2l_trainer_set_threads (L2lTrainer  *trainer,
                         guint        threads,
                         GError     **error)
{
  if (!set_checked (&trainer->config.threads, "threads", threads, error))
    return FALSE;
  l2l_parallel_free (trainer->parallel);
  trainer->parallel = l2l_parallel_new (threads);
  return TRUE;
}

void
l2l_trainer_set_cluster (L2lTrainer *trainer,
                         L2lCluster *cluster)
{
  _l2l_trainer_free_shards (trainer);
  trainer->cluster = cluster;
}

const L2lTrainConfig *
l2l_trainer_get_config (L2lTrainer *trainer)
{
  return &trainer->config;
}

guint
l2l_trainer_get_epoch (L2lTrainer *trainer)
{
  return trainer->epoch;
}

L2lRule *
l2l_trainer_get_net (L2lTrainer *trainer)
{
  return trainer->net;
}

L2lRule *
l2l_trainer_get_scored (L2lTrainer *trainer)
{
  return trainer->average != NULL ? trainer->average : trainer->net;
}

L2lRule *
l2l_trainer_get_best (L2lTrainer *trainer)
{
  return trainer->best;
}

double
l2l_trainer_get_elapsed (L2lTrainer *trainer,
                         double     *eval_seconds)
{
  if (eval_seconds != NULL)
    *eval_seconds = trainer->eval_elapsed;
  return trainer->elapsed;
}

double
l2l_trainer_get_best_eval_loss (L2lTrainer *trainer)
{
  return trainer->best_eval_loss;
}

double
l2l_trainer_get_imitation_error (L2lTrainer *trainer,
                                 double     *first)
{
  *first = trainer->imitate_first;
  return trainer->imitate_last;
}

const L2lTrainRecord *
l2l_trainer_get_history (L2lTrainer *trainer,
                         guint      *n)
{
  *n = trainer->history->len;
  return (const L2lTrainRecord *) (gpointer) trainer->history->data;
}

/* Training. */

double
l2l_trainer_evaluate (L2lTrainer   *trainer,
                      L2lRule      *net,
                      GCancellable *cancellable)
{
  const L2lTrainConfig *config = &trainer->config;
  const guint runs = config->eval_runs, T = config->steps;
  g_autofree double *losses = g_new (double, (gsize) runs * (T + 1));
  L2lOptimizerSpec spec;
  double total = 0.0;
  L2lTrajectoryJob job = {
    .task = config->task,
    .optimizer = &spec,
    .seed = config->seed,
    .stream = L2L_SEED_EVAL,
    .runs = runs,
    .steps = T,
    .parallel = trainer->parallel,
    .cluster = trainer->cluster,
  };
  gboolean finished;

  /* what φ made of each held-out function: neural art shows the first */
  if (trainer->eval_theta == NULL)
    trainer->eval_theta = g_new (float, (gsize) runs * l2l_task_get_n_params (config->task));
  job.final_theta = trainer->eval_theta;
  l2l_optimizer_spec_init_learned (&spec, "lstm", net);
  finished = l2l_trajectories_run (&job, losses, NULL, cancellable, NULL);
  finished = l2l_trajectories_gather (&job, losses, !finished, NULL, NULL);
  l2l_optimizer_spec_clear (&spec);
  if (!finished)
    return NAN;
  if (config->keep == L2L_KEEP_FINAL)
    {
      for (guint r = 0; r < runs; r++)
        total += losses[(gsize) r * (T + 1) + T];
      total /= runs;
    }
  else
    {
      for (guint r = 0; r < runs; r++)
        for (guint t = 1; t <= T; t++)
          total += trainer->weights->values[t - 1] * losses[(gsize) r * (T + 1) + t];
      total /= trainer->weights->sum * runs;
    }
  return isfinite (total) ? total : INFINITY;
}

void
l2l_trainer_reload_net (L2lTrainer *trainer)
{
  for (guint i = 0; i < trainer->n_shards; i++)
    if (trainer->shards[i].unroll != NULL)
      l2l_rule_unroll_sync (trainer->shards[i].unroll);
}

/* What an epoch changes: φ, Adam's moments, φ̄ (with config.average) and
 * Adam's step count. */
typedef struct {
  float   *rows[4];     /* [P] each */
  guint    n_rows;
  guint64 *step;
} EpochState;

static EpochState
live_state (L2lTrainer *trainer)
{
  EpochState state = { { trainer->net->params }, 3, NULL };

  l2l_adam_get_state (trainer->adam, &state.rows[1], &state.rows[2], &state.step);
  if (trainer->average != NULL)
    state.rows[state.n_rows++] = trainer->average->params;
  return state;
}

/* The same, as kept in trainer->snapshot at the epoch's start. */
static EpochState
kept_state (L2lTrainer *trainer)
{
  const gsize P = trainer->net->n_params;
  EpochState state = { { NULL }, trainer->average != NULL ? 4 : 3, &trainer->snapshot_step };

  for (guint i = 0; i < state.n_rows; i++)
    state.rows[i] = trainer->snapshot + i * P;
  return state;
}

static void
copy_state (const EpochState *to,
            const EpochState *from,
            gsize             P)
{
  for (guint i = 0; i < to->n_rows; i++)
    memcpy (to->rows[i], from->rows[i], P * sizeof (float));
  *to->step = *from->step;
}

/* Keeps the state as the epoch starts, so that a cancelled epoch can be undone. */
static void
save_epoch_start (L2lTrainer *trainer)
{
  EpochState live = live_state (trainer), kept = kept_state (trainer);

  copy_state (&kept, &live, trainer->net->n_params);
}

/* Undoes the epoch: the state as save_epoch_start kept it. */
static void
restore_epoch_start (L2lTrainer *trainer)
{
  EpochState live = live_state (trainer), kept = kept_state (trainer);

  copy_state (&live, &kept, trainer->net->n_params);
  l2l_trainer_reload_net (trainer);
}

/* One epoch. FALSE when cancelled, with φ and Adam as at the epoch's start. */
static gboolean
train_epoch (L2lTrainer   *trainer,
             double       *meta_loss,
             GCancellable *cancellable)
{
  const L2lTrainConfig *config = &trainer->config;
  const gsize P = trainer->net->n_params;
  const guint epoch = trainer->epoch + 1;
  const guint horizon = _l2l_train_epoch_horizon (config, epoch);
  gboolean diverged = FALSE;
  const double *sums;

  save_epoch_start (trainer);
  trainer->weight_sum = 0.0;
  for (guint t = 0; t < horizon; t++)
    trainer->weight_sum += trainer->weights->values[t];
  l2l_adam_set_lr (trainer->adam, _l2l_train_epoch_meta_lr (config, epoch));
  _l2l_trainer_begin_shards (trainer, epoch, horizon);

  for (guint t0 = 0; t0 < horizon; t0 += config->unroll)
    {
      /* every rank stops at the same unroll, or none does */
      if (l2l_cluster_any (trainer->cluster, g_cancellable_is_cancelled (cancellable)))
        {
          restore_epoch_start (trainer);
          return FALSE;
        }
      trainer->unroll_start = t0;
      _l2l_trainer_run_shards (trainer);

      _l2l_trainer_reduce_gradient (trainer, trainer->dphi);
      /* A non-finite meta-gradient would poison φ: that unroll teaches nothing. */
      if (!_l2l_train_clip_gradient (trainer->dphi, P, config->clip_norm))
        {
          diverged = TRUE;
          continue;
        }
      l2l_optimizer_step (trainer->adam, trainer->net->params, trainer->dphi);
      l2l_trainer_reload_net (trainer);
      if (trainer->average != NULL)
        _l2l_trainer_update_average (trainer);
    }

  *meta_loss = 0.0;
  sums = _l2l_trainer_gather_sums (trainer);
  for (guint i = 0; i < trainer->n_shards; i++)
    {
      *meta_loss += sums[3 * i];
      diverged |= sums[3 * i + 2] != 0.0;
    }
  if (diverged || !isfinite (*meta_loss))
    *meta_loss = INFINITY;
  return TRUE;
}

double
l2l_trainer_unroll_gradient (L2lTrainer *trainer,
                             guint       epoch,
                             float      *dphi)
{
  double objective = 0.0;
  const double *sums;

  trainer->weight_sum = trainer->weights->sum;
  _l2l_trainer_begin_shards (trainer, epoch, trainer->config.steps);
  trainer->unroll_start = 0;
  _l2l_trainer_run_shards (trainer);
  _l2l_trainer_reduce_gradient (trainer, dphi);
  sums = _l2l_trainer_gather_sums (trainer);
  for (guint i = 0; i < trainer->n_shards; i++)
    objective += sums[3 * i + 1];
  return objective;
}

static void
report (L2lTrainer           *trainer,
        const L2lTrainRecord *record,
        gboolean              improved,
        L2lTrainProgressFunc  progress,
        gpointer              user_data)
{
  L2lTrainProgress event = {
    .record = record,
    .epochs = trainer->config.epochs,
    .best_eval_loss = trainer->best_eval_loss,
    .best_epoch = trainer->best_epoch,
    .improved = improved,
    .elapsed = trainer->elapsed,
    .eval_theta = isnan (record->eval_loss) ? NULL : trainer->eval_theta,
  };

  if (progress != NULL)
    progress (trainer, &event, user_data);
}

/* Times, keeps and reports the record of what has just ended, from @start. */
static void
keep_record (L2lTrainer           *trainer,
             L2lTrainRecord       *record,
             gint64                start,
             gboolean              improved,
             L2lTrainProgressFunc  progress,
             gpointer              user_data)
{
  record->seconds = (g_get_monotonic_time () - start) / 1e6;
  trainer->elapsed += record->seconds;
  g_array_append_val (trainer->history, *record);
  report (trainer, record, improved, progress, user_data);
}

static gboolean
cancelled (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

/* FALSE when cancelled, with nothing kept. */
static gboolean
evaluate_and_keep (L2lTrainer     *trainer,
                   L2lTrainRecord *record,
                   gboolean       *improved,
                   GCancellable   *cancellable)
{
  gint64 start = g_get_monotonic_time ();
  L2lRule *scored = l2l_trainer_get_scored (trainer);

  record->eval_loss = l2l_trainer_evaluate (trainer, scored, cancellable);
  *improved = FALSE;
  if (isnan (record->eval_loss))
    return FALSE;
  trainer->eval_elapsed += (g_get_monotonic_time () - start) / 1e6;
  if (record->eval_loss < trainer->best_eval_loss)
    {
      trainer->best_eval_loss = record->eval_loss;
      trainer->best_epoch = trainer->epoch;
      memcpy (trainer->best->params, scored->params, scored->n_params * sizeof (float));
      *improved = TRUE;
    }
  return TRUE;
}

gboolean
l2l_trainer_run (L2lTrainer           *trainer,
                 L2lTrainProgressFunc  progress,
                 gpointer              user_data,
                 GCancellable         *cancellable,
                 GError              **error)
{
  const L2lTrainConfig *config = &trainer->config;

  if (trainer->history->len == 0)
    {
      gint64 start = g_get_monotonic_time ();
      L2lTrainRecord record = { 0, NAN, NAN, 0.0 };
      gboolean improved;
      g_autoptr(L2lRule) before = l2l_rule_copy (trainer->net);

      /* the warm start comes first, so that "untrained" scores its result;
       * a run is imitated exactly when its history has begun */
      if (config->imitate != NULL)
        {
          if (!_l2l_imitate (trainer->net, config, cancellable, &trainer->imitate_first,
                             &trainer->imitate_last))
            return cancelled (error);
          if (trainer->average != NULL)
            memcpy (trainer->average->params, trainer->net->params,
                    trainer->net->n_params * sizeof (float));
          l2l_trainer_reload_net (trainer);
        }
      if (!evaluate_and_keep (trainer, &record, &improved, cancellable))
        {
          memcpy (trainer->net->params, before->params, before->n_params * sizeof (float));
          if (trainer->average != NULL)
            memcpy (trainer->average->params, before->params,
                    before->n_params * sizeof (float));
          l2l_trainer_reload_net (trainer);
          return cancelled (error);
        }
      keep_record (trainer, &record, start, improved, progress, user_data);
    }

  while (trainer->epoch < config->epochs)
    {
      gint64 start = g_get_monotonic_time ();
      L2lTrainRecord record = { trainer->epoch + 1, NAN, NAN, 0.0 };
      gboolean improved = FALSE;

      if (!train_epoch (trainer, &record.meta_loss, cancellable))
        return cancelled (error);
      trainer->epoch++;
      /* On the schedule only, never because a run happens to end here: a run
       * stopped and resumed must see the evaluations an unbroken run sees. */
      if (trainer->epoch % config->eval_every == 0 &&
          !evaluate_and_keep (trainer, &record, &improved, cancellable))
        {
          /* The epoch is not whole without its evaluation: undo it. */
          trainer->epoch--;
          restore_epoch_start (trainer);
          return cancelled (error);
        }
      keep_record (trainer, &record, start, improved, progress, user_data);
    }
  return TRUE;
}
