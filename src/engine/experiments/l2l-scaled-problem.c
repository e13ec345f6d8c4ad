/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-rng.h"
#include "l2l-scaled-problem.h"

typedef struct {
  L2lProblem  base;
  L2lProblem *inner;
  float      *scale;     /* c [n] */
  float      *scaled;    /* scratch: c ⊙ θ */
  float      *scaled_v;  /* scratch: c ⊙ v, for Hessian-vector products */
} ScaledProblem;

static void
scaled_init (L2lProblem *problem,
             float      *theta)
{
  ScaledProblem *self = (ScaledProblem *) problem;

  l2l_problem_init (self->inner, theta);
  for (gsize i = 0; i < problem->n_params; i++)
    theta[i] /= self->scale[i];
}

static double
scaled_loss_grad (L2lProblem  *problem,
                  const float *theta,
                  float       *grad)
{
  ScaledProblem *self = (ScaledProblem *) problem;
  double loss;

  for (gsize i = 0; i < problem->n_params; i++)
    self->scaled[i] = self->scale[i] * theta[i];
  loss = l2l_problem_loss_grad (self->inner, self->scaled, grad);
  for (gsize i = 0; i < problem->n_params; i++)
    grad[i] *= self->scale[i];
  return loss;
}

/* f(c ⊙ θ) has the Hessian diag(c) H diag(c). */
static void
scaled_hvp (L2lProblem  *problem,
            const float *theta,
            const float *v,
            float       *out)
{
  ScaledProblem *self = (ScaledProblem *) problem;

  for (gsize i = 0; i < problem->n_params; i++)
    {
      self->scaled[i] = self->scale[i] * theta[i];
      self->scaled_v[i] = self->scale[i] * v[i];
    }
  l2l_problem_hvp (self->inner, self->scaled, self->scaled_v, out);
  for (gsize i = 0; i < problem->n_params; i++)
    out[i] *= self->scale[i];
}

static void
scaled_free (L2lProblem *problem)
{
  ScaledProblem *self = (ScaledProblem *) problem;

  l2l_problem_free (self->inner);
  g_free (self->scale);
  g_free (self->scaled);
  g_free (self->scaled_v);
  g_free (self);
}

static void
scaled_mark (L2lProblem     *problem,
             L2lProblemMark *mark)
{
  l2l_problem_mark (((ScaledProblem *) problem)->inner, mark);
}

static void
scaled_rewind (L2lProblem           *problem,
               const L2lProblemMark *mark)
{
  l2l_problem_rewind (((ScaledProblem *) problem)->inner, mark);
}

static const L2lProblemClass scaled_problem_class = {
  .init = scaled_init,
  .loss_grad = scaled_loss_grad,
  .mark = scaled_mark,
  .rewind = scaled_rewind,
  .free = scaled_free,
};

/* The same, for an inner problem that has Hessian-vector products. */
static const L2lProblemClass scaled_problem_hvp_class = {
  .init = scaled_init,
  .loss_grad = scaled_loss_grad,
  .hvp = scaled_hvp,
  .mark = scaled_mark,
  .rewind = scaled_rewind,
  .free = scaled_free,
};

L2lProblem *
l2l_scaled_problem_new (L2lProblem *inner,
                        guint64     seed,
                        double      range)
{
  ScaledProblem *self = g_new0 (ScaledProblem, 1);
  const double log_range = log (range);
  L2lRng rng;

  self->base.klass = l2l_problem_has_hvp (inner) ? &scaled_problem_hvp_class
                                                  : &scaled_problem_class;
  self->base.n_params = inner->n_params;
  self->inner = inner;
  self->scale = g_new (float, inner->n_params);
  self->scaled = g_new (float, inner->n_params);
  self->scaled_v = g_new (float, inner->n_params);
  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < inner->n_params; i++)
    self->scale[i] = (float) exp ((2.0 * l2l_rng_uniform (&rng) - 1.0) * log_range);
  return &self->base;
}
