/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-meta-train-private.h"
#include "l2l-rng.h"

/* A warm start by imitation (behaviour cloning, as Open-L2O's imitation
 * warm-up does): the hand-written teacher optimizes each training function;
 * the rule sees the same gradients and θ along the teacher's trajectory, and
 * φ follows the gradient of
 *
 *   J = Σ_s Σ_i (g_s,i − t_s,i)² / Σ_s Σ_i t_s,i²
 *
 * over each unroll, g the rule's updates and t the teacher's: the relative
 * squared error, the same for any scale of the task. The gradients are the
 * teacher's, so nothing flows through ∇f (first order). One Adam step on φ
 * per unroll and function, the functions in turn, on one thread: the same
 * bits on any machine, thread or rank count. */

#define SEED_SALT G_GUINT64_CONSTANT (0x696d6974)

typedef struct {
  L2lRule       *rule;
  L2lRuleUnroll *unroll;
  gsize          P;        /* the task's parameters */
  float         *theta;    /* [P]: the teacher's θ now */
  float         *grads;    /* [(K + 1) × P]: ∇ at each θ of the unroll */
  float         *thetas;   /* [K × P] */
  float         *updates;  /* [K × P]: the rule's, then ∂J/∂ them */
  float         *targets;  /* [K × P]: the teacher's */
  float         *dphi;     /* [n_params] */
} Imitation;

/* One unroll of @k steps from im->theta and grads row 0; returns J and
 * leaves ∂J/∂φ in im->dphi. */
static double
imitate_unroll (Imitation    *im,
                L2lProblem   *problem,
                L2lOptimizer *teacher,
                guint         k)
{
  const gsize P = im->P;
  double err = 0.0, norm = 0.0;

  for (guint s = 0; s < k; s++)
    {
      float *restrict theta = im->theta, *restrict target = im->targets + s * P;

      memcpy (im->thetas + s * P, theta, P * sizeof (float));
      l2l_rule_unroll_forward (im->unroll, s, im->grads + s * P, im->thetas + s * P,
                               im->updates + s * P);
      l2l_optimizer_step (teacher, theta, im->grads + s * P);
      for (gsize r = 0; r < P; r++)
        target[r] = theta[r] - im->thetas[s * P + r];
      l2l_problem_loss_grad (problem, theta, im->grads + (s + 1) * P);
    }
  for (gsize i = 0; i < k * P; i++)
    {
      double d = (double) im->updates[i] - im->targets[i];

      err += d * d;
      norm += (double) im->targets[i] * im->targets[i];
    }
  norm = MAX (norm, 1e-30);
  for (gsize i = 0; i < k * P; i++)
    im->updates[i] = (float) (2.0 * ((double) im->updates[i] - im->targets[i]) / norm);

  l2l_rule_unroll_zero_grad (im->unroll);
  l2l_rule_unroll_backward_begin (im->unroll);
  for (guint s = k; s-- > 0;)
    l2l_rule_unroll_backward_step (im->unroll, s, im->updates + s * P, im->grads + s * P, NULL,
                                   NULL);
  memset (im->dphi, 0, im->rule->n_params * sizeof (float));
  l2l_rule_unroll_add_grad (im->unroll, im->dphi);
  l2l_rule_unroll_carry (im->unroll, k);
  memcpy (im->grads, im->grads + k * P, P * sizeof (float));
  return err / norm;
}

gboolean
_l2l_imitate (L2lRule              *rule,
             const L2lTrainConfig *config,
             GCancellable         *cancellable,
             double               *first_error,
             double               *last_error)
{
  const gsize P = l2l_task_get_n_params (config->task), n_params = rule->n_params;
  const guint K = config->unroll, T = config->steps;
  g_autofree float *start = g_memdup2 (rule->params, n_params * sizeof (float));
  g_autoptr(L2lOptimizer) adam = l2l_optimizer_adam.create (n_params, config->meta_lr, NULL);
  g_autofree L2lRuleSegment *segments = NULL;
  Imitation im = { .rule = rule, .P = P };
  guint n_segments;
  gboolean done = TRUE;

  *first_error = *last_error = NAN;
  segments = l2l_rule_segments_for_task (rule, config->task, 1, &n_segments);
  im.unroll = l2l_rule_unroll_new (rule, P, K, segments, n_segments);
  im.theta = g_new0 (float, P);
  im.grads = g_new0 (float, (gsize) (K + 1) * P);
  im.thetas = g_new0 (float, (gsize) K * P);
  im.updates = g_new0 (float, (gsize) K * P);
  im.targets = g_new0 (float, (gsize) K * P);
  im.dphi = g_new0 (float, n_params);
  l2l_optimizer_reset (adam);

  for (guint e = 0; e < config->imitate_epochs && done; e++)
    {
      double epoch_error = 0.0;
      guint unrolls = 0;

      for (guint f = 0; f < config->batch && done; f++)
        {
          g_autoptr(L2lProblem) problem =
            l2l_task_sample (config->task, l2l_seed_derive (config->seed ^ SEED_SALT,
                                                            L2L_SEED_TRAIN,
                                                            (guint64) e * config->batch + f));
          g_autoptr(L2lOptimizer) teacher =
            config->imitate->create (P, config->imitate_lr, NULL);

          l2l_optimizer_reset (teacher);
          l2l_problem_init (problem, im.theta);
          l2l_problem_loss_grad (problem, im.theta, im.grads);
          l2l_rule_unroll_reset_state (im.unroll);
          for (guint t0 = 0; t0 < T; t0 += K)
            {
              double error;

              if (g_cancellable_is_cancelled (cancellable))
                {
                  done = FALSE;
                  break;
                }
              error = imitate_unroll (&im, problem, teacher, MIN (K, T - t0));
              epoch_error += error;
              unrolls++;
              /* an unroll whose error is not finite teaches nothing */
              if (!isfinite (error) || !_l2l_train_clip_gradient (im.dphi, n_params,
                                                                   config->clip_norm))
                continue;
              l2l_optimizer_step (adam, rule->params, im.dphi);
              l2l_rule_unroll_sync (im.unroll);
            }
        }
      if (done)
        {
          if (e == 0)
            *first_error = epoch_error / MAX (unrolls, 1);
          *last_error = epoch_error / MAX (unrolls, 1);
        }
    }
  if (!done)
    memcpy (rule->params, start, n_params * sizeof (float));

  l2l_rule_unroll_free (im.unroll);
  g_free (im.theta);
  g_free (im.grads);
  g_free (im.thetas);
  g_free (im.updates);
  g_free (im.targets);
  g_free (im.dphi);
  return done;
}
