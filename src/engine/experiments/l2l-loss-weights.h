/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The weights w_t of L(φ) = E_f Σ_{t=1..T} w_t f(θ_t). Schemes:
 *   uniform   w_t = 1 (the paper)
 *   linear    w_t = t, a ramp that favours late steps
 *   exp:γ     w_t = γ^(T−t); γ < 1 favours late steps, γ > 1 early ones
 *   final     only w_T = 1
 * or a list of T numbers ≥ 0, not all 0. The trainer divides by Σ w_t, so the
 * meta-loss is a weighted mean loss whatever the scheme's scale. */
typedef struct {
  char   *spec;      /* the scheme as given, or "list" */
  guint   steps;
  double *values;    /* [steps], values[t − 1] = w_t */
  double  sum;
} L2lLossWeights;

L2lLossWeights *l2l_loss_weights_new  (const char  *spec,
                                       guint        steps,
                                       GError     **error);
void            l2l_loss_weights_free (L2lLossWeights *weights);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lLossWeights, l2l_loss_weights_free)

G_END_DECLS
