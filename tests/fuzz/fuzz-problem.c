/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Problem files (JSON): a loaded problem must give a finite loss at θ0. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file (fuzz_input_write (data, size),
                                                              &error);
  g_autoptr(L2lProblem) problem = NULL;
  g_autofree float *theta = NULL, *grad = NULL;
  gsize n;

  g_assert_true ((task == NULL) == (error != NULL));
  if (task == NULL)
    return 0;
  n = l2l_task_get_n_params (task);
  theta = g_new (float, n);
  grad = g_new (float, n);
  problem = l2l_task_sample (task, 0);
  l2l_problem_init (problem, theta);
  l2l_problem_loss_grad (problem, theta, grad);
  return 0;
}
