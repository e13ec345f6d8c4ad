/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-rule-unroll.h"
#include "l2l-meta-train-private.h"
#include "l2l-rng.h"
#include "l2l-scaled-problem.h"

/* The shards of an epoch's functions, each running its truncated-BPTT
 * unrolls, and the fixed-order sums of what they found. */

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
  if (trainer->config.meta_gradient == L2L_META_GRADIENT_SECOND_ORDER)
    {
      shard->thetas = g_new0 (float, (K + 1) * shard->n);
      shard->marks = g_new0 (L2lProblemMark, (K + 1) * count);
      shard->resume_marks = g_new0 (L2lProblemMark, count);
      shard->dinput = g_new0 (float, shard->n);
      shard->scratch = g_new0 (float, P);
    }
  if (l2l_feature_set_needs_theta (&trainer->net->config.features))
    shard->dtheta = g_new0 (float, shard->n);
  if (trainer->config.meta_gradient == L2L_META_GRADIENT_ES)
    {
      shard->es_rule = l2l_rule_copy (trainer->net);
      shard->es_theta = g_new0 (float, shard->n);
      shard->es_marks = g_new0 (L2lProblemMark, count);
      shard->es_noise = g_new0 (float, trainer->net->n_params);
      shard->es_dphi = g_new0 (float, trainer->net->n_params);
    }
  {
    guint n_segments;
    g_autofree L2lRuleSegment *segments =
      l2l_rule_segments_for_task (trainer->net, trainer->config.task, count, &n_segments);
    shard->unroll = l2l_rule_unroll_new (shard->es_rule != NULL ? shard->es_rule : trainer->net,
                                         shard->n, K, segments, n_segments);
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
  g_free (shard->thetas);
  g_free (shard->marks);
  g_free (shard->resume_marks);
  g_free (shard->dinput);
  g_free (shard->scratch);
  g_free (shard->dtheta);
  l2l_rule_unroll_free (shard->unroll);
  g_clear_pointer (&shard->es_rule, l2l_rule_unref);
  g_free (shard->es_theta);
  g_free (shard->es_marks);
  g_free (shard->es_noise);
  g_free (shard->es_dphi);
}

/* Fresh functions, those of epoch @epoch's batch in this shard, from θ0,
 * with ∇f(θ0) as the first input. */
static void
shard_start_functions (Shard *shard,
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
  l2l_rule_unroll_reset_state (shard->unroll);
}

#define LOG_OBJECTIVE_FLOOR 1e-12

/* θ and the minibatch streams where grads row @s is taken, for the backward
 * pass of a second-order meta-gradient. */
static void
keep_step (Shard *shard,
           guint  s)
{
  if (shard->thetas == NULL)
    return;
  memcpy (shard->thetas + s * shard->n, shard->theta, shard->n * sizeof (float));
  for (guint i = 0; i < shard->count; i++)
    l2l_problem_mark (shard->problems[i], &shard->marks[s * shard->count + i]);
}

/* dupdate row @s += H_s ∂L/∂∇_s, function by function: the Hessian of f at
 * θ_s, on the minibatch ∇_s was taken on, times what the optimizer's output
 * owes to its input ∇_s. This is the term the paper drops (its ∇ is a
 * constant), through which a step's gradient depends on the earlier steps. */
static void
add_hessian_term (Shard *shard,
                  guint  s)
{
  const gsize P = l2l_task_get_n_params (shard->trainer->config.task), n = shard->n;

  for (guint i = 0; i < shard->count; i++)
    {
      L2lProblem *problem = shard->problems[i];
      const float *theta = shard->thetas + s * n + i * P;
      float *restrict row = shard->dupdate + s * n + i * P;

      /* the replayed gradient is ∇_s again; only its minibatch matters */
      l2l_problem_rewind (problem, &shard->marks[s * shard->count + i]);
      l2l_problem_loss_grad (problem, theta, shard->scratch);
      l2l_problem_hvp (problem, theta, shard->dinput + i * P, shard->scratch);
      {
        const float *restrict hv = shard->scratch;

        for (gsize r = 0; r < P; r++)
          row[r] += hv[r];
      }
    }
}

/* The unroll's K forward steps from θ and grads row 0. With @record, what
 * the epoch reports and the backward pass needs is kept; without, only the
 * shard's part of the objective is returned (a perturbed run of es). */
static double
run_forward (Shard    *shard,
             gboolean  record)
{
  L2lTrainer *trainer = shard->trainer;
  const L2lTrainConfig *config = &trainer->config;
  const gsize P = l2l_task_get_n_params (config->task), n = shard->n;
  const guint t0 = shard->t0, k = shard->k;
  const double norm = 1.0 / (trainer->weight_sum * config->batch);
  double perturbed = 0.0;
  double *objective = record ? &shard->objective : &perturbed;

  for (guint s = 0; s < k; s++)
    {
      /* θ_{t+1} = θ_t + g_t, and f, ∇ at θ_{t+1}, t + 1 = t0 + s + 1 */
      const double coef = trainer->weights->values[t0 + s] * norm;
      float *restrict theta = shard->theta;
      const float *restrict update = shard->update;

      l2l_rule_unroll_forward (shard->unroll, s, shard->grads + s * n, shard->theta,
                               shard->update);
      for (gsize r = 0; r < n; r++)
        theta[r] += update[r];
      if (record)
        keep_step (shard, s + 1);
      for (guint i = 0; i < shard->count; i++)
        {
          double loss = l2l_problem_loss_grad (shard->problems[i], shard->theta + i * P,
                                               shard->grads + (s + 1) * n + i * P);
          /* the floor keeps log finite where a loss reaches 0 (quadratics) */
          double kept = MAX (loss, LOG_OBJECTIVE_FLOOR);

          if (record)
            {
              shard->diverged |= !isfinite (loss);
              shard->meta_loss += coef * loss;
              shard->losses[s * shard->count + i] = kept;
            }
          *objective += coef * (config->log_objective ? log (kept) : loss);
        }
    }
  return perturbed;
}

/* Back to where the unroll started: θ, and each function's minibatch stream
 * (the features' and the net's state before step 0, and grads row 0, are
 * what the forward pass reads and never writes). */
static void
es_rewind (Shard *shard)
{
  memcpy (shard->theta, shard->es_theta, shard->n * sizeof (float));
  for (guint i = 0; i < shard->count; i++)
    l2l_problem_rewind (shard->problems[i], &shard->es_marks[i]);
}

/* An unroll by antithetic evolution strategies: for each pair a direction ε
 * ~ N(0, I) over φ, the same in every shard (drawn from the epoch and the
 * unroll, so the estimate does not depend on the threads), the unroll run
 * from the same θ on the same minibatches at φ + σε and φ − σε, and
 *   ∂L/∂φ ≈ (1/pairs) Σ (L(φ + σε) − L(φ − σε)) / (2σ) · ε,
 * the gradient of the Gaussian-smoothed true objective: no derivative of f
 * or of the net is taken, so nothing of ∇f is dropped. The trajectory then
 * goes on at φ itself. */
static void
shard_run_es (Shard *shard)
{
  L2lTrainer *trainer = shard->trainer;
  const L2lTrainConfig *config = &trainer->config;
  const gsize P = trainer->net->n_params;
  const float *phi = trainer->net->params;
  float *restrict params = shard->es_rule->params, *restrict noise = shard->es_noise;
  const float sigma = (float) config->es_sigma;
  L2lRng rng;

  memcpy (shard->es_theta, shard->theta, shard->n * sizeof (float));
  for (guint i = 0; i < shard->count; i++)
    l2l_problem_mark (shard->problems[i], &shard->es_marks[i]);
  memset (shard->es_dphi, 0, P * sizeof (float));
  l2l_rng_init (&rng, l2l_seed_derive (config->seed ^ G_GUINT64_CONSTANT (0x6573), L2L_SEED_TRAIN,
                                       (guint64) shard->epoch * (config->steps + 1)
                                       + trainer->unroll_start));
  for (guint j = 0; j < config->es_pairs; j++)
    {
      double objective[2];
      double coef;

      for (gsize r = 0; r < P; r++)
        noise[r] = (float) l2l_rng_normal (&rng);
      for (guint side = 0; side < 2; side++)
        {
          const float step = side == 0 ? sigma : -sigma;

          for (gsize r = 0; r < P; r++)
            params[r] = phi[r] + step * noise[r];
          l2l_rule_unroll_sync (shard->unroll);
          es_rewind (shard);
          objective[side] = run_forward (shard, FALSE);
        }
      coef = (objective[0] - objective[1]) / (2.0 * sigma * config->es_pairs);
      for (gsize r = 0; r < P; r++)
        shard->es_dphi[r] += (float) coef * noise[r];
    }
  memcpy (params, phi, P * sizeof (float));
  l2l_rule_unroll_sync (shard->unroll);
  es_rewind (shard);
  run_forward (shard, TRUE);
  l2l_rule_unroll_carry (shard->unroll, shard->k);
  memcpy (shard->grads, shard->grads + shard->k * shard->n, shard->n * sizeof (float));
}

/* One unroll: K forward steps, then the backward pass into unroll->grad. */
static void
shard_run_unroll (Shard *shard)
{
  L2lTrainer *trainer = shard->trainer;
  const L2lTrainConfig *config = &trainer->config;
  const gsize P = l2l_task_get_n_params (config->task), n = shard->n;
  const guint t0 = shard->t0, k = shard->k;
  const double norm = 1.0 / (trainer->weight_sum * config->batch);
  const gboolean second_order = shard->thetas != NULL;

  if (shard->es_rule != NULL)
    {
      shard_run_es (shard);
      return;
    }
  run_forward (shard, TRUE);
  if (second_order)
    for (guint i = 0; i < shard->count; i++)
      l2l_problem_mark (shard->problems[i], &shard->resume_marks[i]);

  /* ∂L/∂g_s = ∂L/∂θ_{s+1} = c_s ∇_{s+1} + ∂L/∂θ_{s+2} (+ H_{s+1} ∂L/∂∇_{s+1}
   * with second derivatives), where c_s is the weight, over f for the log
   * objective: a suffix sum, each row made just before the step that takes it. */
  l2l_rule_unroll_zero_grad (shard->unroll);
  l2l_rule_unroll_backward_begin (shard->unroll);
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
      /* ∇_0 and θ_0 of the unroll were taken before it: constants of
       * truncated BPTT */
      l2l_rule_unroll_backward_step (shard->unroll, s, shard->dupdate + s * n,
                                     shard->grads + s * n,
                                     second_order && s > 0 ? shard->dinput : NULL,
                                     s > 0 ? shard->dtheta : NULL);
      if (second_order && s > 0)
        add_hessian_term (shard, s);
      if (shard->dtheta != NULL && s > 0)
        {
          float *restrict row = shard->dupdate + s * n;
          const float *restrict dtheta = shard->dtheta;

          for (gsize r = 0; r < n; r++)
            row[r] += dtheta[r];
        }
    }
  if (second_order)
    for (guint i = 0; i < shard->count; i++)
      l2l_problem_rewind (shard->problems[i], &shard->resume_marks[i]);

  l2l_rule_unroll_carry (shard->unroll, k);
  memcpy (shard->grads, shard->grads + k * n, n * sizeof (float));
}

/* The first @steps steps of the shard's functions at the current φ, as at
 * inference: the lead of a staggered start, which no meta-gradient sees. */
static void
shard_run_lead (Shard *shard,
                guint  steps)
{
  const guint K = shard->trainer->config.unroll;

  if (shard->es_rule != NULL)
    {
      memcpy (shard->es_rule->params, shard->trainer->net->params,
              shard->trainer->net->n_params * sizeof (float));
      l2l_rule_unroll_sync (shard->unroll);
    }
  for (shard->t0 = 0; shard->t0 < steps; shard->t0 += K)
    {
      shard->k = MIN (K, steps - shard->t0);
      run_forward (shard, FALSE);
      l2l_rule_unroll_carry (shard->unroll, shard->k);
      memcpy (shard->grads, shard->grads + shard->k * shard->n, shard->n * sizeof (float));
    }
}

/* Shard @index of @n_shards leads by ⌊index · U / n_shards⌋ of the epoch's
 * U unrolls, so that the shards' phases spread evenly over the horizon. The
 * functions it reaches the horizon with are followed, from step 0, by the
 * next epoch's, which that epoch runs again as its lead: each shard covers
 * every step of the horizon once an epoch, as without the stagger. */
static void
shard_begin_epoch (Shard *shard,
                   guint  index,
                   guint  epoch,
                   guint  horizon)
{
  L2lTrainer *trainer = shard->trainer;
  const guint K = trainer->config.unroll, unrolls = (horizon + K - 1) / K;

  shard->epoch = epoch;
  shard->horizon = horizon;
  shard->lead = trainer->config.stagger ? index * unrolls / trainer->n_shards : 0;
  shard->meta_loss = 0.0;
  shard->objective = 0.0;
  shard->diverged = FALSE;
  shard_start_functions (shard, epoch);
  shard_run_lead (shard, MIN (shard->lead * K, horizon));
}

/* The window of the epoch's unroll starting at @start, at the shard's phase. */
static void
shard_set_window (Shard *shard,
                  guint  start)
{
  const guint K = shard->trainer->config.unroll;
  const guint unrolls = (shard->horizon + K - 1) / K;
  const guint phase = (start / K + shard->lead) % unrolls;

  if (phase == 0 && start > 0)
    shard_start_functions (shard, shard->epoch + 1);
  shard->t0 = phase * K;
  shard->k = MIN (K, shard->horizon - shard->t0);
}

static void
shard_item (guint    item,
            gpointer user_data)
{
  L2lTrainer *trainer = user_data;
  Shard *shard = &trainer->shards[trainer->own_first + item];

  shard_set_window (shard, trainer->unroll_start);
  shard_run_unroll (shard);
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

void
_l2l_trainer_begin_shards (L2lTrainer *trainer,
                           guint       epoch,
                           guint       horizon)
{
  ensure_shards (trainer);
  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    shard_begin_epoch (&trainer->shards[i], i, epoch, horizon);
}

void
_l2l_trainer_free_shards (L2lTrainer *trainer)
{
  for (guint i = 0; i < trainer->n_shards; i++)
    shard_clear (&trainer->shards[i]);
  memset (trainer->shards, 0, trainer->n_shards * sizeof (Shard));
  trainer->shards_ready = FALSE;
}

void
_l2l_trainer_run_shards (L2lTrainer *trainer)
{
  l2l_parallel_run (trainer->parallel, trainer->own_last - trainer->own_first, shard_item,
                    trainer);
}

/* The meta-gradient of the unroll just run: each shard's into its own row,
 * the rows exchanged between ranks, then added in shard order — the same
 * float sums on every rank and for any number of ranks or threads. */
void
_l2l_trainer_reduce_gradient (L2lTrainer *trainer,
                              float      *dphi)
{
  const gsize P = trainer->net->n_params;

  for (guint i = trainer->own_first; i < trainer->own_last; i++)
    {
      float *row = trainer->shard_dphi + i * P;

      if (trainer->shards[i].es_dphi != NULL)
        memcpy (row, trainer->shards[i].es_dphi, P * sizeof (float));
      else
        {
          memset (row, 0, P * sizeof (float));
          l2l_rule_unroll_add_grad (trainer->shards[i].unroll, row);
        }
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
const double *
_l2l_trainer_gather_sums (L2lTrainer *trainer)
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
