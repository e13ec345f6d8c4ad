/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-optimizer.h"

/* torch.optim.Adam: β = (0.9, 0.999) by default, ε = 1e-8 added to the
 * bias-corrected root, θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε). */
#define ADAM_EPS 1e-8f

typedef struct {
  L2lOptimizer base;
  double       lr;
  double       beta1;
  double       beta2;
  guint64      t;
  float       *m;   /* [n] first moment */
  float       *v;   /* [n] second moment; same allocation as m */
} Adam;

static void
adam_reset (L2lOptimizer *optimizer)
{
  Adam *self = (Adam *) optimizer;

  self->t = 0;
  memset (self->m, 0, 2 * self->base.n * sizeof (float));
}

static void
adam_step (L2lOptimizer *optimizer,
           float        *restrict theta,
           const float  *restrict grad)
{
  Adam *self = (Adam *) optimizer;
  float *restrict m = self->m;
  float *restrict v = self->v;
  double bias1, bias2_sqrt;
  float step_size, bias2_sqrt_f;

  self->t++;
  bias1 = 1.0 - pow (self->beta1, (double) self->t);
  bias2_sqrt = sqrt (1.0 - pow (self->beta2, (double) self->t));
  step_size = (float) (self->lr / bias1);
  bias2_sqrt_f = (float) bias2_sqrt;

  const float b1 = (float) self->beta1, c1 = (float) (1.0 - self->beta1);
  const float b2 = (float) self->beta2, c2 = (float) (1.0 - self->beta2);

  for (gsize i = 0; i < self->base.n; i++)
    {
      m[i] = b1 * m[i] + c1 * grad[i];
      v[i] = b2 * v[i] + c2 * grad[i] * grad[i];
      theta[i] -= step_size * m[i] / (sqrtf (v[i]) / bias2_sqrt_f + ADAM_EPS);
    }
}

static void
adam_free (L2lOptimizer *optimizer)
{
  Adam *self = (Adam *) optimizer;

  g_free (self->m);
  g_free (self);
}

static const L2lOptimizerClass adam_class = {
  .reset = adam_reset,
  .step = adam_step,
  .free = adam_free,
};

static L2lOptimizer *
adam_create (gsize           n,
             double          lr,
             const L2lHyper *hyper)
{
  Adam *self = g_new0 (Adam, 1);

  self->beta1 = hyper ? hyper->beta1 : 0.9;
  self->beta2 = hyper ? hyper->beta2 : 0.999;

  self->base.klass = &adam_class;
  self->base.n = n;
  self->lr = lr;
  self->m = g_new0 (float, 2 * n);
  self->v = self->m + n;
  return &self->base;
}

void
l2l_adam_set_lr (L2lOptimizer *adam,
                 double        lr)
{
  ((Adam *) adam)->lr = lr;
}

void
l2l_adam_get_state (L2lOptimizer  *adam,
                    float        **exp_avg,
                    float        **exp_avg_sq,
                    guint64      **step)
{
  Adam *self = (Adam *) adam;

  g_return_if_fail (adam->klass == &adam_class);
  *exp_avg = self->m;
  *exp_avg_sq = self->v;
  *step = &self->t;
}

const L2lOptimizerInfo l2l_optimizer_adam = {
  .name = "adam",
  .description = "Adam (β 0.9/0.999, ε 1e-8, bias correction)",
  .default_lr = 0.001,
  .create = adam_create,
};
