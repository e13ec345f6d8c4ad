/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "l2l-checkpoint.h"
#include "l2l-error.h"
#include "l2l-lstm-unroll.h"
#include "l2l-memory.h"
#include "l2l-meta-train-private.h"
#include "l2l-optimizer.h"
#include "l2l-options.h"
#include "l2l-rng.h"
#include "l2l-scaled-problem.h"
#include "l2l-trajectories.h"

void
l2l_train_config_init_defaults (L2lTrainConfig *config)
{
  *config = (L2lTrainConfig) {
    .batch = 128,
    .steps = 100,
    .unroll = 20,
    .weights = "uniform",
    .meta_lr = 1e-3,
    .clip_norm = 1.0,
    .epochs = 1000,
    .eval_every = 10,
    .eval_runs = 100,
    .seed = 0,
    .threads = MIN (g_get_num_processors (), L2L_MAX_THREADS),
    .meta_lr_schedule = L2L_META_LR_CONSTANT,
    .scale_range = 1.0,
    .curriculum = 0,
    .average = 0.0,
    .log_objective = FALSE,
    .zero_output = FALSE,
  };
  l2l_lstm_config_init_defaults (&config->lstm);
}

gboolean
l2l_meta_lr_schedule_from_string (const char        *text,
                                  L2lMetaLrSchedule *schedule)
{
  if (g_strcmp0 (text, "constant") == 0)
    *schedule = L2L_META_LR_CONSTANT;
  else if (g_strcmp0 (text, "cosine") == 0)
    *schedule = L2L_META_LR_COSINE;
  else
    return FALSE;
  return TRUE;
}

const char *
l2l_meta_lr_schedule_to_string (L2lMetaLrSchedule schedule)
{
  return schedule == L2L_META_LR_COSINE ? "cosine" : "constant";
}

void
l2l_train_config_use_task_defaults (L2lTrainConfig *config)
{
  l2l_train_config_use_family_defaults (config, l2l_task_get_family (config->task));
}

void
l2l_train_config_use_family_defaults (L2lTrainConfig      *config,
                                      const L2lTaskFamily *family)
{
  if (family != NULL && family->lstm_preprocess_p > 0.0)
    config->lstm.preprocess_p = family->lstm_preprocess_p;
  if (family != NULL && family->lstm_output_scale > 0.0)
    config->lstm.output_scale = family->lstm_output_scale;
  if (family != NULL && family->train_batch > 0)
    config->batch = family->train_batch;
  if (family != NULL && family->train_steps > 0)
    config->steps = family->train_steps;
  if (family != NULL && family->train_unroll > 0)
    config->unroll = family->train_unroll;
  if (family != NULL && family->train_epochs > 0)
    config->epochs = family->train_epochs;
  if (family != NULL && family->train_eval_every > 0)
    config->eval_every = family->train_eval_every;
  if (family != NULL && family->train_eval_runs > 0)
    config->eval_runs = family->train_eval_runs;
  if (family != NULL && family->train_meta_lr > 0.0)
    config->meta_lr = family->train_meta_lr;
}

/* The unrolls' caches must fit in half of this machine's memory. */
static gboolean
check_memory (const L2lTrainConfig  *config,
              GError               **error)
{
  guint64 coordinates = (guint64) config->batch * l2l_task_get_n_params (config->task);
  g_autofree char *what = g_strdup_printf ("%u functions of %" G_GSIZE_FORMAT " parameters in "
                                           "unrolls of %u steps", config->batch,
                                           l2l_task_get_n_params (config->task), config->unroll);

  return l2l_memory_check (l2l_lstm_unroll_bytes (&config->lstm, coordinates, config->unroll),
                           "batch", what, "use fewer functions an epoch or a shorter unroll",
                           error);
}

gboolean
l2l_train_config_check_settings (const L2lTrainConfig  *config,
                                 GError               **error)
{
  g_autoptr(L2lLossWeights) weights = NULL;

  if (!l2l_check_limit ("batch", config->batch, error) ||
      !l2l_check_limit ("steps", config->steps, error) ||
      !l2l_check_limit ("unroll", config->unroll, error) ||
      !l2l_check_limit ("meta-lr", config->meta_lr, error) ||
      !l2l_check_limit ("clip", config->clip_norm, error) ||
      !l2l_check_limit ("scale-range", config->scale_range, error) ||
      !l2l_check_limit ("curriculum", config->curriculum, error) ||
      !l2l_check_limit ("average", config->average, error) ||
      !l2l_check_limit ("epochs", config->epochs, error) ||
      !l2l_check_limit ("eval-every", config->eval_every, error) ||
      !l2l_check_limit ("eval-runs", config->eval_runs, error) ||
      !l2l_check_limit ("threads", config->threads, error) ||
      !l2l_lstm_config_validate (&config->lstm, error))
    return FALSE;
  if (config->unroll > config->steps)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "unroll",
                           "%u is more than steps (%u): an unroll cannot be longer than the "
                           "horizon", config->unroll, config->steps);
      return FALSE;
    }
  weights = l2l_loss_weights_new (config->weights, config->steps, error);
  return weights != NULL;
}

gboolean
l2l_train_config_validate (const L2lTrainConfig  *config,
                           GError               **error)
{
  if (config->task == NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "meta-training needs a task");
      return FALSE;
    }
  if (!l2l_train_config_check_settings (config, error))
    return FALSE;
  if (config->lstm.groups[0] != '\0')
    {
      g_autofree char *groups = l2l_task_groups_to_string (config->task);
      if (!g_str_equal (groups, config->lstm.groups) &&
          !(config->per_group && config->task->n_groups > 1))
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "groups",
                               "one LSTM each for %s, but task %s has the groups %s",
                               config->lstm.groups, l2l_task_get_spec (config->task), groups);
          return FALSE;
        }
    }
  return check_memory (config, error);
}


/* Shards. */

static void
shard_init (Shard      *shard,
            L2lTrainer *trainer,
            guint       first,
            guint       count)
{
  const gsize P = l2l_task_get_n_params (trainer->config.task);
  const guint K = trainer->config.unroll;

  shard->trainer = trainer;
  shard->first = first;
  shard->count = count;
  shard->n = count * P;
  shard->problems = g_new0 (L2lProblem *, count);
  shard->theta = g_new0 (float, shard->n);
  shard->grads = g_new0 (float, (K + 1) * shard->n);
  shard->update = g_new0 (float, shard->n);
  shard->dupdate = g_new0 (float, K * shard->n);
  shard->losses = g_new0 (double, (gsize) K * count);
  {
    guint n_segments;
    g_autofree L2lLstmSegment *segments =
      l2l_lstm_segments_for_task (trainer->net, trainer->config.task, count, &n_segments);
    shard->unroll = l2l_lstm_unroll_new (trainer->net, shard->n, K, segments, n_segments);
  }
}

static void
shard_free_problems (Shard *shard)
{
  for (guint i = 0; i < shard->count; i++)
    g_clear_pointer (&shard->problems[i], l2l_problem_free);
}

static void
shard_clear (Shard *shard)
{
  if (shard->trainer == NULL)
    return;
  shard_free_problems (shard);
  g_free (shard->problems);
  g_free (shard->theta);
  g_free (shard->grads);
  g_free (shard->update);
  g_free (shard->dupdate);
  g_free (shard->losses);
  l2l_lstm_unroll_free (shard->unroll);
}

/* Fresh functions for epoch @epoch, from θ0, with ∇f(θ0) as the first input. */
static void
shard_begin_epoch (Shard *shard,
                   guint  epoch)
{
  const L2lTrainConfig *config = &shard->trainer->config;
  const gsize P = l2l_task_get_n_params (config->task);

  shard_free_problems (shard);
  for (guint i = 0; i < shard->count; i++)
    {
      guint64 index = (guint64) epoch * config->batch + shard->first + i;
      shard->problems[i] = l2l_task_sample (config->task,
                                            l2l_seed_derive (config->seed, L2L_SEED_TRAIN, index));
      if (config->scale_range > 1.0)
        shard->problems[i] =
          l2l_scaled_problem_new (shard->problems[i],
                                  l2l_seed_derive (config->seed ^ G_GUINT64_CONSTANT (0x7363616c65),
                                                   L2L_SEED_TRAIN, index),
                                  config->scale_range);
      l2l_problem_init (shard->problems[i], shard->theta + i * P);
      l2l_problem_loss_grad (shard->problems[i], shard->theta + i * P, shard->grads + i * P);
    }
  l2l_lstm_unroll_reset_state (shard->unroll);
  shard->meta_loss = 0.0;
  shard->objective = 0.0;
  shard->diverged = FALSE;
}

#define LOG_OBJECTIVE_FLOOR 1e-12

/* One unroll: K forward steps, then the backward pass into unroll->grad. */
static void
shard_run_unroll (Shard *shard)
{
  L2lTrainer *trainer = shard->trainer;
  const L2lTrainConfig *config = &trainer->config;
  const gsize P = l2l_task_get_n_params (config->task), n = shard->n;
  const guint t0 = trainer->unroll_start, k = trainer->unroll_steps;
  const double norm = 1.0 / (trainer->weight_sum * config->batch);

  for (guint s = 0; s < k; s++)
    {
      /* θ_{t+1} = θ_t + g_t, and f, ∇ at θ_{t+1}, t + 1 = t0 + s + 1 */
      const double coef = trainer->weights->values[t0 + s] * norm;
      float *restrict theta = shard->theta;
      const float *restrict update = shard->update;

      l2l_lstm_unroll_forward (shard->unroll, s, shard->grads + s * n, shard->update);
      for (gsize r = 0; r < n; r++)
        theta[r] += update[r];
      for (guint i = 0; i < shard->count; i++)
        {
          double loss = l2l_problem_loss_grad (shard->problems[i], shard->theta + i * P,
                                               shard->grads + (s + 1) * n + i * P);
          shard->diverged |= !isfinite (loss);
          shard->meta_loss += coef * loss;
          /* the floor keeps log finite where a loss reaches 0 (quadratics) */
          shard->losses[s * shard->count + i] = MAX (loss, LOG_OBJECTIVE_FLOOR);
          shard->objective += coef * (config->log_objective
                                      ? log (shard->losses[s * shard->count + i]) : loss);
        }
    }

  /* ∂L/∂g_s = Σ_{t > s} c_t ∇_t over the unroll, a suffix sum, where c_t is
   * the weight, over f_t for the log objective. */
  for (guint s = k; s-- > 0;)
    {
      const double coef = trainer->weights->values[t0 + s] * norm;
      const float *restrict later = shard->dupdate + (s + 1) * n;

      for (guint i = 0; i < shard->count; i++)
        {
          const float c = (float) (config->log_objective ? coef / shard->losses[s * shard->count + i]
                                                         : coef);
          const float *restrict grad = shard->grads + (s + 1) * n + i * P;
          const float *restrict after = later + i * P;
          float *restrict row = shard->dupdate + s * n + i * P;

          for (gsize r = 0; r < P; r++)
            row[r] = c * grad[r] + (s + 1 < k ? after[r] : 0.0f);
        }
    }
  l2l_lstm_unroll_zero_grad (shard->unroll);
  l2l_lstm_unroll_backward (shard->unroll, k, shard->dupdate, NULL, NULL);

  l2l_lstm_unroll_carry (shard->unroll, k);
  memcpy (shard->grads, shard->grads + k * n, n * sizeof (float));
}

static void
shard_item (guint    item,
            gpointer user_data)
{
  L2lTrainer *trainer = user_data;

  shard_run_unroll (&trainer->shards[trainer->own_first + item]);
}

/* This rank's shards, allocated at first use: with a cluster, the others'
 * memory is never needed here. */
static void
ensure_shards (L2lTrainer *trainer)
{
  const L2lTrainConfig *config = &trainer->config;

  if (trainer->shards_ready)
    return;
  l2l_cluster_share (trainer->cluster, trainer->n_shards, 0, &trainer->own_first,
                     &trainer->own_last);
  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    {
      guint first = config->batch * i / trainer->n_shards;
      guint last = config->batch * (i + 1) / trainer->n_shards;
      shard_init (&trainer->shards[i], trainer, first, last - first);
    }
  trainer->shards_ready = TRUE;
}

static void
free_shards (L2lTrainer *trainer)
{
  for (guint i = 0; i < trainer->n_shards; i++)
    shard_clear (&trainer->shards[i]);
  memset (trainer->shards, 0, trainer->n_shards * sizeof (Shard));
  trainer->shards_ready = FALSE;
}

static void
run_shards (L2lTrainer *trainer)
{
  l2l_parallel_run (trainer->parallel, trainer->own_last - trainer->own_first, shard_item,
                    trainer);
}

/* The meta-gradient of the unroll just run: each shard's into its own row,
 * the rows exchanged between ranks, then added in shard order — the same
 * float sums on every rank and for any number of ranks or threads. */
static void
reduce_gradient (L2lTrainer *trainer,
                 float      *dphi)
{
  const gsize P = trainer->net->n_params;

  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    {
      float *row = trainer->shard_dphi + i * P;

      memset (row, 0, P * sizeof (float));
      l2l_lstm_unroll_add_grad (trainer->shards[i].unroll, row);
    }
  l2l_cluster_gather_equal (trainer->cluster, trainer->shard_dphi, trainer->n_shards, 0,
                            P * sizeof (float));
  memset (dphi, 0, P * sizeof (float));
  for (guint i = 0; i < trainer->n_shards; i++)
    {
      const float *restrict row = trainer->shard_dphi + i * P;

      for (gsize k = 0; k < P; k++)
        dphi[k] += row[k];
    }
}

/* Each shard's meta-loss, objective and divergence of the epoch, on every rank. */
static const double *
gather_sums (L2lTrainer *trainer)
{
  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    {
      trainer->shard_sums[3 * i] = trainer->shards[i].meta_loss;
      trainer->shard_sums[3 * i + 1] = trainer->shards[i].objective;
      trainer->shard_sums[3 * i + 2] = trainer->shards[i].diverged ? 1.0 : 0.0;
    }
  l2l_cluster_gather_equal (trainer->cluster, trainer->shard_sums, trainer->n_shards, 0,
                            3 * sizeof (double));
  return trainer->shard_sums;
}

/* Construction. */

L2lTrainer *
_l2l_trainer_alloc (const L2lTrainConfig *config,
                    L2lLstm              *net)
{
  L2lTrainer *trainer = g_new0 (L2lTrainer, 1);
  const gsize P = net->n_params;

  trainer->config = *config;
  trainer->config.task = l2l_task_ref (config->task);
  trainer->weights_spec = g_strdup (config->weights);
  trainer->config.weights = trainer->weights_spec;
  trainer->weights = l2l_loss_weights_new (config->weights, config->steps, NULL);
  trainer->net = net;
  trainer->best = l2l_lstm_copy (net);
  trainer->best_eval_loss = INFINITY;
  trainer->adam = l2l_optimizer_adam.create (P, config->meta_lr, NULL);
  trainer->history = g_array_new (FALSE, FALSE, sizeof (L2lTrainRecord));
  trainer->dphi = g_new0 (float, P);
  trainer->snapshot = g_new0 (float, 4 * P);
  if (config->average > 0.0)
    trainer->average = l2l_lstm_copy (net);

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
  L2lLstm *net;

  L2lTrainConfig resolved;

  if (!l2l_train_config_validate (config, error))
    return NULL;
  /* per_group: the LSTM's groups are the task's */
  resolved = *config;
  if (config->per_group && config->task->n_groups > 1)
    {
      g_autofree char *groups = l2l_task_groups_to_string (config->task);
      l2l_lstm_config_set_groups (&resolved.lstm, groups, NULL);
    }
  config = &resolved;
  net = l2l_lstm_new (&config->lstm, l2l_seed_derive (config->seed, L2L_SEED_TRAIN, G_MAXUINT64));
  /* A random output layer takes random steps from the start, which on some
   * tasks (MLPs with sigmoid units) saturate the optimizee before φ learns
   * anything; from zero, the first meta-gradients point down the loss. */
  if (config->zero_output)
    {
      const L2lLstmTensor *weight = l2l_lstm_out_weight (net), *bias = l2l_lstm_out_bias (net);

      for (guint g = 0; g < net->n_groups; g++)
        {
          float *phi = net->params + g * net->group_size;
          memset (phi + weight->offset, 0, weight->cols * sizeof (float));
          phi[bias->offset] = 0.0f;
        }
    }
  return _l2l_trainer_alloc (config, net);
}

void
l2l_trainer_free (L2lTrainer *trainer)
{
  if (trainer == NULL)
    return;
  l2l_parallel_free (trainer->parallel);
  free_shards (trainer);
  g_free (trainer->shards);
  g_free (trainer->shard_dphi);
  g_free (trainer->shard_sums);
  l2l_optimizer_free (trainer->adam);
  l2l_lstm_unref (trainer->net);
  l2l_lstm_unref (trainer->best);
  l2l_lstm_unref (trainer->average);
  l2l_loss_weights_free (trainer->weights);
  l2l_task_unref (trainer->config.task);
  g_free (trainer->weights_spec);
  g_array_unref (trainer->history);
  g_free (trainer->dphi);
  g_free (trainer->snapshot);
  g_free (trainer->eval_theta);
  g_free (trainer);
}

gboolean
l2l_trainer_set_epochs (L2lTrainer  *trainer,
                        guint        epochs,
                        GError     **error)
{
  if (!l2l_check_limit ("epochs", epochs, error))
    return FALSE;
  trainer->config.epochs = epochs;
  return TRUE;
}

gboolean
l2l_trainer_set_threads (L2lTrainer  *trainer,
                         guint        threads,
                         GError     **error)
{
  if (!l2l_check_limit ("threads", threads, error))
    return FALSE;
  trainer->config.threads = threads;
  l2l_parallel_free (trainer->parallel);
  trainer->parallel = l2l_parallel_new (threads);
  return TRUE;
}

void
l2l_trainer_set_cluster (L2lTrainer *trainer,
                         L2lCluster *cluster)
{
  free_shards (trainer);
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

L2lLstm *
l2l_trainer_get_net (L2lTrainer *trainer)
{
  return trainer->net;
}

L2lLstm *
l2l_trainer_get_scored (L2lTrainer *trainer)
{
  return trainer->average != NULL ? trainer->average : trainer->net;
}

L2lLstm *
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
                      L2lLstm      *net,
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
  for (guint r = 0; r < runs; r++)
    for (guint t = 1; t <= T; t++)
      total += trainer->weights->values[t - 1] * losses[(gsize) r * (T + 1) + t];
  total /= trainer->weights->sum * runs;
  return isfinite (total) ? total : INFINITY;
}

void
l2l_trainer_reload_net (L2lTrainer *trainer)
{
  for (guint i = 0; i < trainer->n_shards; i++)
    if (trainer->shards[i].unroll != NULL)
      l2l_lstm_unroll_sync (trainer->shards[i].unroll);
}

static void
take_snapshot (L2lTrainer *trainer,
               gboolean    restore)
{
  const gsize P = trainer->net->n_params;
  float *m, *v;
  guint64 *step;

  l2l_adam_get_state (trainer->adam, &m, &v, &step);
  if (!restore)
    {
      memcpy (trainer->snapshot, trainer->net->params, P * sizeof (float));
      memcpy (trainer->snapshot + P, m, P * sizeof (float));
      memcpy (trainer->snapshot + 2 * P, v, P * sizeof (float));
      if (trainer->average != NULL)
        memcpy (trainer->snapshot + 3 * P, trainer->average->params, P * sizeof (float));
      trainer->snapshot_step = *step;
      return;
    }
  memcpy (trainer->net->params, trainer->snapshot, P * sizeof (float));
  memcpy (m, trainer->snapshot + P, P * sizeof (float));
  memcpy (v, trainer->snapshot + 2 * P, P * sizeof (float));
  if (trainer->average != NULL)
    memcpy (trainer->average->params, trainer->snapshot + 3 * P, P * sizeof (float));
  *step = trainer->snapshot_step;
  l2l_trainer_reload_net (trainer);
}

/* torch.nn.utils.clip_grad_norm_: scale by max_norm / (‖g‖ + 1e-6) when below 1. */
static gboolean
clip_gradient (float  *grad,
               gsize   n,
               double  max_norm)
{
  double norm = 0.0, coef;

  for (gsize i = 0; i < n; i++)
    norm += (double) grad[i] * grad[i];
  norm = sqrt (norm);
  if (!isfinite (norm))
    return FALSE;
  coef = max_norm / (norm + 1e-6);
  if (max_norm > 0.0 && coef < 1.0)
    for (gsize i = 0; i < n; i++)
      grad[i] = (float) (grad[i] * coef);
  return TRUE;
}

/* φ̄ ← d φ̄ + (1 − d) φ after meta-step n, with d = min (β, (1 + n) / (10 + n))
 * as in TensorFlow's ExponentialMovingAverage: early on the average follows φ
 * instead of dragging the untrained net along. */
static void
update_average (L2lTrainer *trainer)
{
  const gsize P = trainer->net->n_params;
  float *m, *v;
  guint64 *step;
  float decay, *restrict average = trainer->average->params;
  const float *restrict phi = trainer->net->params;

  l2l_adam_get_state (trainer->adam, &m, &v, &step);
  decay = (float) MIN (trainer->config.average, (1.0 + *step) / (10.0 + *step));
  for (gsize i = 0; i < P; i++)
    average[i] = decay * average[i] + (1.0f - decay) * phi[i];
}

/* The horizon epoch @epoch trains on: T, or with a curriculum its stage's
 * share of T in whole unrolls. */
guint
_l2l_train_epoch_horizon (const L2lTrainConfig *config,
                          guint                 epoch)
{
  guint stage, steps;

  if (config->curriculum == 0)
    return config->steps;
  stage = (guint) MIN ((guint64) config->curriculum * (epoch - 1) / MAX (config->epochs, 1),
                       config->curriculum - 1);
  steps = (guint) (((guint64) config->steps * (stage + 1) + config->curriculum - 1) /
                   config->curriculum);
  steps = (steps + config->unroll - 1) / config->unroll * config->unroll;
  return MIN (steps, config->steps);
}

double
_l2l_train_epoch_meta_lr (const L2lTrainConfig *config,
                          guint                 epoch)
{
  const double lowest = config->meta_lr / 100.0;
  double progress;

  if (config->meta_lr_schedule == L2L_META_LR_CONSTANT)
    return config->meta_lr;
  progress = MIN (1.0, (double) (epoch - 1) / MAX (config->epochs, 1));
  return lowest + (config->meta_lr - lowest) * 0.5 * (1.0 + cos (G_PI * progress));
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

  ensure_shards (trainer);
  take_snapshot (trainer, FALSE);
  trainer->weight_sum = 0.0;
  for (guint t = 0; t < horizon; t++)
    trainer->weight_sum += trainer->weights->values[t];
  l2l_adam_set_lr (trainer->adam, _l2l_train_epoch_meta_lr (config, epoch));
  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    shard_begin_epoch (&trainer->shards[i], epoch);

  for (guint t0 = 0; t0 < horizon; t0 += config->unroll)
    {
      /* every rank stops at the same unroll, or none does */
      if (l2l_cluster_any (trainer->cluster, g_cancellable_is_cancelled (cancellable)))
        {
          take_snapshot (trainer, TRUE);
          return FALSE;
        }
      trainer->unroll_start = t0;
      trainer->unroll_steps = MIN (config->unroll, horizon - t0);
      run_shards (trainer);

      reduce_gradient (trainer, trainer->dphi);
      /* A non-finite meta-gradient would poison φ: that unroll teaches nothing. */
      if (!clip_gradient (trainer->dphi, P, config->clip_norm))
        {
          diverged = TRUE;
          continue;
        }
      l2l_optimizer_step (trainer->adam, trainer->net->params, trainer->dphi);
      l2l_trainer_reload_net (trainer);
      if (trainer->average != NULL)
        update_average (trainer);
    }

  *meta_loss = 0.0;
  sums = gather_sums (trainer);
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

  ensure_shards (trainer);
  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    shard_begin_epoch (&trainer->shards[i], epoch);
  trainer->unroll_start = 0;
  trainer->unroll_steps = trainer->config.unroll;
  trainer->weight_sum = trainer->weights->sum;
  run_shards (trainer);
  reduce_gradient (trainer, dphi);
  sums = gather_sums (trainer);
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

/* FALSE when cancelled, with nothing kept. */
static gboolean
evaluate_and_keep (L2lTrainer     *trainer,
                   L2lTrainRecord *record,
                   gboolean       *improved,
                   GCancellable   *cancellable)
{
  gint64 start = g_get_monotonic_time ();
  L2lLstm *scored = l2l_trainer_get_scored (trainer);

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

      if (!evaluate_and_keep (trainer, &record, &improved, cancellable))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          return FALSE;
        }

      record.seconds = (g_get_monotonic_time () - start) / 1e6;
      trainer->elapsed += record.seconds;
      g_array_append_val (trainer->history, record);
      report (trainer, &record, improved, progress, user_data);
    }

  while (trainer->epoch < config->epochs)
    {
      gint64 start = g_get_monotonic_time ();
      L2lTrainRecord record = { trainer->epoch + 1, NAN, NAN, 0.0 };
      gboolean improved = FALSE;

      if (!train_epoch (trainer, &record.meta_loss, cancellable))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          return FALSE;
        }
      trainer->epoch++;
      /* On the schedule only, never because a run happens to end here: a run
       * stopped and resumed must see the evaluations an unbroken run sees. */
      if (trainer->epoch % config->eval_every == 0 &&
          !evaluate_and_keep (trainer, &record, &improved, cancellable))
        {
          /* The epoch is not whole without its evaluation: undo it. */
          trainer->epoch--;
          take_snapshot (trainer, TRUE);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          return FALSE;
        }
      record.seconds = (g_get_monotonic_time () - start) / 1e6;
      trainer->elapsed += record.seconds;
      g_array_append_val (trainer->history, record);
      report (trainer, &record, improved, progress, user_data);
    }
  return TRUE;
}
