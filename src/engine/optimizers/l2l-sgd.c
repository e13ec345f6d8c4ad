/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-optimizer.h"

/* torch.optim.SGD (dampening 0): the momentum buffer starts as the first
 * gradient; Nesterov steps along g + μ·buf. NAG is momentum 0.9, Nesterov. */
typedef struct {
  L2lOptimizer base;
  float        lr;
  float        momentum;
  gboolean     nesterov;
  gboolean     started;
  float       *buffer;   /* [n], unused without momentum */
} Sgd;

static void
sgd_reset (L2lOptimizer *optimizer)
{
  Sgd *self = (Sgd *) optimizer;

  self->started = FALSE;
  if (self->buffer != NULL)
    memset (self->buffer, 0, self->base.n * sizeof (float));
}

static void
sgd_step (L2lOptimizer *optimizer,
          float        *restrict theta,
          const float  *restrict grad)
{
  Sgd *self = (Sgd *) optimizer;
  float *restrict buf = self->buffer;
  const float lr = self->lr, mu = self->momentum;
  const gsize n = self->base.n;

  if (buf == NULL)
    {
      for (gsize i = 0; i < n; i++)
        theta[i] -= lr * grad[i];
      return;
    }
  if (!self->started)
    {
      memcpy (buf, grad, n * sizeof (float));
      self->started = TRUE;
    }
  else
    {
      for (gsize i = 0; i < n; i++)
        buf[i] = mu * buf[i] + grad[i];
    }
  if (self->nesterov)
    for (gsize i = 0; i < n; i++)
      theta[i] -= lr * (grad[i] + mu * buf[i]);
  else
    for (gsize i = 0; i < n; i++)
      theta[i] -= lr * buf[i];
}

static void
sgd_free (L2lOptimizer *optimizer)
{
  Sgd *self = (Sgd *) optimizer;

  g_free (self->buffer);
  g_free (self);
}

static const L2lOptimizerClass sgd_class = {
  .reset = sgd_reset,
  .step = sgd_step,
  .free = sgd_free,
};

static L2lOptimizer *
sgd_new (gsize    n,
         double   lr,
         double   momentum,
         gboolean nesterov)
{
  Sgd *self = g_new0 (Sgd, 1);

  self->base.klass = &sgd_class;
  self->base.n = n;
  self->lr = (float) lr;
  self->momentum = (float) momentum;
  self->nesterov = nesterov;
  if (momentum != 0.0)
    self->buffer = g_new0 (float, n);
  return &self->base;
}

static L2lOptimizer *
plain_sgd_create (gsize           n,
                  double          lr,
                  const L2lHyper *hyper)
{
  return sgd_new (n, lr, hyper ? hyper->momentum : 0.0, FALSE);
}

static L2lOptimizer *
nag_create (gsize           n,
            double          lr,
            const L2lHyper *hyper)
{
  return sgd_new (n, lr, hyper ? hyper->momentum : 0.9, TRUE);
}

const L2lOptimizerInfo l2l_optimizer_sgd = {
  .name = "sgd",
  .description = "Stochastic gradient descent",
  .default_lr = 0.01,
  .create = plain_sgd_create,
};

const L2lOptimizerInfo l2l_optimizer_nag = {
  .name = "nag",
  .description = "Nesterov accelerated gradient (SGD, momentum 0.9, nesterov)",
  .default_lr = 0.01,
  .create = nag_create,
};
