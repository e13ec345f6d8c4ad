/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-lstm-optimizer.h"
#include "l2l-lstm-unroll.h"

typedef struct {
  L2lOptimizer   base;
  L2lLstm       *net;
  L2lLstmUnroll *unroll;    /* one step long, carried after every step */
  float         *update;    /* [n] */
} LstmOptimizer;

static void
lstm_optimizer_reset (L2lOptimizer *optimizer)
{
  LstmOptimizer *self = (LstmOptimizer *) optimizer;

  l2l_lstm_unroll_reset_state (self->unroll);
}

static void
lstm_optimizer_step (L2lOptimizer *optimizer,
                     float        *theta,
                     const float  *grad)
{
  LstmOptimizer *self = (LstmOptimizer *) optimizer;
  float *restrict t = theta;
  const float *restrict u = self->update;

  l2l_lstm_unroll_forward (self->unroll, 0, grad, self->update);
  l2l_lstm_unroll_carry (self->unroll, 1);
  for (gsize i = 0; i < self->base.n; i++)
    t[i] += u[i];
}

static void
lstm_optimizer_free (L2lOptimizer *optimizer)
{
  LstmOptimizer *self = (LstmOptimizer *) optimizer;

  l2l_lstm_unroll_free (self->unroll);
  l2l_lstm_unref (self->net);
  g_free (self->update);
  g_free (self);
}

static const L2lOptimizerClass lstm_optimizer_class = {
  .reset = lstm_optimizer_reset,
  .step = lstm_optimizer_step,
  .free = lstm_optimizer_free,
};

L2lOptimizer *
l2l_lstm_optimizer_new (L2lLstm *net,
                        gsize    n)
{
  LstmOptimizer *self = g_new0 (LstmOptimizer, 1);

  self->base.klass = &lstm_optimizer_class;
  self->base.n = n;
  self->net = l2l_lstm_ref (net);
  self->unroll = l2l_lstm_unroll_new (net, n, 1);
  self->update = g_new0 (float, n);
  l2l_lstm_unroll_reset_state (self->unroll);
  return &self->base;
}
