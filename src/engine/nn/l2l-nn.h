/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Layer kernels as forward/backward pairs over a batch of @rows rows, row-major.
 * Outputs come first. A backward pass writes the gradient with respect to its
 * input and adds (+=) into the gradients of its parameters, so a caller zeroes
 * those once. The *_ref versions are plain loops with the same contract (and
 * the same function type), kept to check the fast ones against. */

/* out [rows × n_out] = in [rows × n_in] · weightᵀ + bias; weight [n_out × n_in]
 * as torch.nn.Linear holds it. @bias (and backward's @dbias) may be NULL: a
 * layer without bias, as before batch normalization. */
typedef void L2lLinearForwardFunc  (float       *out,
                                    const float *in,
                                    const float *weight,
                                    const float *bias,
                                    gsize        rows,
                                    gsize        n_in,
                                    gsize        n_out);
/* dweight [n_out × n_in] += doutᵀ · in; dbias [n_out] += Σ_rows dout;
 * din [rows × n_in] = dout · weight; each unless NULL. */
typedef void L2lLinearBackwardFunc (float       *din,
                                    float       *dweight,
                                    float       *dbias,
                                    const float *dout,
                                    const float *in,
                                    const float *weight,
                                    gsize        rows,
                                    gsize        n_in,
                                    gsize        n_out);
L2lLinearForwardFunc  l2l_linear_forward;
L2lLinearBackwardFunc l2l_linear_backward;
L2lLinearForwardFunc  l2l_linear_forward_ref;
L2lLinearBackwardFunc l2l_linear_backward_ref;
/* out [rows × n_out] += in [rows × n_in] · weightᵀ: a layer's share of a sum,
 * as the R-operator's passes need. */
void l2l_linear_accumulate (float       *out,
                            const float *in,
                            const float *weight,
                            gsize        rows,
                            gsize        n_in,
                            gsize        n_out);

/* Elementwise over @n values; @out may be @in. Backward takes the forward's
 * output and writes din = dout · slope (@din may be @dout). */
typedef void L2lActivationForwardFunc  (float       *out,
                                        const float *in,
                                        gsize        n);
typedef void L2lActivationBackwardFunc (float       *din,
                                        const float *out,
                                        const float *dout,
                                        gsize        n);
L2lActivationForwardFunc  l2l_sigmoid_forward;
L2lActivationBackwardFunc l2l_sigmoid_backward;
L2lActivationForwardFunc  l2l_relu_forward;
L2lActivationBackwardFunc l2l_relu_backward;

/* The mean over rows of −log softmax(logits)[label], logits [rows × classes],
 * in double. Its gradient with respect to the logits goes to @dlogits
 * [rows × classes] unless NULL: (softmax − one-hot) / rows. */
double l2l_softmax_xent        (float        *dlogits,
                                const float  *logits,
                                const guint8 *labels,
                                gsize         rows,
                                gsize         classes);

/* The directional derivative of l2l_softmax_xent's @dlogits along @rlogits
 * (the R-operator, Pearlmutter 1994): with p = softmax(logits) per row,
 * rdlogits = (p ⊙ rlogits − p · (pᵀ rlogits)) / rows. For Hessian-vector
 * products. */
void   l2l_softmax_xent_rop    (float        *rdlogits,
                                const float  *logits,
                                const float  *rlogits,
                                gsize         rows,
                                gsize         classes);

G_END_DECLS
