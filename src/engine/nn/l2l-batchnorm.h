/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-parallel.h"

G_BEGIN_DECLS

/* Batch normalization as the paper's code uses it: always with the
 * minibatch's own statistics (torch.nn.BatchNorm2d / BatchNorm1d in training
 * mode), so a function's loss does not depend on the minibatches before it.
 * Each channel is normalised by its mean and biased variance over the N × M
 * values it has, then scaled by gamma and shifted by beta. Layout
 * [N × C × M]: M = H·W after a convolution, 1 for a fully connected layer's
 * [N × C] features. */
typedef struct {
  guint        n;
  guint        channels;
  gsize        m;
  double       eps;        /* 1e-5, as torch */
  /* shares the forward and backward passes' channels out (NULL: the
   * caller's thread); a channel is one item, so any count gives the same bits */
  L2lParallel *parallel;
} L2lBatchNorm;

/* out [N × C × M] = gamma ⊙ x̂ + beta; keeps x̂ [N × C × M] and 1/σ [C] for
 * the backward pass. */
void l2l_batchnorm_forward  (float              *out,
                             float              *xhat,
                             float              *inv_std,
                             const float        *in,
                             const float        *gamma,
                             const float        *beta,
                             const L2lBatchNorm *bn);
/* din written; dgamma, dbeta [C] added to (the contract of l2l-nn.h). The
 * batch statistics are differentiated through: din = γ/(σK) (K dout − Σ dout
 * − x̂ Σ dout x̂) per channel, K = N·M. */
void l2l_batchnorm_backward (float              *din,
                             float              *dgamma,
                             float              *dbeta,
                             const float        *dout,
                             const float        *xhat,
                             const float        *inv_std,
                             const float        *gamma,
                             const L2lBatchNorm *bn);


/* What follows a convolution's batch norm in the cnn family: a ReLU and a
 * max-pool (l2l-maxpool.h) of its [height × width] planes (height·width =
 * the batch norm's M). */
typedef struct {
  guint height;
  guint width;
  guint k;
  guint stride;
} L2lBatchNormPool;

/* The three in one pass over each plane, while it is in cache: act [N × C ×
 * M] = ReLU (γ ⊙ x̂ + β), pool and argmax as l2l_maxpool_forward's, x̂ and
 * 1/σ as l2l_batchnorm_forward's; the same bits as the three one after
 * another. */
void l2l_batchnorm_relu_pool_forward  (float                  *pool,
                                       guint32                *argmax,
                                       float                  *act,
                                       float                  *xhat,
                                       float                  *inv_std,
                                       const float            *in,
                                       const float            *gamma,
                                       const float            *beta,
                                       const L2lBatchNorm     *bn,
                                       const L2lBatchNormPool *pooling);
/* From ∂L/∂pool to din, given the forward pass's pool, argmax, x̂ and 1/σ:
 * the pooling's and the ReLU's backward passes folded into the batch
 * norm's, which then read only the windows' maxima instead of a whole dout;
 * dgamma, dbeta added to. */
void l2l_batchnorm_relu_pool_backward (float                  *din,
                                       float                  *dgamma,
                                       float                  *dbeta,
                                       const float            *dpool,
                                       const guint32          *argmax,
                                       const float            *pool,
                                       const float            *xhat,
                                       const float            *inv_std,
                                       const float            *gamma,
                                       const L2lBatchNorm     *bn,
                                       const L2lBatchNormPool *pooling);

/* The directional derivatives of both passes along (R(in), vgamma, vbeta)
 * (the R-operator, Pearlmutter 1994), for Hessian-vector products:
 * R(x̂) = (1/σ)(R(in) − mean R(in) − x̂ mean(x̂ R(in))) per channel, kept in
 * @rxhat and R(1/σ) [C] in @rinv_std for backward_rop, and rout =
 * γ R(x̂) + vγ x̂ + vβ written. */
void l2l_batchnorm_forward_rop  (float              *rout,
                                 float              *rxhat,
                                 float              *rinv_std,
                                 const float        *rin,
                                 const float        *xhat,
                                 const float        *inv_std,
                                 const float        *gamma,
                                 const float        *vgamma,
                                 const float        *vbeta,
                                 const L2lBatchNorm *bn);
/* R(din) written along R(dout) and the forward's R; R(dgamma), R(dbeta) [C]
 * added to. */
void l2l_batchnorm_backward_rop (float              *rdin,
                                 float              *rdgamma,
                                 float              *rdbeta,
                                 const float        *dout,
                                 const float        *rdout,
                                 const float        *xhat,
                                 const float        *rxhat,
                                 const float        *inv_std,
                                 const float        *rinv_std,
                                 const float        *gamma,
                                 const float        *vgamma,
                                 const L2lBatchNorm *bn);

G_END_DECLS
