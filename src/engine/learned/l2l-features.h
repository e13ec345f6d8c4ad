/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The per-coordinate inputs of a learned optimizer: at step t each coordinate
 * i of θ gets a column of features computed from ∇_t, θ_t and running state,
 * chosen by a list such as "logsign,grad-rms,momentum:0.9,theta,step". Rows
 * come in the list's order:
 *
 *   grad           1 row   ∇_t as it is (the paper's "no preprocessing")
 *   logsign[:p=P]  2 rows  (log|∇|/p, sign ∇) if |∇| ≥ e^−p, else (−1, e^p ∇);
 *                          P = 10 unless given, 0 < P ≤ 80 (e^p stays finite
 *                          in float). Exactly the LSTM's preprocessing.
 *   grad-rms       1 row   ∇_t / (√v̂_t + ε)
 *   momentum:B     1 row   m̂_t / (√v̂_t + ε), m_t = B m_t−1 + (1 − B) ∇_t,
 *                          m̂_t = m_t / (1 − B^t), 0 < B < 1
 *   theta          1 row   θ_t
 *   step           7 rows  tanh (t/τ − 1) for τ = 1, 3, 10, 30, 100, 300, 1000
 *
 * with v_t = β₂ v_t−1 + (1 − β₂) ∇_t², v̂_t = v_t / (1 − β₂^t), β₂ = 0.999,
 * ε = 1e-8: one RMS shared by every feature that needs it, as Adam's. The
 * step t counts from 1 at a run's first step, when the state is all zero.
 *
 * The step embedding: each row rises from about −0.76 while t ≪ τ through 0
 * at t = τ to 0.96 at 3τ, so together the rows say how old the run is on a
 * log scale, from its first steps to ten times the paper's horizon of
 * T = 100, without leaving (−1, 1). It is the tanh embedding of
 * google/learned_optimization's per-parameter MLP (mlp_lopt.py, timescales 1
 * to 10^5, its step counted from 0), cut at 1000.
 *
 * Sources. Andrychowicz et al. 2016, "Learning to learn by gradient descent by
 * gradient descent", Appendix A: the logsign preprocessing. Lv et al. 2017,
 * "Learning Gradient Descent: Better Generalization and Longer Horizons"
 * (RNNprop): the gradient and its momentum, each divided by the RMS, as Adam's
 * m̂/√v̂, so that the net sees inputs of a fixed scale. Wichrowska et al. 2017,
 * "Learned Optimizers that Scale and Generalize": momenta at several
 * timescales, scaled by a running RMS. Metz et al. 2019, "Understanding and
 * correcting pathologies in the training of learned optimizers", as
 * google/learned_optimization implements it: momenta at decays from 0.1 to
 * 0.9999 and θ itself as inputs of a per-coordinate MLP, with the step
 * embedding above. Here every momentum is divided by the shared
 * per-coordinate RMS rather than by a second moment over the whole tensor.
 *
 * State. Per coordinate, feature-major [state_rows × N] floats that the caller
 * owns: row 0 holds v when grad-rms or a momentum is in the list, then one row
 * m per momentum in the list's order. A run starts from zeros. */

#define L2L_FEATURES_MAX 16

typedef enum {
  L2L_FEATURE_GRAD,
  L2L_FEATURE_LOGSIGN,    /* parameter p */
  L2L_FEATURE_GRAD_RMS,
  L2L_FEATURE_MOMENTUM,   /* parameter β */
  L2L_FEATURE_THETA,
  L2L_FEATURE_STEP,
} L2lFeatureKind;

/* A parsed list; plain data, copied by assignment. */
typedef struct {
  guint          n_features;
  L2lFeatureKind kinds[L2L_FEATURES_MAX];
  double         params[L2L_FEATURES_MAX];   /* p, β; 0 for the others */
} L2lFeatureSet;

/* Up to L2L_FEATURES_MAX names separated by commas, none twice (momenta
 * differ by β, logsigns by p). */
gboolean  l2l_feature_set_parse       (const char          *text,
                                       L2lFeatureSet       *set,
                                       GError             **error);
/* Canonical text, every parameter spelled out ("logsign:p=10"), that parses
 * back to the same set: what a checkpoint records. */
char     *l2l_feature_set_to_string   (const L2lFeatureSet *set);
gboolean  l2l_feature_set_equal       (const L2lFeatureSet *a,
                                       const L2lFeatureSet *b);
guint     l2l_feature_set_rows        (const L2lFeatureSet *set);
guint     l2l_feature_set_state_rows  (const L2lFeatureSet *set);
gboolean  l2l_feature_set_needs_theta (const L2lFeatureSet *set);
/* The rows of the first feature of @kind: how many (0 where none) and, in
 * @first_row, where they start. */
guint     l2l_feature_set_find        (const L2lFeatureSet *set,
                                       L2lFeatureKind       kind,
                                       guint               *first_row);

/* Step @t (≥ 1) for N coordinates: features [rows × N] into @x, row stride
 * @ldx ≥ @n (so that they can go straight into a larger input block), and the
 * new state into @state_next. @state_next may be @state_prev for a run that
 * keeps no history; no other buffers overlap. @theta may be NULL where θ is
 * not a feature, both states where the state has no rows. Allocates nothing. */
void      l2l_features_forward        (const L2lFeatureSet *set,
                                       guint64              t,
                                       const float         *grad,          /* [N] */
                                       const float         *theta,         /* [N] */
                                       const float         *state_prev,    /* [state_rows × N] */
                                       float               *state_next,    /* [state_rows × N] */
                                       float               *x,             /* [rows × ldx] */
                                       gsize                ldx,
                                       gsize                n);

/* Back through step @t, for backpropagation through time: from ∂L/∂x (@dx,
 * row stride @ldx) and ∂L/∂state_next (@dstate_next) to ∂L/∂∇_t (@dgrad),
 * ∂L/∂θ_t (@dtheta: x's θ row, zeros where θ is not a feature; may then be
 * NULL) and ∂L/∂state_prev (@dstate_prev, which may be @dstate_next itself;
 * no other buffers overlap). All three are overwritten. @grad and @state_prev
 * are what the forward saw.
 * The derivative is that of the float forward; where v̂ is exactly 0 (only
 * zero gradients so far) √ has none, and 0 is taken.
 *
 * Meta-training that drops second derivatives, as the paper does, treats ∇_t
 * as a constant: nothing flows through the gradient features or the state,
 * and only θ's row, which is ∂L/∂θ_t as it stands, needs reading; this is for
 * the runs that keep them. */
void      l2l_features_backward       (const L2lFeatureSet *set,
                                       guint64              t,
                                       const float         *grad,          /* [N] */
                                       const float         *state_prev,    /* [state_rows × N] */
                                       const float         *dx,            /* [rows × ldx] */
                                       gsize                ldx,
                                       const float         *dstate_next,   /* [state_rows × N] */
                                       float               *dgrad,         /* [N] */
                                       float               *dtheta,        /* [N] */
                                       float               *dstate_prev,   /* [state_rows × N] */
                                       gsize                n);

G_END_DECLS
