/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-feature-net.h"

G_BEGIN_DECLS

/* The neural-art objective (the paper's Figure 8; ARCHITECTURE §3's art
 * family): for an image θ [3 × H × W] in [0, 1] (never clamped here),
 *   f(θ) = α · mean (F_L(θ) − F_L(c))² + β · Σ_l Σ_ij (G_l(θ) − G_l(s))² + γ · TV(θ)
 * with F_l the feature net's ReLU outputs, L the content layer, G_l = F_l F_lᵀ
 * / (C_l · H_l · W_l), c the content and s the style image (same size). */
typedef struct _L2lArtObjective L2lArtObjective;

typedef struct {
  double alpha, beta, gamma;
  guint  content_layer;
} L2lArtWeights;

L2lArtObjective *l2l_art_objective_new  (L2lFeatureNet        *net,
                                         const float          *content,
                                         const float          *style,
                                         guint                 height,
                                         guint                 width,
                                         const L2lArtWeights  *weights,
                                         GError              **error);
void             l2l_art_objective_free (L2lArtObjective *objective);

/* f(θ), and ∂f/∂θ into @grad [3 × H × W] unless NULL; @terms (unless NULL)
 * receives the content, style and smoothness terms before weighting. */
double           l2l_art_objective_eval (L2lArtObjective *objective,
                                         const float     *image,
                                         float           *grad,
                                         double          *terms);
/* A team the feature network's convolutions share their rows out to
 * (borrowed; NULL: the calling thread alone); no result changes. */
void             l2l_art_objective_set_parallel (L2lArtObjective *objective,
                                                 L2lParallel     *parallel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lArtObjective, l2l_art_objective_free)

G_END_DECLS
