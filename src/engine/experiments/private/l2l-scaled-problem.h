/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* Random scaling for meta-training (Lv et al. 2017, "Learning Gradient
 * Descent: Better Generalization and Longer Horizons"): the problem
 * g(θ) = f(c ⊙ θ), with each c_i = R^u, u ~ U[-1, 1) drawn from @seed, starts
 * at θ0 = θ0_f / c, so that it is f seen through other units; its gradient
 * c ⊙ ∇f(c ⊙ θ) is what an optimizer that depends on the scale would be
 * misled by. Takes @inner. */
L2lProblem *l2l_scaled_problem_new (L2lProblem *inner,
                                    guint64     seed,
                                    double      range);

G_END_DECLS
