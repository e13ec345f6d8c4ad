/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "l2l-dataset.h"
#include "l2l-error.h"
#include "l2l-nn.h"
#include "l2l-rng.h"
#include "l2l-task-mlp.h"

#define MAX_HIDDEN_LAYERS 4
#define N_CLASSES 10

typedef struct {
  L2lTask     base;
  L2lDataset *data;
  guint       n_layers;                       /* linear layers: hidden + 1 */
  guint       widths[MAX_HIDDEN_LAYERS + 2];  /* 784, hidden…, 10 */
  gsize       weight_offset[MAX_HIDDEN_LAYERS + 1];
  gsize       bias_offset[MAX_HIDDEN_LAYERS + 1];
  gboolean    relu;
  guint       batch;
} MlpTask;

/* Buffers for one forward/backward over @rows images. */
typedef struct {
  guint  rows;
  float *act[MAX_HIDDEN_LAYERS + 2];   /* [rows × width]: act[0] the images, last the logits */
  float *delta;                        /* [rows × widest]: ∂L/∂ pre-activation */
  float *delta_next;
  guint8 *labels;
} Scratch;

/* The R-operator's buffers (Pearlmutter 1994), made on the first
 * Hessian-vector product: the derivatives along v of every activation and of
 * the backward pass's deltas. */
typedef struct {
  float *ract[MAX_HIDDEN_LAYERS + 2];  /* [rows × width], ract[0] unused: images are fixed */
  float *rdelta;                       /* [rows × widest] */
  float *rdelta_next;
  float *rlogits;                      /* [rows × classes] */
} RScratch;

typedef struct {
  L2lTaskProblem base;    /* of an MlpTask */
  L2lRng         rng;     /* minibatches */
  Scratch        batch;
  gboolean       drawn;   /* batch holds a minibatch: loss_grad has run */
  RScratch       r;
} MlpProblem;

static void
scratch_init (Scratch       *scratch,
              const MlpTask *task,
              guint          rows)
{
  guint widest = 0;

  scratch->rows = rows;
  for (guint k = 0; k <= task->n_layers; k++)
    {
      scratch->act[k] = g_new (float, (gsize) rows * task->widths[k]);
      widest = MAX (widest, task->widths[k]);
    }
  scratch->delta = g_new (float, (gsize) rows * widest);
  scratch->delta_next = g_new (float, (gsize) rows * widest);
  scratch->labels = g_new (guint8, rows);
}

static void
scratch_clear (Scratch       *scratch,
               const MlpTask *task)
{
  if (scratch->rows == 0)
    return;
  for (guint k = 0; k <= task->n_layers; k++)
    g_free (scratch->act[k]);
  g_free (scratch->delta);
  g_free (scratch->delta_next);
  g_free (scratch->labels);
  scratch->rows = 0;
}

static void
load_image (const MlpTask *task,
            guint          index,
            float         *row)
{
  const gsize pixels = task->widths[0];
  const guint8 *image = task->data->images + index * pixels;

  for (gsize p = 0; p < pixels; p++)
    row[p] = image[p] * (1.0f / 255.0f);
}

/* Forward over @rows images in act[0]; returns the mean cross-entropy and
 * leaves its gradient with respect to the logits in delta. */
static double
forward (const MlpTask *task,
         const float   *theta,
         Scratch       *s,
         guint          rows)
{
  const guint last = task->n_layers;

  for (guint k = 0; k < last; k++)
    {
      const guint in = task->widths[k], out = task->widths[k + 1];

      l2l_linear_forward (s->act[k + 1], s->act[k], theta + task->weight_offset[k],
                          theta + task->bias_offset[k], rows, in, out);
      if (k + 1 == last)
        break;
      if (task->relu)
        l2l_relu_forward (s->act[k + 1], s->act[k + 1], (gsize) rows * out);
      else
        l2l_sigmoid_forward (s->act[k + 1], s->act[k + 1], (gsize) rows * out);
    }
  return l2l_softmax_xent (s->delta, s->act[last], s->labels, rows, N_CLASSES);
}

/* Writes the whole gradient: @grad is zeroed, then every layer adds its share. */
static void
backward (const MlpTask *task,
          const float   *theta,
          Scratch       *s,
          guint          rows,
          float         *grad)
{
  memset (grad, 0, task->base.n_params * sizeof (float));
  for (guint k = task->n_layers; k-- > 0;)
    {
      const guint in = task->widths[k], out = task->widths[k + 1];
      float *swap;

      l2l_linear_backward (k > 0 ? s->delta_next : NULL, grad + task->weight_offset[k],
                           grad + task->bias_offset[k], s->delta, s->act[k],
                           theta + task->weight_offset[k], rows, in, out);
      if (k == 0)
        break;
      if (task->relu)
        l2l_relu_backward (s->delta_next, s->act[k], s->delta_next, (gsize) rows * in);
      else
        l2l_sigmoid_backward (s->delta_next, s->act[k], s->delta_next, (gsize) rows * in);
      swap = s->delta;
      s->delta = s->delta_next;
      s->delta_next = swap;
    }
}

static void
mlp_problem_init (L2lProblem *problem,
                  float      *theta)
{
  MlpProblem *self = (MlpProblem *) problem;
  L2lRng rng;

  l2l_rng_init (&rng, self->base.seed);
  for (gsize i = 0; i < problem->n_params; i++)
    theta[i] = (float) (0.01 * l2l_rng_normal (&rng));
}

static double
mlp_problem_loss_grad (L2lProblem  *problem,
                       const float *theta,
                       float       *grad)
{
  MlpProblem *self = (MlpProblem *) problem;
  const MlpTask *task = (const MlpTask *) self->base.task;
  Scratch *s = &self->batch;
  double loss;

  for (guint r = 0; r < s->rows; r++)
    {
      guint index = l2l_rng_below (&self->rng, task->data->n_train);
      load_image (task, index, s->act[0] + (gsize) r * task->widths[0]);
      s->labels[r] = task->data->labels[index];
    }
  self->drawn = TRUE;
  loss = forward (task, theta, s, s->rows);
  backward (task, theta, s, s->rows, grad);
  return loss;
}

static void
rscratch_init (RScratch      *r,
               const MlpTask *task,
               guint          rows)
{
  guint widest = 0;

  for (guint k = 1; k <= task->n_layers; k++)
    {
      r->ract[k] = g_new (float, (gsize) rows * task->widths[k]);
      widest = MAX (widest, task->widths[k]);
    }
  r->rdelta = g_new (float, (gsize) rows * widest);
  r->rdelta_next = g_new (float, (gsize) rows * widest);
  r->rlogits = g_new (float, (gsize) rows * N_CLASSES);
}

static void
rscratch_clear (RScratch      *r,
                const MlpTask *task)
{
  if (r->rdelta == NULL)
    return;
  for (guint k = 1; k <= task->n_layers; k++)
    g_free (r->ract[k]);
  g_free (r->rdelta);
  g_free (r->rdelta_next);
  g_free (r->rlogits);
}

/* din [rows × n_in] = dout [rows × n_out] · weight (+ din when @add) */
static void
linear_back (float       *din,
             const float *dout,
             const float *weight,
             guint        rows,
             guint        n_in,
             guint        n_out,
             gboolean     add)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, (int) n_in, (int) n_out,
               1.0f, dout, (int) n_out, weight, (int) n_in, add ? 1.0f : 0.0f, din, (int) n_in);
}

/* H v by the R-operator: the forward pass again on the last minibatch, its
 * derivative along v, then the backward pass and its derivative together.
 * With a = σ(z) and R(a) = σ'(z) R(z), a sigmoid's R(δ) = σ' R(g) + (1 − 2a) R(a) g
 * (σ'' = σ'(1 − 2a)); a ReLU's is 1[a > 0] R(g). */
static void
mlp_problem_hvp (L2lProblem  *problem,
                 const float *theta,
                 const float *v,
                 float       *out)
{
  MlpProblem *self = (MlpProblem *) problem;
  const MlpTask *task = (const MlpTask *) self->base.task;
  Scratch *s = &self->batch;
  RScratch *r = &self->r;
  const guint rows = s->rows, last = task->n_layers;

  g_return_if_fail (self->drawn);
  if (r->rdelta == NULL)
    rscratch_init (r, task, rows);
  forward (task, theta, s, rows);
  for (guint k = 0; k < last; k++)
    {
      const guint in = task->widths[k], n_out = task->widths[k + 1];
      float *rz = k + 1 == last ? r->rlogits : r->ract[k + 1];

      /* R(z) = R(a) Wᵀ + a V_Wᵀ + V_b */
      l2l_linear_forward (rz, s->act[k], v + task->weight_offset[k], v + task->bias_offset[k],
                          rows, in, n_out);
      if (k > 0)
        l2l_linear_accumulate (rz, r->ract[k], theta + task->weight_offset[k], rows, in, n_out);
      if (k + 1 == last)
        break;
      for (gsize i = 0; i < (gsize) rows * n_out; i++)
        {
          const float a = s->act[k + 1][i];
          rz[i] *= task->relu ? (a > 0.0f) : a * (1.0f - a);
        }
    }
  l2l_softmax_xent_rop (r->rdelta, s->act[last], r->rlogits, rows, N_CLASSES);

  memset (out, 0, problem->n_params * sizeof (float));
  for (guint k = last; k-- > 0;)
    {
      const guint in = task->widths[k], n_out = task->widths[k + 1];
      const float *weight = theta + task->weight_offset[k];
      float *swap;

      /* R(∂L/∂W) = R(δ)ᵀ a + δᵀ R(a); R(∂L/∂b) = Σ R(δ) */
      l2l_linear_backward (NULL, out + task->weight_offset[k], out + task->bias_offset[k],
                           r->rdelta, s->act[k], weight, rows, in, n_out);
      if (k == 0)
        break;
      l2l_linear_backward (NULL, out + task->weight_offset[k], NULL, s->delta, r->ract[k],
                           weight, rows, in, n_out);
      /* g = δ W; R(g) = R(δ) W + δ V_W */
      linear_back (s->delta_next, s->delta, weight, rows, in, n_out, FALSE);
      linear_back (r->rdelta_next, r->rdelta, weight, rows, in, n_out, FALSE);
      linear_back (r->rdelta_next, s->delta, v + task->weight_offset[k], rows, in, n_out, TRUE);
      for (gsize i = 0; i < (gsize) rows * in; i++)
        {
          const float a = s->act[k][i], g = s->delta_next[i];

          if (task->relu)
            {
              s->delta_next[i] = a > 0.0f ? g : 0.0f;
              r->rdelta_next[i] = a > 0.0f ? r->rdelta_next[i] : 0.0f;
            }
          else
            {
              s->delta_next[i] = a * (1.0f - a) * g;
              r->rdelta_next[i] = a * (1.0f - a) * r->rdelta_next[i]
                                  + (1.0f - 2.0f * a) * r->ract[k][i] * g;
            }
        }
      swap = s->delta, s->delta = s->delta_next, s->delta_next = swap;
      swap = r->rdelta, r->rdelta = r->rdelta_next, r->rdelta_next = swap;
    }
}

static void
mlp_problem_mark (L2lProblem     *problem,
                  L2lProblemMark *mark)
{
  mark->rng = ((MlpProblem *) problem)->rng;
}

static void
mlp_problem_rewind (L2lProblem           *problem,
                    const L2lProblemMark *mark)
{
  ((MlpProblem *) problem)->rng = mark->rng;
}

static void
mlp_problem_free (L2lProblem *problem)
{
  MlpProblem *self = (MlpProblem *) problem;

  scratch_clear (&self->batch, (const MlpTask *) self->base.task);
  rscratch_clear (&self->r, (const MlpTask *) self->base.task);
  l2l_task_problem_free (problem);
}

static const L2lProblemClass mlp_problem_class = {
  .init = mlp_problem_init,
  .loss_grad = mlp_problem_loss_grad,
  .hvp = mlp_problem_hvp,
  .mark = mlp_problem_mark,
  .rewind = mlp_problem_rewind,
  .free = mlp_problem_free,
};

static L2lProblem *
mlp_task_sample (L2lTask *task,
                 guint64  seed)
{
  const MlpTask *mlp = (const MlpTask *) task;
  MlpProblem *self = l2l_task_problem_new (sizeof (MlpProblem), &mlp_problem_class, task, seed);

  /* θ0 and the minibatches come from two streams of the one seed. */
  l2l_rng_init (&self->rng, seed ^ G_GUINT64_CONSTANT (0x6d696e6962617463));
  scratch_init (&self->batch, mlp, mlp->batch);
  return &self->base.base;
}

static void
mlp_task_finalize (L2lTask *task)
{
  l2l_dataset_unref (((MlpTask *) task)->data);
  g_free (task);
}

static const L2lTaskClass mlp_task_class = {
  .sample = mlp_task_sample,
  .finalize = mlp_task_finalize,
};

/* "20" or "20x20": the hidden layers' widths. */
static gboolean
parse_hidden (const char  *text,
              MlpTask     *task,
              const char  *owner,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", -1);
  guint n = g_strv_length (parts);

  if (n < 1 || n > MAX_HIDDEN_LAYERS)
    goto bad;
  for (guint i = 0; i < n; i++)
    {
      gint64 width;
      if (!l2l_parse_int (parts[i], &width) || width < 1 || width > 4096)
        goto bad;
      task->widths[i + 1] = (guint) width;
    }
  task->n_layers = n + 1;
  return TRUE;

bad:
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, owner, "hidden",
                       "'%s' is not 1 to %d layer widths from 1 to 4096, like 20 or 20x20",
                       text, MAX_HIDDEN_LAYERS);
  return FALSE;
}

static const char *const act_choices[] = { "sigmoid", "relu", NULL };

static const L2lOptionInfo mlp_options[] = {
  { "hidden", L2L_OPTION_STRING, "20", 0, 0, NULL,
    "Hidden layer widths: 20, 40, or 20x20 for two layers" },
  { "act", L2L_OPTION_CHOICE, "sigmoid", 0, 0, act_choices,
    "Activation of the hidden layers" },
  { "batch", L2L_OPTION_INT, "128", 1, 60000, NULL, "Images in each minibatch" },
  { "data", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Folder with the standard IDX files (empty: the default data set)" },
};

static L2lTask *
mlp_task_create (const char        *kind,
                 const L2lOptions  *options,
                 GError           **error)
{
  g_autofree char *owner = g_strdup_printf ("task %s", kind);
  g_autofree char *values = l2l_options_to_string (options);
  MlpTask *self = g_new0 (MlpTask, 1);
  gsize n_params = 0;

  self->relu = g_str_equal (l2l_options_get_string (options, "act"), "relu");
  self->batch = (guint) l2l_options_get_int (options, "batch");
  if (!parse_hidden (l2l_options_get_string (options, "hidden"), self, owner, error) ||
      (self->data = l2l_dataset_get (kind, l2l_options_get_string (options, "data"),
                                     error)) == NULL)
    {
      g_free (self);
      return NULL;
    }
  self->widths[0] = self->data->width * self->data->height;
  self->widths[self->n_layers] = N_CLASSES;
  for (guint k = 0; k < self->n_layers; k++)
    {
      self->weight_offset[k] = n_params;
      n_params += (gsize) self->widths[k + 1] * self->widths[k];
      self->bias_offset[k] = n_params;
      n_params += self->widths[k + 1];
    }
  l2l_task_init_base (&self->base, &mlp_task_class, g_strdup_printf ("%s:%s", kind, values),
                      n_params);
  return &self->base;
}

static gboolean
mnist_check (const L2lOptions  *options,
             GError           **error)
{
  MlpTask shape = { 0 };

  return parse_hidden (l2l_options_get_string (options, "hidden"), &shape, "task mnist", error);
}

static gboolean
fashion_mnist_check (const L2lOptions  *options,
                     GError           **error)
{
  MlpTask shape = { 0 };

  return parse_hidden (l2l_options_get_string (options, "hidden"), &shape,
                       "task fashion-mnist", error);
}

static L2lTask *
mnist_create (const L2lOptions  *options,
              GError           **error)
{
  return mlp_task_create ("mnist", options, error);
}

static L2lTask *
fashion_mnist_create (const L2lOptions  *options,
                      GError           **error)
{
  return mlp_task_create ("fashion-mnist", options, error);
}

/* Meta-training that suits both MLP families. p and the output scale are
 * what the paper's published code trains its MNIST optimizer with; a meta
 * learning rate of 1e-3 collapsed. 15,910 coordinates a function: two
 * functions fill both cores. About 6 minutes on 2 cores, and evaluations on 8
 * functions (two chunks of 4, one a core) every 25 epochs take under a tenth
 * of it: 10 functions every 20 took 13 %, 8 every 20 took 10.0 %. */
#define MLP_TRAINING_DEFAULTS \
  .lstm_preprocess_p = 5.0, \
  .lstm_output_scale = 0.01, \
  .train_batch = 2, \
  .train_epochs = 400, \
  .train_eval_every = 25, \
  .train_eval_runs = 8, \
  .train_meta_lr = 3e-4

const L2lTaskFamily l2l_task_mnist_family = {
  .name = "mnist",
  .description = "An MLP classifying MNIST digits",
  .options = mlp_options,
  .n_options = G_N_ELEMENTS (mlp_options),
  .create = mnist_create,
  .check = mnist_check,
  MLP_TRAINING_DEFAULTS,
};

const L2lTaskFamily l2l_task_fashion_mnist_family = {
  .name = "fashion-mnist",
  .description = "An MLP classifying Fashion-MNIST images",
  .options = mlp_options,
  .n_options = G_N_ELEMENTS (mlp_options),
  .create = fashion_mnist_create,
  .check = fashion_mnist_check,
  MLP_TRAINING_DEFAULTS,
};
