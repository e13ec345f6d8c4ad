/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-optimizer.h"

/* torch.optim.RMSprop, uncentred, no momentum: v ← αv + (1−α)g²,
 * θ ← θ − lr·g / (√v + ε), with α = 0.99 by default, ε = 1e-8 added after
 * the root. */
#define RMSPROP_EPS 1e-8f

typedef struct {
  L2lOptimizer base;
  float        lr;
  float        alpha;
  float       *square_avg;   /* [n] */
} Rmsprop;

static void
rmsprop_reset (L2lOptimizer *optimizer)
{
  Rmsprop *self = (Rmsprop *) optimizer;

  memset (self->square_avg, 0, self->base.n * sizeof (float));
}

static void
rmsprop_step (L2lOptimizer *optimizer,
              float        *restrict theta,
              const float  *restrict grad)
{
  Rmsprop *self = (Rmsprop *) optimizer;
  float *restrict v = self->square_avg;
  const float lr = self->lr, alpha = self->alpha, rest = 1.0f - self->alpha;

  for (gsize i = 0; i < self->base.n; i++)
    {
      v[i] = alpha * v[i] + rest * grad[i] * grad[i];
      theta[i] -= lr * grad[i] / (sqrtf (v[i]) + RMSPROP_EPS);
    }
}

static void
rmsprop_free (L2lOptimizer *optimizer)
{
  Rmsprop *self = (Rmsprop *) optimizer;

  g_free (self->square_avg);
  g_free (self);
}

static const L2lOptimizerClass rmsprop_class = {
  .reset = rmsprop_reset,
  .step = rmsprop_step,
  .free = rmsprop_free,
};

static L2lOptimizer *
rmsprop_create (gsize           n,
                double          lr,
                const L2lHyper *hyper)
{
  Rmsprop *self = g_new0 (Rmsprop, 1);

  self->alpha = (float) (hyper ? hyper->alpha : 0.99);

  self->base.klass = &rmsprop_class;
  self->base.n = n;
  self->lr = (float) lr;
  self->square_avg = g_new0 (float, n);
  return &self->base;
}

const L2lOptimizerInfo l2l_optimizer_rmsprop = {
  .name = "rmsprop",
  .description = "RMSprop (α 0.99, ε 1e-8)",
  .default_lr = 0.01,
  .create = rmsprop_create,
};
