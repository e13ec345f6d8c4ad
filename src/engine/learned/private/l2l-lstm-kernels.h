/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Elementwise parts of the LSTM over N coordinates. Every buffer is
 * feature-major, [features × N], so each loop runs along N and vectorizes.
 * The gate block holds i, f, g, o (H rows each), as torch.nn.LSTMCell. */

/* In place, pre-activations → activations; then c = f⊙c_prev + i⊙g,
 * tanh_c = tanh c, h = o⊙tanh_c (@h has row stride @n). */
void  l2l_lstm_cell_forward  (float       *gates,     /* [4H × N] */
                              const float *c_prev,    /* [H × N] */
                              float       *c,         /* [H × N] */
                              float       *tanh_c,    /* [H × N] */
                              float       *h,         /* [H × N] */
                              gsize        n,
                              guint        hidden);

/* From dh (total gradient on h) and dc (on c, from the next step; replaced by
 * the gradient on c_prev) to the gate pre-activation gradients. */
void  l2l_lstm_cell_backward (float       *dgates,    /* [4H × N] out */
                              float       *dc,        /* [H × N] in/out */
                              const float *dh,        /* [H × N] */
                              const float *gates,     /* activations [4H × N] */
                              const float *c_prev,
                              const float *tanh_c,
                              gsize        n,
                              guint        hidden);

/* The kernels' fast activations one scalar at a time, for tests against libm. */
float l2l_lstm_sigmoid       (float x);
float l2l_lstm_tanh          (float x);

G_END_DECLS
