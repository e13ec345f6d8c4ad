/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-training.h"

L2lTrainConfig
test_training_small_config (L2lTask *task)
{
  L2lTrainConfig config;

  l2l_train_config_init_defaults (&config);
  config.task = task;
  config.batch = 8;
  config.steps = 20;
  config.unroll = 5;
  config.epochs = 6;
  config.eval_every = 2;
  config.eval_runs = 10;
  config.threads = 1;
  return config;
}

L2lTrainConfig
test_training_mnist_config (L2lTask *task)
{
  L2lTrainConfig config = test_training_small_config (task);

  l2l_train_config_use_task_defaults (&config);
  config.batch = 3;
  config.steps = 4;
  config.unroll = 2;
  config.epochs = 2;
  config.eval_every = 1;
  config.eval_runs = 9;
  return config;
}

void
test_training_assert_same (L2lTrainer *a,
                           L2lTrainer *b)
{
  guint n_a, n_b;
  const L2lTrainRecord *history_a = l2l_trainer_get_history (a, &n_a);
  const L2lTrainRecord *history_b = l2l_trainer_get_history (b, &n_b);
  L2lRule *net_a = l2l_trainer_get_net (a), *net_b = l2l_trainer_get_net (b);

  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpuint (history_a[i].epoch, ==, history_b[i].epoch);
      g_assert_cmpmem (&history_a[i].meta_loss, sizeof (double),
                       &history_b[i].meta_loss, sizeof (double));
      g_assert_cmpmem (&history_a[i].eval_loss, sizeof (double),
                       &history_b[i].eval_loss, sizeof (double));
    }
  g_assert_cmpmem (net_a->params, net_a->n_params * sizeof (float),
                   net_b->params, net_b->n_params * sizeof (float));
  g_assert_cmpmem (l2l_trainer_get_best (a)->params, net_a->n_params * sizeof (float),
                   l2l_trainer_get_best (b)->params, net_b->n_params * sizeof (float));
  g_assert_cmpmem (l2l_trainer_get_scored (a)->params, net_a->n_params * sizeof (float),
                   l2l_trainer_get_scored (b)->params, net_b->n_params * sizeof (float));
}
