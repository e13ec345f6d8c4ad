/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "l2l-meta-train-private.h"
#include "l2l-scaled-problem.h"
#include "test-training.h"
#include "test-util.h"

/* f(θ) = aᵀθ: its gradient a does not depend on θ, so the second-order term
 * that meta-training drops is exactly zero and the meta-gradient must equal
 * the full derivative of Σ w_t f(θ_t). */
#define LINEAR_DIMS 6

typedef struct {
  L2lProblem base;
  float      a[LINEAR_DIMS];
  float      theta0[LINEAR_DIMS];
} LinearProblem;

static void
linear_init (L2lProblem *problem,
             float      *theta)
{
  memcpy (theta, ((LinearProblem *) problem)->theta0, sizeof (float) * LINEAR_DIMS);
}

static double
linear_loss_grad (L2lProblem  *problem,
                  const float *theta,
                  float       *grad)
{
  LinearProblem *self = (LinearProblem *) problem;
  double loss = 20.0;   /* positive where the tests go, for the log objective */

  for (guint i = 0; i < LINEAR_DIMS; i++)
    {
      loss += (double) self->a[i] * theta[i];
      grad[i] = self->a[i];
    }
  return loss;
}

static void
linear_free (L2lProblem *problem)
{
  g_free (problem);
}

static const L2lProblemClass linear_problem_class = {
  .init = linear_init, .loss_grad = linear_loss_grad, .free = linear_free,
};

static L2lProblem *
linear_sample (L2lTask *task,
               guint64  seed)
{
  LinearProblem *problem = g_new0 (LinearProblem, 1);
  L2lRng rng;

  problem->base.klass = &linear_problem_class;
  problem->base.n_params = LINEAR_DIMS;
  l2l_rng_init (&rng, seed);
  for (guint i = 0; i < LINEAR_DIMS; i++)
    {
      /* gradients over several decades, both sides of the logsign threshold's
       * smooth region */
      problem->a[i] = (float) (l2l_rng_normal (&rng) * pow (10, -3 * l2l_rng_uniform (&rng)));
      problem->theta0[i] = (float) l2l_rng_normal (&rng);
    }
  return &problem->base;
}

static void
linear_finalize (L2lTask *task)
{
  g_free (task);
}

static const L2lTaskClass linear_task_class = { .sample = linear_sample, .finalize = linear_finalize };

/* With @grouped, two parameter groups: "head", the first two coordinates,
 * and "tail", the rest. */
static L2lTask *
linear_task_new (gboolean grouped)
{
  static const char *const names[] = { "head", "tail" };
  const gsize counts[] = { 2, LINEAR_DIMS - 2 };
  L2lTask *task = g_new0 (L2lTask, 1);

  l2l_task_init_base (task, &linear_task_class, g_strdup ("linear"), LINEAR_DIMS);
  if (grouped)
    l2l_task_set_groups (task, 2, names, counts);
  return task;
}

/* f(θ) = 20 + ½ mean over a minibatch of 3 of LSQ_ROWS rows j of
 * (a_jᵀθ − b_j)², the minibatch drawn afresh by each loss_grad: a stochastic
 * loss with a Hessian (the minibatch's mean of a_j a_jᵀ), to check that a
 * second-order meta-gradient takes each step's Hessian on that step's
 * minibatch. Groups as the linear task's. */
#define LSQ_DIMS 6
#define LSQ_ROWS 8
#define LSQ_BATCH 3

typedef struct {
  L2lProblem base;
  float      a[LSQ_ROWS][LSQ_DIMS];
  float      b[LSQ_ROWS];
  float      theta0[LSQ_DIMS];
  L2lRng     rng;
  guint      drawn[LSQ_BATCH];
} LsqProblem;

static void
lsq_init (L2lProblem *problem,
          float      *theta)
{
  memcpy (theta, ((LsqProblem *) problem)->theta0, sizeof (float) * LSQ_DIMS);
}

static double
lsq_loss_grad (L2lProblem  *problem,
               const float *theta,
               float       *grad)
{
  LsqProblem *self = (LsqProblem *) problem;
  double loss = 20.0;

  memset (grad, 0, sizeof (float) * LSQ_DIMS);
  for (guint k = 0; k < LSQ_BATCH; k++)
    {
      const guint j = self->drawn[k] = l2l_rng_below (&self->rng, LSQ_ROWS);
      double r = -self->b[j];

      for (guint i = 0; i < LSQ_DIMS; i++)
        r += (double) self->a[j][i] * theta[i];
      loss += 0.5 * r * r / LSQ_BATCH;
      for (guint i = 0; i < LSQ_DIMS; i++)
        grad[i] += (float) (r * self->a[j][i] / LSQ_BATCH);
    }
  return loss;
}

static void
lsq_hvp (L2lProblem  *problem,
         const float *theta,
         const float *v,
         float       *out)
{
  LsqProblem *self = (LsqProblem *) problem;

  (void) theta;
  memset (out, 0, sizeof (float) * LSQ_DIMS);
  for (guint k = 0; k < LSQ_BATCH; k++)
    {
      const guint j = self->drawn[k];
      double av = 0.0;

      for (guint i = 0; i < LSQ_DIMS; i++)
        av += (double) self->a[j][i] * v[i];
      for (guint i = 0; i < LSQ_DIMS; i++)
        out[i] += (float) (av * self->a[j][i] / LSQ_BATCH);
    }
}

static void
lsq_mark (L2lProblem     *problem,
          L2lProblemMark *mark)
{
  mark->rng = ((LsqProblem *) problem)->rng;
}

static void
lsq_rewind (L2lProblem           *problem,
            const L2lProblemMark *mark)
{
  ((LsqProblem *) problem)->rng = mark->rng;
}

static const L2lProblemClass lsq_problem_class = {
  .init = lsq_init, .loss_grad = lsq_loss_grad, .hvp = lsq_hvp, .mark = lsq_mark,
  .rewind = lsq_rewind, .free = linear_free,
};

static L2lProblem *
lsq_sample (L2lTask *task,
            guint64  seed)
{
  LsqProblem *problem = g_new0 (LsqProblem, 1);
  L2lRng rng;

  problem->base.klass = &lsq_problem_class;
  problem->base.n_params = LSQ_DIMS;
  l2l_rng_init (&rng, seed);
  for (guint j = 0; j < LSQ_ROWS; j++)
    {
      for (guint i = 0; i < LSQ_DIMS; i++)
        problem->a[j][i] = (float) (0.5 * l2l_rng_normal (&rng));
      problem->b[j] = (float) l2l_rng_normal (&rng);
    }
  for (guint i = 0; i < LSQ_DIMS; i++)
    problem->theta0[i] = (float) l2l_rng_normal (&rng);
  l2l_rng_init (&problem->rng, seed ^ 0x6c7371);
  return &problem->base;
}

static const L2lTaskClass lsq_task_class = { .sample = lsq_sample, .finalize = linear_finalize };

static L2lTask *
lsq_task_new (gboolean grouped)
{
  static const char *const names[] = { "head", "tail" };
  const gsize counts[] = { 2, LSQ_DIMS - 2 };
  L2lTask *task = g_new0 (L2lTask, 1);

  l2l_task_init_base (task, &lsq_task_class, g_strdup ("lsq"), LSQ_DIMS);
  if (grouped)
    l2l_task_set_groups (task, 2, names, counts);
  return task;
}

/* The worst relative difference, over a few entries of each of φ's tensors,
 * between the trainer's meta-gradient of epoch 1's first unroll and central
 * differences of its objective: for each entry the closest of steps @h
 * [@n_h] (one, for a smooth objective). */
static double
meta_gradient_error_of (L2lTrainer   *trainer,
                        const double *h,
                        guint         n_h)
{
  L2lRule *net = l2l_trainer_get_net (trainer);
  g_autofree float *dphi = g_new (float, net->n_params);
  g_autofree float *scratch = g_new (float, net->n_params);
  double worst_of_all = 0.0;

  l2l_trainer_unroll_gradient (trainer, 1, dphi);
  for (guint t = 0; t < net->n_tensors; t++)
    {
      const L2lRuleTensor *tensor = &net->tensors[t];
      gsize size = (gsize) tensor->rows * MAX (tensor->cols, 1);
      double worst = 0.0;

      for (gsize k = 0; k < size; k += 1 + size / 7)
        {
          gsize i = tensor->offset + k;
          float saved = net->params[i];
          double best = G_MAXDOUBLE;

          for (guint j = 0; j < n_h; j++)
            {
              double plus, minus, numeric;

              net->params[i] = saved + (float) h[j];
              l2l_trainer_reload_net (trainer);
              plus = l2l_trainer_unroll_gradient (trainer, 1, scratch);
              net->params[i] = saved - (float) h[j];
              l2l_trainer_reload_net (trainer);
              minus = l2l_trainer_unroll_gradient (trainer, 1, scratch);
              net->params[i] = saved;
              l2l_trainer_reload_net (trainer);
              numeric = (plus - minus) / (2 * h[j]);
              best = MIN (best, fabs (numeric - dphi[i]) / MAX (1e-3, fabs (numeric)));
            }
          worst = MAX (worst, best);
        }
      g_test_message ("%s: worst relative error %.3g", tensor->name, worst);
      worst_of_all = MAX (worst_of_all, worst);
    }
  return worst_of_all;
}

static double
meta_gradient_error_at (L2lTrainer *trainer,
                        double      h)
{
  return meta_gradient_error_of (trainer, &h, 1);
}

static double
meta_gradient_error (L2lTrainer *trainer)
{
  return meta_gradient_error_at (trainer, 1e-2);
}

static L2lTrainConfig
gradient_check_config (L2lTask *task)
{
  L2lTrainConfig config;

  l2l_train_config_init_defaults (&config);
  config.task = task;
  config.batch = 3;
  config.steps = 8;
  config.unroll = 4;
  config.weights = "0.5,2,1,3,1,1,1,1";
  config.rule.hidden = 5;
  config.rule.output_scale = 1.0;
  config.threads = 1;
  return config;
}

static void
check_meta_gradient (gboolean log_objective,
                     gboolean per_group)
{
  g_autoptr(L2lTask) task = linear_task_new (per_group);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  L2lTrainConfig config = gradient_check_config (task);
  L2lRule *net;

  config.log_objective = log_objective;
  config.per_group = per_group;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  net = l2l_trainer_get_net (trainer);
  g_assert_cmpuint (net->n_groups, ==, per_group ? 2 : 1);
  g_assert_cmpuint (net->n_tensors, ==, net->n_groups * (2 * L2L_LSTM_TENSORS_PER_LAYER + 2));
  g_assert_cmpfloat (meta_gradient_error (trainer), <, 2e-2);
}

static void
test_meta_gradient (void)
{
  check_meta_gradient (FALSE, FALSE);
}

/* Σ w_t log f_t: each step's gradient divided by its loss. */
static void
test_meta_gradient_log (void)
{
  check_meta_gradient (TRUE, FALSE);
}

/* One LSTM per group: each group's φ ("head.cells.0.weight_ih" …) gets the
 * meta-gradient of its own coordinates' updates. */
static void
test_meta_gradient_per_group (void)
{
  check_meta_gradient (FALSE, TRUE);
}

/* Second derivatives kept: the meta-gradient is the true derivative of the
 * unroll's objective on a stochastic quadratic, each step's Hessian taken on
 * its own minibatch, for one LSTM and one per group, for f and for log f. */
static void check_threads_do_not_matter (L2lTrainConfig config);

static void
check_second_order (gboolean log_objective,
                    gboolean per_group)
{
  g_autoptr(L2lTask) task = lsq_task_new (per_group);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  L2lTrainConfig config = gradient_check_config (task);

  config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  config.log_objective = log_objective;
  config.per_group = per_group;
  config.rule.output_scale = 0.3;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (l2l_trainer_get_net (trainer)->n_groups, ==, per_group ? 2 : 1);
  g_assert_cmpfloat (meta_gradient_error (trainer), <, 2e-2);
}

static void
test_second_order (void)
{
  check_second_order (FALSE, FALSE);
}

static void
test_second_order_log (void)
{
  check_second_order (TRUE, FALSE);
}

static void
test_second_order_per_group (void)
{
  check_second_order (FALSE, TRUE);
}

/* logsign with p = 2: at p = 10 its slope near ∇ = 0 reaches e^10, and once
 * the momenta bring gradients there, central differences of the objective
 * over h = 1e-2 measure its curvature rather than its slope (each feature
 * passes alone at p = 10). */
#define EVERY_FEATURE "logsign:p=2,grad,grad-rms,momentum:0.5,momentum:0.99,theta,step"

/* Every input feature on. On f = aᵀθ the gradient features are constants
 * either way, and θ as a feature is differentiated through: the meta-gradient
 * is the derivative of the objective. */
static void
test_every_feature_first_order (void)
{
  g_autoptr(L2lTask) task = linear_task_new (FALSE);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (l2l_feature_set_parse (EVERY_FEATURE, &config.rule.features, NULL));
  config.rule.output_scale = 0.3;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (l2l_trainer_get_net (trainer)->input_size, ==, 2 + 1 + 1 + 2 + 1 + 7);
  g_assert_cmpfloat (meta_gradient_error (trainer), <, 2e-2);
}

/* And with second derivatives on the stochastic quadratic: through the
 * features, their running state and θ, one net and one per group. */
static void
check_every_feature_second_order (gboolean per_group)
{
  g_autoptr(L2lTask) task = lsq_task_new (per_group);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (l2l_feature_set_parse (EVERY_FEATURE, &config.rule.features, NULL));
  config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  config.per_group = per_group;
  config.rule.output_scale = 0.3;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (meta_gradient_error (trainer), <, 2e-2);
}

static void
test_every_feature_second_order (void)
{
  check_every_feature_second_order (FALSE);
}

static void
test_every_feature_second_order_per_group (void)
{
  check_every_feature_second_order (TRUE);
}

/* The paper's successors through the whole meta-gradient: first order on
 * f = aᵀθ, second order on the stochastic quadratic, one net and per group. */
static void
test_successors_meta_gradient (gconstpointer arch)
{
  for (guint second = 0; second < 2; second++)
    for (guint per_group = 0; per_group < 2; per_group++)
      {
        g_autoptr(L2lTask) task = second ? lsq_task_new (per_group) : linear_task_new (per_group);
        L2lTrainConfig config = gradient_check_config (task);
        g_autoptr(L2lTrainer) trainer = NULL;
        g_autoptr(GError) error = NULL;

        l2l_rule_config_set_arch (&config.rule, l2l_rule_arch_lookup (arch));
        config.rule.output_scale = 0.3;
        config.per_group = per_group;
        config.meta_gradient = second ? L2L_META_GRADIENT_SECOND_ORDER
                                      : L2L_META_GRADIENT_FIRST_ORDER;
        trainer = l2l_trainer_new (&config, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (l2l_trainer_get_net (trainer)->n_groups, ==, per_group ? 2 : 1);
        /* a smaller step than the LSTM's: the MLP's ReLU kinks lie closer than
         * smooth gates' */
        g_assert_cmpfloat (meta_gradient_error_at (trainer, 2e-3), <, 2e-2);
      }
}

/* Where the optimizer's update depends strongly on its input (∇ as it is,
 * input weights twenty times torch's, output × 3), the paper's first-order
 * meta-gradient is off the derivative of the objective by over 10% in places
 * (with the net as initialised, by less than the check's noise), and the second-order
 * one is it. */
static double
strongly_coupled_error (L2lMetaGradient meta_gradient)
{
  g_autoptr(L2lTask) task = lsq_task_new (FALSE);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  L2lRule *net;
  const L2lRuleTensor *input = NULL;

  config.meta_gradient = meta_gradient;
  g_assert_true (l2l_lstm_preprocess_parse ("none", &config.rule, NULL));
  config.rule.output_scale = 3.0;
  trainer = l2l_trainer_new (&config, NULL);
  net = l2l_trainer_get_net (trainer);
  input = l2l_lstm_tensor (net, 0, L2L_LSTM_WEIGHT_IH);
  for (guint i = 0; i < input->rows; i++)
    net->params[input->offset + i] *= 20.0f;
  l2l_trainer_reload_net (trainer);
  return meta_gradient_error (trainer);
}

static void
test_first_order_is_biased (void)
{
  g_assert_cmpfloat (strongly_coupled_error (L2L_META_GRADIENT_FIRST_ORDER), >, 0.1);
  g_assert_cmpfloat (strongly_coupled_error (L2L_META_GRADIENT_SECOND_ORDER), <, 2e-2);
}

/* ‖a − b‖ / ‖b‖ over φ. */
static double
vector_error (const float *a,
              const float *b,
              gsize        n)
{
  double diff = 0.0, norm = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
      norm += (double) b[i] * b[i];
    }
  return sqrt (diff / norm);
}

/* One unroll's meta-gradient of a small LSTM (1 × 2 cells) on ∇ as it is,
 * with an output scale that makes its steps hang on ∇. */
static float *
strongly_coupled_gradient (L2lMetaGradient meta_gradient,
                           guint           es_pairs,
                           guint           threads)
{
  g_autoptr(L2lTask) task = lsq_task_new (FALSE);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  L2lRule *net;
  const L2lRuleTensor *input = NULL;
  float *dphi;

  config.meta_gradient = meta_gradient;
  config.es_pairs = es_pairs;
  config.es_sigma = 1e-3;
  config.threads = threads;
  config.rule.layers = 1;
  config.rule.hidden = 2;
  g_assert_true (l2l_lstm_preprocess_parse ("none", &config.rule, NULL));
  config.rule.output_scale = 10.0;
  trainer = l2l_trainer_new (&config, NULL);
  net = l2l_trainer_get_net (trainer);
  input = l2l_lstm_tensor (net, 0, L2L_LSTM_WEIGHT_IH);
  for (guint i = 0; i < input->rows; i++)
    net->params[input->offset + i] *= 3.0f;
  l2l_trainer_reload_net (trainer);
  dphi = g_new (float, net->n_params);
  l2l_trainer_unroll_gradient (trainer, 1, dphi);
  return dphi;
}

/* Evolution strategies take no derivative, so they drop nothing: where the
 * paper's first-order meta-gradient is biased, their estimate converges to
 * the true one (second order, itself checked against central differences of
 * the objective above) as the pairs grow, and is the same for any thread
 * count. */
static void
test_es_is_unbiased (void)
{
  g_autoptr(L2lTask) task = lsq_task_new (FALSE);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autofree float *exact = strongly_coupled_gradient (L2L_META_GRADIENT_SECOND_ORDER, 1, 1);
  g_autofree float *first = strongly_coupled_gradient (L2L_META_GRADIENT_FIRST_ORDER, 1, 1);
  g_autofree float *few = strongly_coupled_gradient (L2L_META_GRADIENT_ES, 500, 1);
  g_autofree float *many = strongly_coupled_gradient (L2L_META_GRADIENT_ES, 20000, 1);
  g_autofree float *many_threads = strongly_coupled_gradient (L2L_META_GRADIENT_ES, 20000, 3);
  gsize P;

  config.rule.layers = 1;
  config.rule.hidden = 2;
  g_assert_true (l2l_lstm_preprocess_parse ("none", &config.rule, NULL));
  trainer = l2l_trainer_new (&config, NULL);
  P = l2l_trainer_get_net (trainer)->n_params;
  g_test_message ("against the true meta-gradient: first order %.3g, es of 500 pairs %.3g, "
                  "of 20000 pairs %.3g", vector_error (first, exact, P),
                  vector_error (few, exact, P), vector_error (many, exact, P));
  g_assert_cmpfloat (vector_error (first, exact, P), >, 0.15);
  g_assert_cmpfloat (vector_error (many, exact, P), <, 0.08);
  g_assert_cmpfloat (vector_error (many, exact, P), <, vector_error (few, exact, P));
  g_assert_cmpmem (many, P * sizeof (float), many_threads, P * sizeof (float));
}

/* On an MLP the Hessian-vector products come from the R-operator, each on
 * the minibatch its step drew. With the paper's inputs the first-order
 * meta-gradient is close to the true one already; with RMS-normalised
 * gradients as inputs the net's output hangs on ∇ much more, and there only
 * the second-order one is the derivative of the objective. */
static double
mnist_meta_gradient_error (L2lMetaGradient meta_gradient,
                           const char     *features)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:hidden=4,batch=8", NULL);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  config.meta_gradient = meta_gradient;
  config.batch = 2;
  config.rule.output_scale = 0.1;
  if (features != NULL)
    g_assert_true (l2l_feature_set_parse (features, &config.rule.features, NULL));
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  return meta_gradient_error (trainer);
}

static void
test_second_order_mnist (void)
{
  double first, second;

  g_assert_cmpfloat (mnist_meta_gradient_error (L2L_META_GRADIENT_SECOND_ORDER, NULL), <, 3e-2);
  second = mnist_meta_gradient_error (L2L_META_GRADIENT_SECOND_ORDER, "grad-rms,momentum:0.9");
  first = mnist_meta_gradient_error (L2L_META_GRADIENT_FIRST_ORDER, "grad-rms,momentum:0.9");
  g_test_message ("normalised inputs: first order off by %.3g, second order by %.3g", first,
                  second);
  g_assert_cmpfloat (second, <, 3e-2);
  g_assert_cmpfloat (first, >, 10 * second);
}

/* The cnn's Hessian-vector products (the R-operator through convolution,
 * batch normalization, ReLU and max-pooling) make its second-order
 * meta-gradient the derivative of the objective too, per group, where the
 * first-order one is not (with normalised inputs and steps three times the
 * family's, off by 150 % where the second order is within 1 %). A step in φ
 * moves θ's trajectory, and where that moves one of the net's
 * pre-activations across a kink the objective jumps: each entry of the
 * second-order one takes the closest of four difference steps, as the cnn's
 * own Hessian check does. */
static double
cnn_meta_gradient_error (L2lMetaGradient meta_gradient)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("cnn:dataset=mnist,channels=2,fc=4,batch=4",
                                                    NULL);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  config.meta_gradient = meta_gradient;
  config.batch = 2;
  config.per_group = TRUE;
  config.rule.output_scale = 0.3;
  g_assert_true (l2l_feature_set_parse ("grad-rms,momentum:0.9", &config.rule.features, NULL));
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  {
    static const double steps[] = { 1e-2, 3e-3, 1e-3, 3e-4 };
    /* the first order misses at every step; one is enough to show it */
    return meta_gradient_error_of (trainer, steps,
                                   meta_gradient == L2L_META_GRADIENT_SECOND_ORDER
                                   ? G_N_ELEMENTS (steps) : 1);
  }
}

static void
test_second_order_cnn (void)
{
  double first, second;

  second = cnn_meta_gradient_error (L2L_META_GRADIENT_SECOND_ORDER);
  first = cnn_meta_gradient_error (L2L_META_GRADIENT_FIRST_ORDER);
  g_test_message ("cnn: first order off by %.3g, second order by %.3g", first, second);
  g_assert_cmpfloat (second, <, 3e-2);
  g_assert_cmpfloat (first, >, 10 * second);
}

/* Unroll @u of epoch 1, after the earlier ones ran with φ: its share of the
 * objective and, with @dphi, its meta-gradient. φ may be changed before it
 * (@phi_index, @delta): truncated BPTT holds θ at the unroll's start fixed. */
static double
later_unroll (L2lTrainer *trainer,
              guint       u,
              float      *dphi,
              gsize       phi_index,
              float       delta)
{
  L2lRule *net = l2l_trainer_get_net (trainer);
  const guint K = l2l_trainer_get_config (trainer)->unroll;
  const float saved = net->params[phi_index];
  double before = 0.0, after = 0.0;
  const double *sums;

  trainer->weight_sum = trainer->weights->sum;
  _l2l_trainer_begin_shards (trainer, 1, l2l_trainer_get_config (trainer)->steps);
  for (guint i = 0; i <= u; i++)
    {
      if (i == u)
        {
          sums = _l2l_trainer_gather_sums (trainer);
          for (guint k = 0; k < trainer->n_shards; k++)
            before += sums[3 * k + 1];
          net->params[phi_index] = saved + delta;
          l2l_trainer_reload_net (trainer);
        }
      trainer->unroll_start = i * K;
      _l2l_trainer_run_shards (trainer);
    }
  if (dphi != NULL)
    _l2l_trainer_reduce_gradient (trainer, dphi);
  sums = _l2l_trainer_gather_sums (trainer);
  for (guint k = 0; k < trainer->n_shards; k++)
    after += sums[3 * k + 1];
  net->params[phi_index] = saved;
  l2l_trainer_reload_net (trainer);
  return after - before;
}

/* The second unroll of an epoch starts where the first left θ, the LSTM's
 * state and the minibatch streams: its second-order meta-gradient is the
 * derivative of its objective too. With @stagger the third shard of three
 * first runs a lead of one unroll: its first unroll goes on from there, its
 * second starts the next epoch's function. */
static void
check_second_order_later_unroll (gboolean stagger)
{
  g_autoptr(L2lTask) task = lsq_task_new (FALSE);
  L2lTrainConfig config = gradient_check_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autofree float *dphi = NULL;
  L2lRule *net;

  config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  config.rule.output_scale = 0.3;
  config.stagger = stagger;
  g_assert_true (l2l_feature_set_parse ("grad-rms,momentum:0.9,theta,step",
                                        &config.rule.features, NULL));
  trainer = l2l_trainer_new (&config, NULL);
  net = l2l_trainer_get_net (trainer);
  dphi = g_new (float, net->n_params);
  for (guint u = stagger ? 0 : 1; u < 2; u++)
    {
      double worst = 0.0;

      later_unroll (trainer, u, dphi, 0, 0.0f);
      for (gsize i = 0; i < net->n_params; i += 1 + net->n_params / 40)
        {
          const double h = 1e-2;
          double numeric = (later_unroll (trainer, u, NULL, i, (float) h) -
                            later_unroll (trainer, u, NULL, i, (float) -h)) / (2 * h);

          worst = MAX (worst, fabs (numeric - dphi[i]) / MAX (1e-3, fabs (numeric)));
        }
      g_test_message ("unroll %u%s: worst relative error %.3g", u, stagger ? " staggered" : "",
                      worst);
      g_assert_cmpfloat (worst, <, 2e-2);
    }
  if (stagger)
    g_assert_cmpuint (trainer->shards[2].lead, ==, 1);
}

static void
test_second_order_later_unroll (void)
{
  check_second_order_later_unroll (FALSE);
}

static void
test_stagger_meta_gradient (void)
{
  check_second_order_later_unroll (TRUE);
}

/* Two functions, one a shard, over four unrolls of three steps. */
static L2lTrainConfig
four_unrolls_config (L2lTask *task)
{
  L2lTrainConfig config = gradient_check_config (task);

  config.batch = 2;
  config.steps = 12;
  config.unroll = 3;
  config.weights = "uniform";
  return config;
}

/* Unroll @u of epoch @epoch of @trainer at φ as it is: each of its two
 * shards' losses after each of the steps into @losses [2 × 3]. */
static void
shard_unroll_losses (L2lTrainer *trainer,
                     guint       epoch,
                     guint       u,
                     double      losses[2][3])
{
  const L2lTrainConfig *config = l2l_trainer_get_config (trainer);

  trainer->weight_sum = trainer->weights->sum;
  if (u == 0)
    _l2l_trainer_begin_shards (trainer, epoch, config->steps);
  trainer->unroll_start = u * config->unroll;
  _l2l_trainer_run_shards (trainer);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (trainer->shards[i].count, ==, 1);
      memcpy (losses[i], trainer->shards[i].losses, 3 * sizeof (double));
    }
}

/* Staggered starts: of two shards over four unrolls, the second leads by
 * two. Its windows cover the horizon once an epoch, at steps 6, 9, 0 and 3;
 * the first two go on with epoch 1's function after a lead run at the same
 * φ, the last two start epoch 2's; and every window's losses are, to the
 * bit, those of the same steps of the same function without the stagger. */
static void
test_stagger_phases (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:hidden=4,batch=8", NULL);
  L2lTrainConfig config = four_unrolls_config (task);
  g_autoptr(L2lTrainer) plain = NULL, staggered = NULL;
  double expected[2][4][2][3], got[2][3];

  plain = l2l_trainer_new (&config, NULL);
  config.stagger = TRUE;
  staggered = l2l_trainer_new (&config, NULL);
  for (guint epoch = 1; epoch <= 2; epoch++)
    for (guint u = 0; u < 4; u++)
      shard_unroll_losses (plain, epoch, u, expected[epoch - 1][u]);

  for (guint u = 0; u < 4; u++)
    {
      const guint phase = (u + 2) % 4;

      shard_unroll_losses (staggered, 1, u, got);
      g_assert_cmpuint (staggered->shards[1].lead, ==, 2);
      g_assert_cmpuint (staggered->shards[0].t0, ==, 3 * u);
      g_assert_cmpuint (staggered->shards[1].t0, ==, 3 * phase);
      g_assert_cmpmem (got[0], sizeof got[0], expected[0][u][0], sizeof got[0]);
      g_assert_cmpmem (got[1], sizeof got[1], expected[u < 2 ? 0 : 1][phase][1], sizeof got[1]);
    }
}

/* With φ fixed, second order changes no forward step: every unroll's
 * objective is the first-order run's, to the bit, so the replays of the
 * backward passes leave the minibatch streams where they were. */
static void
test_second_order_same_forward (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:hidden=4,batch=8", NULL);
  L2lTrainConfig config = four_unrolls_config (task);
  g_autoptr(L2lTrainer) first = NULL, second = NULL;

  first = l2l_trainer_new (&config, NULL);
  config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  second = l2l_trainer_new (&config, NULL);
  for (guint u = 0; u < 4; u++)
    g_assert_cmpfloat (later_unroll (first, u, NULL, 0, 0.0f), ==,
                       later_unroll (second, u, NULL, 0, 0.0f));
}

/* Threads, resumes and what a task lacks. */
/* @config's run on 2 threads, and the same stopped after one epoch, saved,
 * resumed and run to its end, give the same bits; returns the resumed one. */
static L2lTrainer *
resumed_after_one_epoch (L2lTrainConfig config)
{
  g_autoptr(L2lTrainer) whole = NULL, first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.safetensors", NULL);
  const guint epochs = config.epochs;
  L2lTrainer *resumed;

  config.threads = 2;
  whole = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (whole, NULL, NULL, NULL, NULL));
  config.epochs = 1;
  first = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (first, NULL, NULL, NULL, NULL));
  g_assert_true (l2l_trainer_save_resume (first, path, &error));
  g_assert_no_error (error);
  resumed = l2l_trainer_new_from_resume (path, &error);
  g_assert_no_error (error);
  g_assert_true (l2l_trainer_set_epochs (resumed, epochs, NULL));
  g_assert_true (l2l_trainer_run (resumed, NULL, NULL, NULL, NULL));
  test_training_assert_same (whole, resumed);
  test_util_remove_tree (dir);
  return resumed;
}

static void
test_second_order_threads_and_resume (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:batch=16", NULL);
  g_autoptr(L2lTask) cnn = l2l_task_new_from_spec ("cnn:dataset=mnist,channels=2,fc=4,batch=4",
                                                   NULL);
  g_autoptr(L2lTask) art = l2l_task_new_from_spec ("art:size=32", NULL);
  L2lTrainConfig config = test_training_mnist_config (task);
  g_autoptr(L2lTrainer) resumed = NULL, refused = NULL;
  g_autoptr(GError) error = NULL;

  config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  check_threads_do_not_matter (config);

  resumed = resumed_after_one_epoch (config);
  g_assert_cmpint (l2l_trainer_get_config (resumed)->meta_gradient, ==,
                   L2L_META_GRADIENT_SECOND_ORDER);

  config.task = cnn;
  check_threads_do_not_matter (config);

  config.task = art;
  refused = l2l_trainer_new (&config, &error);
  g_assert_null (refused);
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_assert_cmpstr (l2l_error_get_field (error), ==, "meta-gradient");
  g_assert_nonnull (strstr (error->message, "Hessian-vector products"));
}

/* Staggered training gives the same bits for any thread count and across a
 * resume, which records it; it changes what is learned; and with whole-
 * horizon unrolls there is nothing to stagger. */
static void
test_stagger_threads_and_resume (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:batch=16", NULL);
  L2lTrainConfig config = test_training_mnist_config (task);
  g_autoptr(L2lTrainer) resumed = NULL, plain = NULL, staggered = NULL;
  L2lRule *a, *b;

  config.stagger = TRUE;
  config.epochs = 3;
  check_threads_do_not_matter (config);
  resumed = resumed_after_one_epoch (config);
  g_assert_true (l2l_trainer_get_config (resumed)->stagger);

  config.threads = 1;
  staggered = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (staggered, NULL, NULL, NULL, NULL));
  config.stagger = FALSE;
  plain = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (plain, NULL, NULL, NULL, NULL));
  a = l2l_trainer_get_net (plain);
  b = l2l_trainer_get_net (staggered);
  g_assert_cmpint (memcmp (a->params, b->params, a->n_params * sizeof (float)), !=, 0);
  g_clear_pointer (&plain, l2l_trainer_free);
  g_clear_pointer (&staggered, l2l_trainer_free);

  config.unroll = config.steps;
  plain = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (plain, NULL, NULL, NULL, NULL));
  config.stagger = TRUE;
  staggered = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (staggered, NULL, NULL, NULL, NULL));
  test_training_assert_same (plain, staggered);
}

/* Evolution strategies: the same bits for any thread count and across a
 * resume (the directions come from the epoch and the unroll), the settings
 * recorded; and art, which has no Hessian-vector products, trains by them. */
static void
test_es_threads_and_resume (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  g_autoptr(L2lTask) art = l2l_task_new_from_spec ("art:size=32", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) resumed = NULL, styled = NULL;
  g_autoptr(GError) error = NULL;

  config.meta_gradient = L2L_META_GRADIENT_ES;
  config.es_pairs = 3;
  config.es_sigma = 0.02;
  config.epochs = 2;
  check_threads_do_not_matter (config);

  resumed = resumed_after_one_epoch (config);
  g_assert_cmpint (l2l_trainer_get_config (resumed)->meta_gradient, ==, L2L_META_GRADIENT_ES);
  g_assert_cmpuint (l2l_trainer_get_config (resumed)->es_pairs, ==, 3);
  g_assert_cmpfloat (l2l_trainer_get_config (resumed)->es_sigma, ==, 0.02);

  config.task = art;
  config.batch = 1;
  config.steps = 4;
  config.unroll = 2;
  config.eval_runs = 1;
  config.eval_every = 1;
  config.epochs = 1;
  styled = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  g_assert_true (l2l_trainer_run (styled, NULL, NULL, NULL, NULL));
}

/* The warm start by imitation fits the updates to the teacher's (its error
 * falls), and the optimizer it gives starts far better than a random one; a
 * cancel during it leaves φ as it was, and resume files record it. */
static void
test_imitate (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) plain = NULL, imitated = NULL, cancelled = NULL, resumed = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(L2lRule) start = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.safetensors", NULL);
  double first, last;
  guint n;

  config.epochs = 0;
  plain = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (plain, NULL, NULL, NULL, NULL));
  g_assert_true (isnan (l2l_trainer_get_imitation_error (plain, &first)));

  g_assert_true (l2l_imitate_from_string ("adam=0.1", &config.imitate, &config.imitate_lr));
  config.imitate_epochs = 4;
  imitated = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (imitated, NULL, NULL, NULL, NULL));
  last = l2l_trainer_get_imitation_error (imitated, &first);
  g_test_message ("imitation error %.3g → %.3g; held-out %.4g against %.4g untrained", first,
                  last, l2l_trainer_get_history (imitated, &n)[0].eval_loss,
                  l2l_trainer_get_history (plain, &n)[0].eval_loss);
  g_assert_cmpfloat (last, <, 0.6 * first);
  g_assert_cmpfloat (l2l_trainer_get_history (imitated, &n)[0].eval_loss, <,
                     0.7 * l2l_trainer_get_history (plain, &n)[0].eval_loss);

  cancelled = l2l_trainer_new (&config, NULL);
  start = l2l_rule_copy (l2l_trainer_get_net (cancelled));
  g_cancellable_cancel (cancellable);
  g_assert_false (l2l_trainer_run (cancelled, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpmem (start->params, start->n_params * sizeof (float),
                   l2l_trainer_get_net (cancelled)->params, start->n_params * sizeof (float));

  g_clear_error (&error);
  g_assert_true (l2l_trainer_save_resume (imitated, path, &error));
  g_assert_no_error (error);
  resumed = l2l_trainer_new_from_resume (path, &error);
  g_assert_no_error (error);
  g_assert_true (l2l_trainer_get_config (resumed)->imitate == &l2l_optimizer_adam);
  g_assert_cmpfloat (l2l_trainer_get_config (resumed)->imitate_lr, ==, 0.1);
  g_assert_cmpuint (l2l_trainer_get_config (resumed)->imitate_epochs, ==, 4);
  test_util_remove_tree (dir);
}

/* One LSTM for each of the cnn's groups: the held-out loss falls, both
 * groups' φ move, and they end up different. A grouped net is refused for a
 * task whose groups differ; asking for per-group on a one-group task gives
 * one LSTM. */
static void
test_per_group_cnn (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("cnn:dataset=mnist,channels=4,fc=8,batch=16",
                                                    NULL);
  g_autoptr(L2lTask) quadratic = l2l_task_new_from_spec ("quadratic", NULL);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(L2lRule) start = NULL;
  g_autoptr(GError) error = NULL;
  L2lTrainConfig config = test_training_small_config (task);
  const L2lTrainRecord *history;
  L2lRule *net;
  gsize moved[2] = { 0, 0 };
  guint n;

  config.batch = 2;
  config.unroll = 10;
  config.epochs = 30;
  config.eval_every = 10;
  config.eval_runs = 2;
  config.meta_lr = 0.01;
  config.per_group = TRUE;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  net = l2l_trainer_get_net (trainer);
  g_assert_cmpuint (net->n_groups, ==, 2);
  g_assert_cmpstr (net->config.groups, ==, "conv,fc");
  g_assert_cmpstr (net->tensors[0].name, ==, "conv.cells.0.weight_ih");
  g_assert_cmpstr (net->tensors[net->n_tensors - 1].name, ==, "fc.out.bias");
  start = l2l_rule_copy (net);
  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));
  history = l2l_trainer_get_history (trainer, &n);
  g_test_message ("held-out loss %.3f → best %.3f", history[0].eval_loss,
                  l2l_trainer_get_best_eval_loss (trainer));
  g_assert_cmpfloat (l2l_trainer_get_best_eval_loss (trainer), <, 0.9 * history[0].eval_loss);
  for (gsize i = 0; i < net->n_params; i++)
    moved[i / net->group_size] += net->params[i] != start->params[i];
  g_assert_cmpuint (moved[0], >, net->group_size / 2);
  g_assert_cmpuint (moved[1], >, net->group_size / 2);
  g_assert_true (memcmp (net->params, net->params + net->group_size,
                         net->group_size * sizeof (float)) != 0);

  /* the groups of a resumed net must be the task's */
  config.task = quadratic;
  config.per_group = FALSE;
  g_assert_true (l2l_rule_config_set_groups (&config.rule, "conv,fc", NULL));
  g_assert_false (l2l_train_config_validate (&config, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "has the groups all"));
  g_clear_error (&error);
  /* per-group on a one-group task: one LSTM */
  config.per_group = TRUE;
  config.rule.groups[0] = '\0';
  {
    g_autoptr(L2lTrainer) one = l2l_trainer_new (&config, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (l2l_trainer_get_net (one)->n_groups, ==, 1);
  }
}

static void
test_learns (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  const L2lTrainRecord *history;
  guint n;

  config.batch = 32;
  config.epochs = 60;
  config.eval_every = 20;
  config.meta_lr = 3e-3;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  history = l2l_trainer_get_history (trainer, &n);
  g_assert_cmpuint (n, ==, 61);
  g_test_message ("held-out loss: untrained %.4g, best %.4g", history[0].eval_loss,
                  l2l_trainer_get_best_eval_loss (trainer));
  g_assert_cmpfloat (l2l_trainer_get_best_eval_loss (trainer), <, 0.5 * history[0].eval_loss);
  /* the kept φ is the one that scored best */
  g_assert_cmpfloat (l2l_trainer_evaluate (trainer, l2l_trainer_get_best (trainer), NULL), ==,
                     l2l_trainer_get_best_eval_loss (trainer));
}

static void
test_resume_same_curve (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dist=uniform", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) whole = l2l_trainer_new (&config, NULL);
  g_autoptr(L2lTrainer) first = NULL, resumed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.safetensors", NULL);

  g_assert_true (l2l_trainer_run (whole, NULL, NULL, NULL, NULL));
  config.epochs = 3;
  first = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (first, NULL, NULL, NULL, NULL));
  g_assert_true (l2l_trainer_save_resume (first, path, &error));
  g_assert_no_error (error);
  resumed = l2l_trainer_new_from_resume (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (l2l_trainer_get_epoch (resumed), ==, 3);
  g_assert_true (l2l_trainer_set_epochs (resumed, 6, NULL));
  g_assert_true (l2l_trainer_run (resumed, NULL, NULL, NULL, NULL));
  test_training_assert_same (whole, resumed);
  test_util_remove_tree (dir);
}

/* 1, 2, 3 and 5 threads over the same shards: the same bits. */
static void
check_threads_do_not_matter (L2lTrainConfig config)
{
  g_autoptr(L2lTrainer) one = NULL;

  config.threads = 1;
  one = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (one, NULL, NULL, NULL, NULL));
  for (guint threads = 2; threads <= 5; threads += 1 + (threads == 3))
    {
      g_autoptr(L2lTrainer) many = NULL;

      config.threads = threads;
      many = l2l_trainer_new (&config, NULL);
      g_assert_true (l2l_trainer_run (many, NULL, NULL, NULL, NULL));
      test_training_assert_same (one, many);
    }
}

static void
test_threads_do_not_matter (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);

  config.epochs = 3;
  check_threads_do_not_matter (config);
}

/* MNIST functions are big enough that evaluations run in several chunks,
 * which threads share too. */
static void
test_threads_do_not_matter_mnist (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:batch=16", NULL);
  L2lTrainConfig config = test_training_mnist_config (task);

  check_threads_do_not_matter (config);
}

/* A resume may change the thread count and still give the unbroken run's bits. */
static void
test_resume_other_threads (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) whole = NULL, first = NULL, resumed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.safetensors", NULL);

  whole = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (whole, NULL, NULL, NULL, NULL));
  config.epochs = 3;
  config.threads = 2;
  first = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (first, NULL, NULL, NULL, NULL));
  g_assert_true (l2l_trainer_save_resume (first, path, &error));
  /* NULL for the error: a caller may not want it. */
  resumed = l2l_trainer_new_from_resume (path, NULL);
  g_assert_nonnull (resumed);
  g_assert_true (l2l_trainer_set_threads (resumed, 3, &error));
  g_assert_false (l2l_trainer_set_threads (resumed, 0, NULL));
  g_assert_true (l2l_trainer_set_epochs (resumed, 6, NULL));
  g_assert_true (l2l_trainer_run (resumed, NULL, NULL, NULL, NULL));
  test_training_assert_same (whole, resumed);
  test_util_remove_tree (dir);
}

/* Evaluations stop too: an evaluation under a cancelled flag gives NaN, and a
 * run stopped in its first evaluation keeps nothing. */
static void
test_cancel_evaluation (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) trainer = l2l_trainer_new (&config, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint n;

  g_cancellable_cancel (cancellable);
  g_assert_true (isnan (l2l_trainer_evaluate (trainer, l2l_trainer_get_net (trainer),
                                              cancellable)));
  g_assert_false (l2l_trainer_run (trainer, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  l2l_trainer_get_history (trainer, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (l2l_trainer_get_epoch (trainer), ==, 0);
}

static void
cancel_after_epoch_2 (L2lTrainer             *trainer,
                      const L2lTrainProgress *progress,
                      gpointer                user_data)
{
  if (progress->record->epoch == 2)
    g_cancellable_cancel (user_data);
}

/* Cancelling rolls back to the last whole epoch: what is saved is what an
 * uninterrupted two-epoch run gives. */
static void
test_cancel_keeps_whole_epochs (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) cancelled = l2l_trainer_new (&config, NULL);
  g_autoptr(L2lTrainer) two = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (l2l_trainer_run (cancelled, cancel_after_epoch_2, cancellable, cancellable,
                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (l2l_trainer_get_epoch (cancelled), ==, 2);
  config.epochs = 2;
  two = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (two, NULL, NULL, NULL, NULL));
  test_training_assert_same (cancelled, two);
}

typedef struct {
  guint evaluations;
  guint checked;
} EvalSeen;

/* Each evaluation's first held-out function, as the net at that time takes
 * it through the horizon (among the same runs: the LSTM's products over more
 * columns may round otherwise): what the progress gives as eval_theta. */
static void
check_eval_theta (L2lTrainer             *trainer,
                  const L2lTrainProgress *progress,
                  gpointer                user_data)
{
  EvalSeen *seen = user_data;
  const L2lTrainConfig *config = l2l_trainer_get_config (trainer);
  const gsize n = l2l_task_get_n_params (config->task);
  g_autofree double *losses = NULL;
  g_autofree float *final = NULL;
  L2lOptimizerSpec spec;
  L2lTrajectoryJob job = {
    .task = config->task, .optimizer = &spec, .seed = config->seed, .stream = L2L_SEED_EVAL,
    .runs = config->eval_runs, .steps = config->steps,
  };

  if (isnan (progress->record->eval_loss))
    {
      g_assert_null (progress->eval_theta);
      return;
    }
  g_assert_nonnull (progress->eval_theta);
  seen->evaluations++;
  if (progress->record->epoch != 0)
    return;
  /* before any epoch, the net evaluated is the first φ */
  losses = g_new (double, (gsize) config->eval_runs * (config->steps + 1));
  final = g_new (float, config->eval_runs * n);
  job.final_theta = final;
  l2l_optimizer_spec_init_learned (&spec, "lstm", l2l_trainer_get_net (trainer));
  g_assert_true (l2l_trajectories_run (&job, losses, NULL, NULL, NULL));
  l2l_optimizer_spec_clear (&spec);
  g_assert_cmpmem (progress->eval_theta, n * sizeof (float), final, n * sizeof (float));
  seen->checked++;
}

static void
test_eval_theta (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) trainer = l2l_trainer_new (&config, NULL);
  EvalSeen seen = { 0 };

  g_assert_true (l2l_trainer_run (trainer, check_eval_theta, &seen, NULL, NULL));
  g_assert_cmpuint (seen.evaluations, ==, 4);   /* epochs 0, 2, 4, 6 */
  g_assert_cmpuint (seen.checked, ==, 1);
}

/* With keep = final the held-out score is the mean loss at the horizon of
 * the same held-out functions, which a plain run of them gives; the mean
 * over the steps differs. */
static void
test_keep_final (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) mean = NULL, final = NULL;
  L2lOptimizerSpec spec;
  g_autofree double *losses = g_new (double, (gsize) config.eval_runs * (config.steps + 1));
  double expected = 0.0;
  L2lTrajectoryJob job = {
    .task = task, .optimizer = &spec, .seed = config.seed, .stream = L2L_SEED_EVAL,
    .runs = config.eval_runs, .steps = config.steps,
  };

  mean = l2l_trainer_new (&config, NULL);
  config.keep = L2L_KEEP_FINAL;
  final = l2l_trainer_new (&config, NULL);
  l2l_optimizer_spec_init_learned (&spec, "lstm", l2l_trainer_get_net (final));
  g_assert_true (l2l_trajectories_run (&job, losses, NULL, NULL, NULL));
  l2l_optimizer_spec_clear (&spec);
  for (guint r = 0; r < config.eval_runs; r++)
    expected += losses[(gsize) r * (config.steps + 1) + config.steps];
  expected /= config.eval_runs;
  g_assert_cmpfloat (fabs (l2l_trainer_evaluate (final, l2l_trainer_get_net (final), NULL) -
                           expected), <=, 1e-12 * fabs (expected));
  g_assert_cmpfloat (l2l_trainer_evaluate (mean, l2l_trainer_get_net (mean), NULL), !=, expected);
}

/* Random scaling (Lv et al.): g(θ) = f(c ⊙ θ) from θ0 / c, its gradient
 * c ⊙ ∇f by central differences, every c_i within [1/R, R], per seed. */
static void
test_scaled_problem (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dims=6", NULL);
  g_autoptr(L2lProblem) plain = l2l_task_sample (task, 3);
  g_autoptr(L2lProblem) scaled = l2l_scaled_problem_new (l2l_task_sample (task, 3), 9, 10.0);
  g_autoptr(L2lProblem) other = l2l_scaled_problem_new (l2l_task_sample (task, 3), 10, 10.0);
  float theta0[6], start[6], other_start[6], grad[6], plain_grad[6], x[6];
  double worst = 0.0;

  l2l_problem_init (plain, theta0);
  l2l_problem_init (scaled, start);
  l2l_problem_init (other, other_start);
  g_assert_true (memcmp (start, other_start, sizeof start) != 0);
  g_assert_cmpfloat (fabs (l2l_problem_loss_grad (scaled, start, grad) -
                           l2l_problem_loss_grad (plain, theta0, plain_grad)), <, 1e-4);
  for (guint i = 0; i < 6; i++)
    {
      double c = theta0[i] / start[i];   /* θ0 = c θ0 / c */
      g_assert_cmpfloat (c, >=, 0.1 - 1e-6);
      g_assert_cmpfloat (c, <=, 10.0 + 1e-6);
      g_assert_cmpfloat (fabs (grad[i] - c * plain_grad[i]), <=, 1e-4 * (1 + fabs (grad[i])));
    }
  memcpy (x, start, sizeof x);
  for (guint i = 0; i < 6; i++)
    {
      const float h = 1e-2f * MAX (1.0f, fabsf (x[i]));
      float saved = x[i], scratch[6];
      double up, down, numeric;

      x[i] = saved + h;
      up = l2l_problem_loss_grad (scaled, x, scratch);
      x[i] = saved - h;
      down = l2l_problem_loss_grad (scaled, x, scratch);
      x[i] = saved;
      numeric = (up - down) / (2.0 * h);
      worst = MAX (worst, fabs (numeric - grad[i]) / MAX (1.0, fabs (numeric)));
    }
  g_test_message ("scaled gradient: worst relative error %.1e", worst);
  g_assert_cmpfloat (worst, <, 1e-2);
}

/* The curriculum's horizons and the cosine schedule's rates, epoch by epoch. */
static void
test_recipe_schedules (void)
{
  L2lTrainConfig config;

  l2l_train_config_init_defaults (&config);
  config.steps = 100;
  config.unroll = 20;
  config.epochs = 8;
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 1), ==, 100);
  config.curriculum = 4;   /* 25, 50, 75, 100 → whole unrolls: 40, 60, 80, 100 */
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 1), ==, 40);
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 2), ==, 40);
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 3), ==, 60);
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 6), ==, 80);
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 8), ==, 100);
  g_assert_cmpuint (_l2l_train_epoch_horizon (&config, 9), ==, 100);   /* resumed past */

  g_assert_cmpfloat (_l2l_train_epoch_meta_lr (&config, 5), ==, config.meta_lr);
  config.meta_lr_schedule = L2L_META_LR_COSINE;
  g_assert_cmpfloat (_l2l_train_epoch_meta_lr (&config, 1), ==, config.meta_lr);
  g_assert_cmpfloat (fabs (_l2l_train_epoch_meta_lr (&config, 5) - 0.505 * config.meta_lr), <,
                     1e-12);
  g_assert_cmpfloat (_l2l_train_epoch_meta_lr (&config, 8), >, config.meta_lr / 100);
  g_assert_cmpfloat (fabs (_l2l_train_epoch_meta_lr (&config, 9) - config.meta_lr / 100), <,
                     1e-12);
}

static void
cancel_after_epoch_3 (L2lTrainer             *trainer,
                      const L2lTrainProgress *progress,
                      gpointer                user_data)
{
  if (progress->record->epoch == 3)
    g_cancellable_cancel (user_data);
}

/* With every recipe on: training changes the net unlike without them, gives
 * the same bits on 1 and 3 threads, and an interrupted run resumed from its
 * file ends where an unbroken one does. */
static void
test_recipes_resume_and_threads (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dist=uniform", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) plain = NULL, whole = NULL, three = NULL, first = NULL, resumed = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.safetensors", NULL);

  plain = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (plain, NULL, NULL, NULL, NULL));
  config.meta_lr_schedule = L2L_META_LR_COSINE;
  config.scale_range = 5.0;
  config.curriculum = 2;
  config.average = 0.9;
  config.zero_output = TRUE;
  config.log_objective = TRUE;
  config.keep = L2L_KEEP_FINAL;
  whole = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (whole, NULL, NULL, NULL, NULL));
  g_assert_true (memcmp (l2l_trainer_get_net (plain)->params, l2l_trainer_get_net (whole)->params,
                         l2l_trainer_get_net (plain)->n_params * sizeof (float)) != 0);

  config.threads = 3;
  three = l2l_trainer_new (&config, NULL);
  g_assert_true (l2l_trainer_run (three, NULL, NULL, NULL, NULL));
  test_training_assert_same (whole, three);

  config.threads = 1;
  first = l2l_trainer_new (&config, NULL);
  g_assert_false (l2l_trainer_run (first, cancel_after_epoch_3, cancellable, cancellable, NULL));
  g_assert_true (l2l_trainer_save_resume (first, path, &error));
  g_assert_no_error (error);
  resumed = l2l_trainer_new_from_resume (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (l2l_trainer_get_config (resumed)->curriculum, ==, 2);
  g_assert_cmpfloat (l2l_trainer_get_config (resumed)->scale_range, ==, 5.0);
  g_assert_cmpint (l2l_trainer_get_config (resumed)->meta_lr_schedule, ==, L2L_META_LR_COSINE);
  g_assert_cmpfloat (l2l_trainer_get_config (resumed)->average, ==, 0.9);
  g_assert_true (l2l_trainer_get_config (resumed)->zero_output);
  g_assert_true (l2l_trainer_get_config (resumed)->log_objective);
  g_assert_cmpint (l2l_trainer_get_config (resumed)->keep, ==, L2L_KEEP_FINAL);
  g_assert_true (l2l_trainer_run (resumed, NULL, NULL, NULL, NULL));
  test_training_assert_same (whole, resumed);
  test_util_remove_tree (dir);
}

/* The moving average after each meta-step n is d φ̄ + (1 − d) φ with
 * d = min (β, (1 + n) / (10 + n)); it, not φ, is scored and kept. Replayed
 * here by training one epoch at a time, one meta-step an epoch. */
static void
test_average (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autofree float *expected = NULL;
  L2lRule *net;
  double best;

  config.steps = config.unroll = 5;
  config.eval_every = 1;
  config.average = 0.3;
  trainer = l2l_trainer_new (&config, NULL);
  net = l2l_trainer_get_net (trainer);
  g_assert_true (l2l_trainer_get_scored (trainer) != net);
  expected = g_memdup2 (net->params, net->n_params * sizeof (float));
  g_assert_true (l2l_trainer_set_epochs (trainer, 0, NULL));
  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));   /* the untrained score */
  best = l2l_trainer_get_best_eval_loss (trainer);
  for (guint epoch = 1; epoch <= 4; epoch++)
    {
      const float decay = (float) MIN (0.3, (1.0 + epoch) / (10.0 + epoch));
      guint n;
      const L2lTrainRecord *history;

      g_assert_true (l2l_trainer_set_epochs (trainer, epoch, NULL));
      g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));
      for (gsize i = 0; i < net->n_params; i++)
        expected[i] = decay * expected[i] + (1.0f - decay) * net->params[i];
      g_assert_cmpmem (l2l_trainer_get_scored (trainer)->params, net->n_params * sizeof (float),
                       expected, net->n_params * sizeof (float));
      g_assert_true (memcmp (expected, net->params, net->n_params * sizeof (float)) != 0);
      history = l2l_trainer_get_history (trainer, &n);
      g_assert_cmpfloat (history[n - 1].eval_loss, ==,
                         l2l_trainer_evaluate (trainer, l2l_trainer_get_scored (trainer), NULL));
      if (history[n - 1].eval_loss < best)
        g_assert_cmpmem (l2l_trainer_get_best (trainer)->params, net->n_params * sizeof (float),
                         expected, net->n_params * sizeof (float));
      best = l2l_trainer_get_best_eval_loss (trainer);
    }
}

/* From a zero output layer the untrained optimizer does nothing, and training
 * still learns to descend. */
static void
test_zero_output (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);
  g_autoptr(L2lTrainer) trainer = NULL;
  const L2lTrainRecord *history;
  const L2lRuleTensor *weight;
  L2lRule *net;
  guint n;

  config.zero_output = TRUE;
  config.epochs = 30;
  trainer = l2l_trainer_new (&config, NULL);
  net = l2l_trainer_get_net (trainer);
  weight = l2l_lstm_out_weight (net);
  for (guint i = 0; i < weight->cols; i++)
    g_assert_cmpfloat (net->params[weight->offset + i], ==, 0.0f);
  g_assert_cmpfloat (net->params[l2l_lstm_out_bias (net)->offset], ==, 0.0f);
  g_assert_cmpfloat (net->params[0], !=, 0.0f);   /* the LSTM cells stay random */

  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));
  history = l2l_trainer_get_history (trainer, &n);
  g_assert_cmpfloat (l2l_trainer_get_best_eval_loss (trainer), <, 0.5 * history[0].eval_loss);
  g_assert_cmpfloat (net->params[weight->offset], !=, 0.0f);
}

static void
test_loss_weights (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lLossWeights) linear = l2l_loss_weights_new ("linear", 4, NULL);
  g_autoptr(L2lLossWeights) exp_w = l2l_loss_weights_new ("exp:0.5", 3, NULL);
  g_autoptr(L2lLossWeights) final = l2l_loss_weights_new ("final", 3, NULL);
  g_autoptr(L2lLossWeights) list = l2l_loss_weights_new ("0,1,2", 3, NULL);
  const struct { const char *spec; const char *needle; } bad[] = {
    { "1,2", "needs one number per step, 3, but has 2" },
    { "1,-1,1", "entry 2, '-1', is not a number ≥ 0" },
    { "0,0,0", "not all 0" },
    { "exp:x", "needs a γ above 0" },
    { "steep", "'steep' is not uniform, linear, exp:γ, final" },
  };

  g_assert_cmpfloat (linear->values[0], ==, 1.0);
  g_assert_cmpfloat (linear->values[3], ==, 4.0);
  g_assert_cmpfloat (linear->sum, ==, 10.0);
  g_assert_cmpfloat (exp_w->values[0], ==, 0.25);
  g_assert_cmpfloat (exp_w->values[2], ==, 1.0);
  g_assert_cmpfloat (final->values[0], ==, 0.0);
  g_assert_cmpfloat (final->values[2], ==, 1.0);
  g_assert_cmpfloat (list->values[2], ==, 2.0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(L2lLossWeights) weights = l2l_loss_weights_new (bad[i].spec, 3, &error);
      g_assert_null (weights);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/meta-train/meta-gradient", test_meta_gradient);
  g_test_add_func ("/engine/meta-train/meta-gradient-log", test_meta_gradient_log);
  g_test_add_func ("/engine/meta-train/meta-gradient-per-group", test_meta_gradient_per_group);
  g_test_add_func ("/engine/meta-train/second-order", test_second_order);
  g_test_add_func ("/engine/meta-train/second-order-log", test_second_order_log);
  g_test_add_func ("/engine/meta-train/second-order-per-group", test_second_order_per_group);
  g_test_add_func ("/engine/meta-train/first-order-is-biased", test_first_order_is_biased);
  g_test_add_func ("/engine/meta-train/es-is-unbiased", test_es_is_unbiased);
  g_test_add_func ("/engine/meta-train/es-threads-and-resume", test_es_threads_and_resume);
  g_test_add_func ("/engine/meta-train/imitate", test_imitate);
  g_test_add_func ("/engine/meta-train/second-order-mnist", test_second_order_mnist);
  g_test_add_func ("/engine/meta-train/second-order-cnn", test_second_order_cnn);
  g_test_add_func ("/engine/meta-train/second-order-later-unroll",
                   test_second_order_later_unroll);
  g_test_add_func ("/engine/meta-train/stagger-phases", test_stagger_phases);
  g_test_add_func ("/engine/meta-train/stagger-meta-gradient", test_stagger_meta_gradient);
  g_test_add_func ("/engine/meta-train/stagger-threads-and-resume",
                   test_stagger_threads_and_resume);
  g_test_add_func ("/engine/meta-train/second-order-same-forward",
                   test_second_order_same_forward);
  g_test_add_func ("/engine/meta-train/second-order-threads-and-resume",
                   test_second_order_threads_and_resume);
  g_test_add_func ("/engine/meta-train/every-feature/first-order", test_every_feature_first_order);
  g_test_add_func ("/engine/meta-train/every-feature/second-order",
                   test_every_feature_second_order);
  g_test_add_func ("/engine/meta-train/every-feature/second-order-per-group",
                   test_every_feature_second_order_per_group);
  g_test_add_data_func ("/engine/meta-train/mlp/meta-gradient", "mlp",
                        test_successors_meta_gradient);
  g_test_add_data_func ("/engine/meta-train/rnnprop/meta-gradient", "rnnprop",
                        test_successors_meta_gradient);
  g_test_add_data_func ("/engine/meta-train/schedule/meta-gradient", "schedule",
                        test_successors_meta_gradient);
  g_test_add_func ("/engine/meta-train/per-group-cnn", test_per_group_cnn);
  g_test_add_func ("/engine/meta-train/learns", test_learns);
  g_test_add_func ("/engine/meta-train/resume-same-curve", test_resume_same_curve);
  g_test_add_func ("/engine/meta-train/threads-do-not-matter", test_threads_do_not_matter);
  g_test_add_func ("/engine/meta-train/threads-do-not-matter-mnist",
                   test_threads_do_not_matter_mnist);
  g_test_add_func ("/engine/meta-train/resume-other-threads", test_resume_other_threads);
  g_test_add_func ("/engine/meta-train/cancel-evaluation", test_cancel_evaluation);
  g_test_add_func ("/engine/meta-train/cancel-keeps-whole-epochs", test_cancel_keeps_whole_epochs);
  g_test_add_func ("/engine/meta-train/loss-weights", test_loss_weights);
  g_test_add_func ("/engine/meta-train/eval-theta", test_eval_theta);
  g_test_add_func ("/engine/meta-train/keep-final", test_keep_final);
  g_test_add_func ("/engine/meta-train/scaled-problem", test_scaled_problem);
  g_test_add_func ("/engine/meta-train/recipe-schedules", test_recipe_schedules);
  g_test_add_func ("/engine/meta-train/recipes-resume-and-threads", test_recipes_resume_and_threads);
  g_test_add_func ("/engine/meta-train/average", test_average);
  g_test_add_func ("/engine/meta-train/zero-output", test_zero_output);
  return g_test_run ();
}
