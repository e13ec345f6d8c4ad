/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-meta-train-private.h"

/* How each meta-step is taken: the clipped gradient, the averaged φ, and the
 * learning rate and horizon of each epoch. */

/* torch.nn.utils.clip_grad_norm_: scale by max_norm / (‖g‖ + 1e-6) when below 1. */
gboolean
_l2l_train_clip_gradient (float  *grad,
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
void
_l2l_trainer_update_average (L2lTrainer *trainer)
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
