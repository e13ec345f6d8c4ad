/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-batchnorm.h"
#include "l2l-conv2d.h"
#include "l2l-dataset.h"
#include "l2l-error.h"
#include "l2l-maxpool.h"
#include "l2l-memory.h"
#include "l2l-nn.h"
#include "l2l-rng.h"
#include "l2l-task-cnn.h"

#define N_CONV 3
#define KERNEL 5
#define N_LABELS 10
#define BN_EPS 1e-5

typedef struct {
  L2lTask     base;
  L2lDataset *data;
  guint       channels;
  guint       fc;
  guint       batch;
  guint       n_classes;
  guint8      class_of[N_LABELS];      /* data set label → class, G_MAXUINT8: left out */
  guint      *train;                   /* images of the kept classes */
  guint       n_train;
  guint       c_in[N_CONV];
  guint       height[N_CONV + 1];      /* [l]: conv l's input; [N_CONV]: the last pool's output */
  guint       width[N_CONV + 1];
  guint       flat;                    /* channels × height[N_CONV] × width[N_CONV] */
  gsize       conv_weight[N_CONV];
  gsize       gamma[N_CONV + 1];       /* [N_CONV]: the fully connected layer's */
  gsize       beta[N_CONV + 1];
  gsize       fc_weight;
  gsize       out_weight;
  gsize       out_bias;
} CnnTask;

/* One forward and backward over `batch` images. */
typedef struct {
  float   *input;                      /* [rows × C × H × W] */
  float   *z;                          /* a convolution's output, before normalization */
  float   *xhat[N_CONV + 1];
  float   *act[N_CONV + 1];            /* after normalization and ReLU */
  float   *inv_std[N_CONV + 1];
  float   *pool[N_CONV];
  guint32 *argmax[N_CONV];
  float   *logits;
  float   *col;
  float   *d0;                         /* backward ping-pong, [rows × widest] */
  float   *d1;
  guint8  *labels;
  float   *storage;
} Scratch;

/* The R-operator's buffers, R(·) of the forward pass's values along v, made
 * on the first Hessian-vector product. */
typedef struct {
  float   *rz;                         /* R(a convolution's output), [rows × widest] */
  float   *ract;                       /* R(after normalization and ReLU) */
  float   *tmp;
  float   *rxhat[N_CONV + 1];
  float   *rinv_std[N_CONV + 1];
  float   *rpool[N_CONV];
  float   *rfc;                        /* R(act[N_CONV]) */
  float   *rlogits;
  float   *rd0;                        /* R(backward's ping-pong) */
  float   *rd1;
  float   *sink;                       /* parameter gradients the product does not need */
  float   *storage;
} RScratch;

typedef struct {
  L2lTaskProblem base;                 /* of a CnnTask */
  L2lRng         rng;                  /* minibatches */
  Scratch        s;
  RScratch       r;
  gboolean       drawn;
} CnnProblem;

static L2lConv2d
conv_shape (const CnnTask *task,
            guint          layer,
            guint          rows)
{
  return (L2lConv2d) {
    .n = rows, .c_in = task->c_in[layer], .height = task->height[layer],
    .width = task->width[layer], .c_out = task->channels, .k = KERNEL, .stride = 1,
    .pad = KERNEL / 2,
  };
}

static gsize
plane (const CnnTask *task,
       guint          layer)
{
  return (gsize) task->height[layer] * task->width[layer];
}

/* The floats of a Scratch's storage, and its widest and col buffers'. */
static gsize
scratch_floats (const CnnTask *task,
                gsize         *widest_out,
                gsize         *col_out)
{
  const gsize rows = task->batch, ch = task->channels;
  gsize total = 0, widest = 0, col = 0;

  for (guint l = 0; l < N_CONV; l++)
    {
      L2lConv2d conv = conv_shape (task, l, task->batch);
      widest = MAX (widest, rows * MAX (ch, task->c_in[l]) * plane (task, l));
      col = MAX (col, l2l_conv2d_col_size (&conv));
      total += 2 * rows * ch * plane (task, l) + rows * ch * plane (task, l + 1) + ch;
    }
  widest = MAX (widest, rows * MAX (MAX (task->flat, task->fc), task->n_classes));
  total += rows * task->c_in[0] * plane (task, 0) + widest
           + 2 * rows * task->fc + task->fc + rows * task->n_classes + col + 2 * widest;
  *widest_out = widest;
  *col_out = col;
  return total;
}

static void
scratch_init (Scratch       *s,
              const CnnTask *task)
{
  const gsize rows = task->batch, ch = task->channels;
  gsize widest, col, offset = 0;
  const gsize total = scratch_floats (task, &widest, &col);

  s->storage = g_new (float, total);
#define CARVE(size) (offset += (size), s->storage + offset - (size))
  s->input = CARVE (rows * task->c_in[0] * plane (task, 0));
  s->z = CARVE (widest);
  for (guint l = 0; l < N_CONV; l++)
    {
      s->xhat[l] = CARVE (rows * ch * plane (task, l));
      s->act[l] = CARVE (rows * ch * plane (task, l));
      s->pool[l] = CARVE (rows * ch * plane (task, l + 1));
      s->inv_std[l] = CARVE (ch);
    }
  s->xhat[N_CONV] = CARVE (rows * task->fc);
  s->act[N_CONV] = CARVE (rows * task->fc);
  s->inv_std[N_CONV] = CARVE (task->fc);
  s->logits = CARVE (rows * task->n_classes);
  s->col = CARVE (col);
  s->d0 = CARVE (widest);
  s->d1 = CARVE (widest);
#undef CARVE
  g_assert (offset == total);
  for (guint l = 0; l < N_CONV; l++)
    s->argmax[l] = g_new (guint32, rows * ch * plane (task, l + 1));
  s->labels = g_new (guint8, rows);
}

static void
scratch_clear (Scratch *s)
{
  for (guint l = 0; l < N_CONV; l++)
    g_free (s->argmax[l]);
  g_free (s->labels);
  g_free (s->storage);
}

/* Image @index of the data set into row @r of the input, scaled to [0, 1]. */
static void
load_image (const CnnTask *task,
            Scratch       *s,
            guint          r,
            guint          index)
{
  const gsize size = (gsize) task->c_in[0] * plane (task, 0);
  const guint8 *image = task->data->images + index * size;
  float *row = s->input + r * size;

  for (gsize p = 0; p < size; p++)
    row[p] = image[p] * (1.0f / 255.0f);
  s->labels[r] = task->class_of[task->data->labels[index]];
}

/* The mean cross-entropy of the @rows images in the input; its gradient
 * with respect to the logits is left in d0. */
static double
forward (const CnnTask *task,
         const float   *theta,
         Scratch       *s,
         guint          rows,
         L2lParallel   *parallel)
{
  const guint ch = task->channels;
  const float *in = s->input;

  for (guint l = 0; l < N_CONV; l++)
    {
      L2lConv2d conv = conv_shape (task, l, rows);
      L2lBatchNorm bn = { rows, ch, plane (task, l), BN_EPS, parallel };
      L2lBatchNormPool pooling = { task->height[l], task->width[l], 2, 2 };

      l2l_conv2d_forward (s->z, s->col, in, theta + task->conv_weight[l], NULL, &conv, parallel);
      l2l_batchnorm_relu_pool_forward (s->pool[l], s->argmax[l], s->act[l], s->xhat[l],
                                       s->inv_std[l], s->z, theta + task->gamma[l],
                                       theta + task->beta[l], &bn, &pooling);
      in = s->pool[l];
    }

  {
    L2lBatchNorm bn = { rows, task->fc, 1, BN_EPS, NULL };

    l2l_linear_forward (s->z, in, theta + task->fc_weight, NULL, rows, task->flat, task->fc);
    l2l_batchnorm_forward (s->act[N_CONV], s->xhat[N_CONV], s->inv_std[N_CONV], s->z,
                           theta + task->gamma[N_CONV], theta + task->beta[N_CONV], &bn);
    l2l_relu_forward (s->act[N_CONV], s->act[N_CONV], (gsize) rows * task->fc);
  }
  l2l_linear_forward (s->logits, s->act[N_CONV], theta + task->out_weight,
                      theta + task->out_bias, rows, task->fc, task->n_classes);
  return l2l_softmax_xent (s->d0, s->logits, s->labels, rows, task->n_classes);
}

/* From the logits' gradient in d0 to the whole gradient, which is zeroed
 * first: every layer adds its share (the contract of l2l-nn.h). */
static void
backward (const CnnTask *task,
          const float   *theta,
          Scratch       *s,
          guint          rows,
          float         *grad,
          L2lParallel   *parallel)
{
  const guint ch = task->channels;
  L2lBatchNorm fc_bn = { rows, task->fc, 1, BN_EPS, NULL };
  float *dout = s->d0, *din = s->d1;

  memset (grad, 0, task->base.n_params * sizeof (float));
  l2l_linear_backward (din, grad + task->out_weight, grad + task->out_bias, dout,
                       s->act[N_CONV], theta + task->out_weight, rows, task->fc,
                       task->n_classes);
  l2l_relu_backward (din, s->act[N_CONV], din, (gsize) rows * task->fc);
  l2l_batchnorm_backward (dout, grad + task->gamma[N_CONV], grad + task->beta[N_CONV], din,
                          s->xhat[N_CONV], s->inv_std[N_CONV], theta + task->gamma[N_CONV],
                          &fc_bn);
  l2l_linear_backward (din, grad + task->fc_weight, NULL, dout, s->pool[N_CONV - 1],
                       theta + task->fc_weight, rows, task->flat, task->fc);

  /* din holds ∂L/∂pool[l] on entry to each layer, dout takes ∂L/∂z */
  for (guint l = N_CONV; l-- > 0;)
    {
      L2lConv2d conv = conv_shape (task, l, rows);
      L2lBatchNorm bn = { rows, ch, plane (task, l), BN_EPS, parallel };
      L2lBatchNormPool pooling = { task->height[l], task->width[l], 2, 2 };

      l2l_batchnorm_relu_pool_backward (dout, grad + task->gamma[l], grad + task->beta[l], din,
                                        s->argmax[l], s->pool[l], s->xhat[l], s->inv_std[l],
                                        theta + task->gamma[l], &bn, &pooling);
      l2l_conv2d_backward (l > 0 ? din : NULL, grad + task->conv_weight[l], NULL, s->col,
                           dout, l > 0 ? s->pool[l - 1] : s->input,
                           theta + task->conv_weight[l], &conv, parallel);
    }
}

static void
cnn_problem_init (L2lProblem *problem,
                  float      *theta)
{
  CnnProblem *self = (CnnProblem *) problem;
  const CnnTask *task = (const CnnTask *) self->base.task;
  L2lRng rng;

  /* torch.nn's defaults: U(±1/√fan_in) for weights and the last bias, γ = 1, β = 0. */
  l2l_rng_init (&rng, self->base.seed);
  for (guint l = 0; l <= N_CONV; l++)
    {
      const gsize fan_in = l < N_CONV ? (gsize) task->c_in[l] * KERNEL * KERNEL : task->flat;
      const gsize size = l < N_CONV ? task->channels * fan_in : task->fc * fan_in;
      const gsize weight = l < N_CONV ? task->conv_weight[l] : task->fc_weight;
      const gsize channels = l < N_CONV ? task->channels : task->fc;
      const double bound = 1.0 / sqrt ((double) fan_in);

      for (gsize i = 0; i < size; i++)
        theta[weight + i] = (float) ((2.0 * l2l_rng_uniform (&rng) - 1.0) * bound);
      for (gsize c = 0; c < channels; c++)
        {
          theta[task->gamma[l] + c] = 1.0f;
          theta[task->beta[l] + c] = 0.0f;
        }
    }
  {
    const double bound = 1.0 / sqrt ((double) task->fc);
    for (gsize i = 0; i < (gsize) task->n_classes * (task->fc + 1); i++)
      theta[task->out_weight + i] = (float) ((2.0 * l2l_rng_uniform (&rng) - 1.0) * bound);
  }
}

static double
cnn_problem_loss_grad (L2lProblem  *problem,
                       const float *theta,
                       float       *grad)
{
  CnnProblem *self = (CnnProblem *) problem;
  const CnnTask *task = (const CnnTask *) self->base.task;
  double loss;

  for (guint r = 0; r < task->batch; r++)
    load_image (task, &self->s, r, task->train[l2l_rng_below (&self->rng, task->n_train)]);
  self->drawn = TRUE;
  loss = forward (task, theta, &self->s, task->batch, problem->parallel);
  backward (task, theta, &self->s, task->batch, grad, problem->parallel);
  return loss;
}

static void
rscratch_init (RScratch      *r,
               const CnnTask *task)
{
  const gsize rows = task->batch, ch = task->channels;
  gsize widest = rows * MAX (MAX (task->flat, task->fc), task->n_classes), total, offset = 0;

  for (guint l = 0; l < N_CONV; l++)
    widest = MAX (widest, rows * MAX (ch, task->c_in[l]) * plane (task, l));
  total = 5 * widest + rows * task->fc + task->fc + rows * task->n_classes
          + 2 * MAX (ch, task->fc);
  for (guint l = 0; l < N_CONV; l++)
    total += rows * ch * plane (task, l) + ch + rows * ch * plane (task, l + 1);
  r->storage = g_new (float, total);
#define CARVE(size) (offset += (size), r->storage + offset - (size))
  r->rz = CARVE (widest);
  r->ract = CARVE (widest);
  r->tmp = CARVE (widest);
  r->rd0 = CARVE (widest);
  r->rd1 = CARVE (widest);
  for (guint l = 0; l < N_CONV; l++)
    {
      r->rxhat[l] = CARVE (rows * ch * plane (task, l));
      r->rinv_std[l] = CARVE (ch);
      r->rpool[l] = CARVE (rows * ch * plane (task, l + 1));
    }
  r->rxhat[N_CONV] = CARVE (rows * task->fc);
  r->rinv_std[N_CONV] = CARVE (task->fc);
  r->rfc = r->ract;   /* the convolutions' R(act) is spent by then */
  r->rlogits = CARVE (rows * task->n_classes);
  r->sink = CARVE (2 * MAX (ch, task->fc));
#undef CARVE
  g_assert (offset == total);
}

static void
add_to (float       *restrict out,
        const float *restrict in,
        gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    out[i] += in[i];
}

/* R(·) of the forward pass along v, from the forward's values in s: each
 * layer's R is linear in R(its input) and in v's share of its parameters. */
static void
forward_rop (const CnnTask *task,
             const float   *theta,
             const float   *v,
             Scratch       *s,
             RScratch      *r,
             guint          rows,
             L2lParallel   *parallel)
{
  const guint ch = task->channels;
  const float *in = s->input, *rin = NULL;

  for (guint l = 0; l < N_CONV; l++)
    {
      L2lConv2d conv = conv_shape (task, l, rows);
      L2lBatchNorm bn = { rows, ch, plane (task, l), BN_EPS, parallel };
      const gsize n = (gsize) rows * ch * plane (task, l);

      /* R(z) = W ⊛ R(in) + V ⊛ in */
      l2l_conv2d_forward (r->rz, s->col, in, v + task->conv_weight[l], NULL, &conv, parallel);
      if (rin != NULL)
        {
          l2l_conv2d_forward (r->tmp, s->col, rin, theta + task->conv_weight[l], NULL, &conv,
                              parallel);
          add_to (r->rz, r->tmp, n);
        }
      l2l_batchnorm_forward_rop (r->ract, r->rxhat[l], r->rinv_std[l], r->rz, s->xhat[l],
                                 s->inv_std[l], theta + task->gamma[l], v + task->gamma[l],
                                 v + task->beta[l], &bn);
      l2l_relu_backward (r->ract, s->act[l], r->ract, n);
      l2l_maxpool_forward_rop (r->rpool[l], r->ract, s->argmax[l], rows * ch, task->height[l],
                               task->width[l], 2, 2);
      in = s->pool[l];
      rin = r->rpool[l];
    }
  {
    L2lBatchNorm bn = { rows, task->fc, 1, BN_EPS, NULL };

    l2l_linear_forward (r->rz, in, v + task->fc_weight, NULL, rows, task->flat, task->fc);
    l2l_linear_accumulate (r->rz, rin, theta + task->fc_weight, rows, task->flat, task->fc);
    l2l_batchnorm_forward_rop (r->rfc, r->rxhat[N_CONV], r->rinv_std[N_CONV], r->rz,
                               s->xhat[N_CONV], s->inv_std[N_CONV], theta + task->gamma[N_CONV],
                               v + task->gamma[N_CONV], v + task->beta[N_CONV], &bn);
    l2l_relu_backward (r->rfc, s->act[N_CONV], r->rfc, (gsize) rows * task->fc);
  }
  l2l_linear_forward (r->rlogits, s->act[N_CONV], v + task->out_weight, v + task->out_bias, rows,
                      task->fc, task->n_classes);
  l2l_linear_accumulate (r->rlogits, r->rfc, theta + task->out_weight, rows, task->fc,
                         task->n_classes);
}

/* H v by the R-operator (Pearlmutter 1994) on the minibatch of the last
 * loss_grad: the forward pass again, its R along v, then the backward pass
 * and its R together, R(∂L/∂θ) into @out. Exact where the loss is smooth
 * (ReLU and max-pool are linear between their kinks), as torch's double
 * backward is; central differences of gradients are not an option here, as
 * any step that moves one of the net's ~10⁶ pre-activations across a kink
 * adds a jump to them. */
static void
cnn_problem_hvp (L2lProblem  *problem,
                 const float *theta,
                 const float *v,
                 float       *out)
{
  CnnProblem *self = (CnnProblem *) problem;
  const CnnTask *task = (const CnnTask *) self->base.task;
  Scratch *s = &self->s;
  RScratch *r = &self->r;
  L2lParallel *parallel = problem->parallel;
  const guint rows = task->batch, ch = task->channels;
  L2lBatchNorm fc_bn = { rows, task->fc, 1, BN_EPS, NULL };
  float *dout = s->d0, *din = s->d1, *rdout, *rdin, *swap, *sink_gamma, *sink_beta;

  g_return_if_fail (self->drawn);
  if (r->storage == NULL)
    rscratch_init (r, task);
  rdout = r->rd0;
  rdin = r->rd1;
  sink_gamma = r->sink;
  sink_beta = r->sink + MAX (ch, task->fc);
  forward (task, theta, s, rows, parallel);
  forward_rop (task, theta, v, s, r, rows, parallel);
  l2l_softmax_xent_rop (rdout, s->logits, r->rlogits, rows, task->n_classes);

  /* For a linear layer y = x Wᵀ (+ b) with δ = ∂L/∂y:
   * R(∂L/∂W) = R(δ)ᵀ x + δᵀ R(x), R(∂L/∂b) = Σ R(δ), R(∂L/∂x) = R(δ) W + δ V. */
  memset (out, 0, problem->n_params * sizeof (float));
  l2l_linear_backward (rdin, out + task->out_weight, out + task->out_bias, rdout,
                       s->act[N_CONV], theta + task->out_weight, rows, task->fc,
                       task->n_classes);
  l2l_linear_backward (r->tmp, out + task->out_weight, NULL, dout, r->rfc,
                       v + task->out_weight, rows, task->fc, task->n_classes);
  add_to (rdin, r->tmp, (gsize) rows * task->fc);
  l2l_linear_backward (din, NULL, NULL, dout, s->act[N_CONV], theta + task->out_weight, rows,
                       task->fc, task->n_classes);
  l2l_relu_backward (din, s->act[N_CONV], din, (gsize) rows * task->fc);
  l2l_relu_backward (rdin, s->act[N_CONV], rdin, (gsize) rows * task->fc);
  l2l_batchnorm_backward_rop (rdout, out + task->gamma[N_CONV], out + task->beta[N_CONV], din,
                              rdin, s->xhat[N_CONV], r->rxhat[N_CONV], s->inv_std[N_CONV],
                              r->rinv_std[N_CONV], theta + task->gamma[N_CONV],
                              v + task->gamma[N_CONV], &fc_bn);
  l2l_batchnorm_backward (dout, sink_gamma, sink_beta, din, s->xhat[N_CONV], s->inv_std[N_CONV],
                          theta + task->gamma[N_CONV], &fc_bn);
  l2l_linear_backward (rdin, out + task->fc_weight, NULL, rdout, s->pool[N_CONV - 1],
                       theta + task->fc_weight, rows, task->flat, task->fc);
  l2l_linear_backward (r->tmp, out + task->fc_weight, NULL, dout, r->rpool[N_CONV - 1],
                       v + task->fc_weight, rows, task->flat, task->fc);
  add_to (rdin, r->tmp, (gsize) rows * task->flat);
  l2l_linear_backward (din, NULL, NULL, dout, s->pool[N_CONV - 1], theta + task->fc_weight,
                       rows, task->flat, task->fc);

  /* din, rdin hold ∂L/∂pool[l] and its R on entry to each layer */
  for (guint l = N_CONV; l-- > 0;)
    {
      L2lConv2d conv = conv_shape (task, l, rows);
      L2lBatchNorm bn = { rows, ch, plane (task, l), BN_EPS, parallel };
      const gsize n = (gsize) rows * ch * plane (task, l);
      const float *in = l > 0 ? s->pool[l - 1] : s->input;

      l2l_maxpool_backward (dout, din, s->argmax[l], rows * ch, task->height[l],
                            task->width[l], 2, 2);
      l2l_maxpool_backward (rdout, rdin, s->argmax[l], rows * ch, task->height[l],
                            task->width[l], 2, 2);
      l2l_relu_backward (dout, s->act[l], dout, n);
      l2l_relu_backward (rdout, s->act[l], rdout, n);
      l2l_batchnorm_backward_rop (rdin, out + task->gamma[l], out + task->beta[l], dout, rdout,
                                  s->xhat[l], r->rxhat[l], s->inv_std[l], r->rinv_std[l],
                                  theta + task->gamma[l], v + task->gamma[l], &bn);
      l2l_batchnorm_backward (din, sink_gamma, sink_beta, dout, s->xhat[l], s->inv_std[l],
                              theta + task->gamma[l], &bn);
      /* the same rule as a linear layer's, through the convolution */
      l2l_conv2d_backward (l > 0 ? rdout : NULL, out + task->conv_weight[l], NULL, s->col, rdin,
                           in, theta + task->conv_weight[l], &conv, parallel);
      if (l == 0)
        break;
      l2l_conv2d_backward (r->tmp, out + task->conv_weight[l], NULL, s->col, din,
                           r->rpool[l - 1], v + task->conv_weight[l], &conv, parallel);
      add_to (rdout, r->tmp, (gsize) rows * task->c_in[l] * plane (task, l));
      l2l_conv2d_backward (dout, NULL, NULL, s->col, din, in, theta + task->conv_weight[l],
                           &conv, parallel);
      swap = din, din = dout, dout = swap;
      swap = rdin, rdin = rdout, rdout = swap;
    }
}

static void
cnn_problem_free (L2lProblem *problem)
{
  CnnProblem *self = (CnnProblem *) problem;

  scratch_clear (&self->s);
  g_free (self->r.storage);
  l2l_task_problem_free (problem);
}

static void
cnn_problem_mark (L2lProblem     *problem,
                  L2lProblemMark *mark)
{
  mark->rng = ((CnnProblem *) problem)->rng;
}

static void
cnn_problem_rewind (L2lProblem           *problem,
                    const L2lProblemMark *mark)
{
  ((CnnProblem *) problem)->rng = mark->rng;
}

static const L2lProblemClass cnn_problem_class = {
  .init = cnn_problem_init,
  .loss_grad = cnn_problem_loss_grad,
  .hvp = cnn_problem_hvp,
  .mark = cnn_problem_mark,
  .rewind = cnn_problem_rewind,
  .free = cnn_problem_free,
};

static L2lProblem *
cnn_task_sample (L2lTask *task,
                 guint64  seed)
{
  CnnProblem *self = l2l_task_problem_new (sizeof (CnnProblem), &cnn_problem_class, task, seed);

  /* θ0 and the minibatches come from two streams of the one seed. */
  l2l_rng_init (&self->rng, seed ^ G_GUINT64_CONSTANT (0x636e6e6261746368));
  scratch_init (&self->s, (const CnnTask *) task);
  return &self->base.base;
}

static void
cnn_task_finalize (L2lTask *task)
{
  CnnTask *self = (CnnTask *) task;

  l2l_dataset_unref (self->data);
  g_free (self->train);
  g_free (self);
}

static const L2lTaskClass cnn_task_class = {
  .sample = cnn_task_sample,
  .finalize = cnn_task_finalize,
};

/* "0-9", "0-4", "0,1", "0-2,7": labels 0–9, at least two. */
static gboolean
parse_classes (const char  *text,
               gboolean     keep[N_LABELS],
               GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = 0;

  memset (keep, 0, N_LABELS * sizeof (gboolean));
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) range = g_strsplit (parts[i], "-", 3);
      gint64 lo, hi;

      if (range[0] == NULL || !l2l_parse_int (range[0], &lo))
        goto bad;
      hi = lo;
      if (range[1] != NULL && (range[2] != NULL || !l2l_parse_int (range[1], &hi)))
        goto bad;
      if (lo < 0 || hi >= N_LABELS || lo > hi)
        goto bad;
      for (gint64 c = lo; c <= hi; c++)
        keep[c] = TRUE;
    }
  for (guint c = 0; c < N_LABELS; c++)
    n += keep[c] ? 1 : 0;
  if (n >= 2)
    return TRUE;

bad:
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, "task cnn", "classes",
                       "'%s' is not a list of labels or ranges from 0 to 9 naming "
                       "at least two, like 0-9, 0-4 or 0,1", text);
  return FALSE;
}

static gboolean
cnn_check (const L2lOptions  *options,
           GError           **error)
{
  gboolean keep[N_LABELS];

  return parse_classes (l2l_options_get_string (options, "classes"), keep, error);
}

/* The training images whose labels are kept. */
static guint *
select_train_images (const CnnTask *task,
                     guint         *n_out)
{
  const guint count = task->data->n_train;
  guint *index = g_new (guint, MAX (count, 1));
  guint n = 0;

  for (guint i = 0; i < count; i++)
    if (task->class_of[task->data->labels[i]] != G_MAXUINT8)
      index[n++] = i;
  *n_out = n;
  return index;
}

static const char *const dataset_choices[] = { "fashion-mnist", "mnist", "cifar10", NULL };

static const L2lOptionInfo cnn_options[] = {
  { "dataset", L2L_OPTION_CHOICE, "fashion-mnist", 0, 0, dataset_choices,
    "Images to classify (CIFAR-10 needs its folder in data)" },
  { "data", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Folder with the data set's files (empty: the default; CIFAR-10 has none)" },
  { "classes", L2L_OPTION_STRING, "0-9", 0, 0, NULL,
    "Labels kept, renumbered in order: 0-9, 0-4 or 0,1" },
  { "channels", L2L_OPTION_INT, "16", 1, 256, NULL, "Filters of each convolution" },
  { "fc", L2L_OPTION_INT, "32", 1, 4096, NULL, "Units of the fully connected layer" },
  { "batch", L2L_OPTION_INT, "128", 2, 60000, NULL, "Images in each minibatch" },
};

static L2lTask *
cnn_create (const L2lOptions  *options,
            GError           **error)
{
  static const char *const group_names[] = { "conv", "fc" };
  g_autofree char *values = l2l_options_to_string (options);
  const char *dataset = l2l_options_get_string (options, "dataset");
  gboolean keep[N_LABELS];
  CnnTask *self;
  gsize n = 0, counts[2];

  if (!parse_classes (l2l_options_get_string (options, "classes"), keep, error))
    return NULL;
  self = g_new0 (CnnTask, 1);
  self->channels = (guint) l2l_options_get_int (options, "channels");
  self->fc = (guint) l2l_options_get_int (options, "fc");
  self->batch = (guint) l2l_options_get_int (options, "batch");
  self->data = l2l_dataset_get (dataset, l2l_options_get_string (options, "data"), error);
  if (self->data == NULL)
    {
      g_free (self);
      return NULL;
    }
  for (guint c = 0; c < N_LABELS; c++)
    self->class_of[c] = keep[c] ? (guint8) self->n_classes++ : G_MAXUINT8;
  self->train = select_train_images (self, &self->n_train);
  if (self->n_train == 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "task cnn: %s has no training images of classes %s", self->data->source,
                   l2l_options_get_string (options, "classes"));
      cnn_task_finalize (&self->base);
      return NULL;
    }

  self->height[0] = self->data->height;
  self->width[0] = self->data->width;
  for (guint l = 0; l < N_CONV; l++)
    {
      self->c_in[l] = l == 0 ? self->data->channels : self->channels;
      self->height[l + 1] = self->height[l] / 2;
      self->width[l + 1] = self->width[l] / 2;
      self->conv_weight[l] = n;
      n += (gsize) self->channels * self->c_in[l] * KERNEL * KERNEL;
      self->gamma[l] = n;
      n += self->channels;
      self->beta[l] = n;
      n += self->channels;
    }
  counts[0] = n;
  self->flat = self->channels * self->height[N_CONV] * self->width[N_CONV];
  self->fc_weight = n;
  n += (gsize) self->fc * self->flat;
  self->gamma[N_CONV] = n;
  n += self->fc;
  self->beta[N_CONV] = n;
  n += self->fc;
  self->out_weight = n;
  n += (gsize) self->n_classes * self->fc;
  self->out_bias = n;
  n += self->n_classes;
  counts[1] = n - counts[0];

  l2l_task_init_base (&self->base, &cnn_task_class, g_strdup_printf ("cnn:%s", values), n);
  l2l_task_set_groups (&self->base, 2, group_names, counts);
  /* the forward and backward buffers and the max-pools' indices */
  {
    gsize widest, col;
    guint64 pooled = 0;
    g_autofree char *what = NULL;

    for (guint l = 0; l < N_CONV; l++)
      pooled += (guint64) self->batch * self->channels * plane (self, l + 1);
    self->base.problem_bytes = sizeof (float) * scratch_floats (self, &widest, &col)
                               + sizeof (guint32) * pooled;
    what = g_strdup_printf ("minibatches of %u images of %u × %u × %u", self->batch,
                            self->c_in[0], self->height[0], self->width[0]);
    if (!l2l_memory_check (self->base.problem_bytes, "task cnn", "batch", what,
                           "use a smaller batch", error))
      {
        l2l_task_unref (&self->base);
        return NULL;
      }
  }
  return &self->base;
}

/* Meta-training on 18,298 coordinates a function whose every gradient is a
 * forward and backward pass over 128 images: two functions an epoch (one a
 * core), T = 100 in unrolls of 20, about 5 s an epoch on 2 cores; 100 epochs
 * with an evaluation on 2 functions every 10 take about 10 minutes, 13 % of
 * it evaluating. The paper's LSTM settings (p = 10, output scale 0.1) learn
 * from the first epochs: held-out 2.34 → 1.0 in 12 (0.01 did the same). */
const L2lTaskFamily l2l_task_cnn_family = {
  .name = "cnn",
  .description = "The paper's convolutional net (Figure 7), on Fashion-MNIST unless dataset "
                 "says mnist, or cifar10 with the folder of your copy of CIFAR-10 in data",
  .options = cnn_options,
  .n_options = G_N_ELEMENTS (cnn_options),
  .create = cnn_create,
  .check = cnn_check,
  .lstm_preprocess_p = 10.0,
  .lstm_output_scale = 0.1,
  .train_batch = 2,
  .train_epochs = 100,
  .train_eval_every = 10,
  .train_eval_runs = 2,
  .train_meta_lr = 1e-3,
};
