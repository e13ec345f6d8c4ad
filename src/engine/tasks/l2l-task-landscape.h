/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* Two-coordinate landscapes, to watch optimizers move (`fn=`):
 *   rosenbrock  (a − x)² + b (y − x²)²
 *   beale       (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²
 *   himmelblau  (x² + y − 11)² + (x + y² − 7)²
 *   rastrigin   20 + x² + y² − 10 (cos 2πx + cos 2πy)
 *   quadratic   ½ (kappa u² + v²), (u, v) the point rotated by −angle degrees
 *   random      per seed, a rotated quadratic with kappa in [1, 100] or a
 *               shifted, scaled Rosenbrock, from a start of its own: for
 *               meta-training
 * Every problem starts at `start=X,Y` (empty: the function's classic start)
 * and, with `noise=S`, has N(0, S²) noise added to each gradient from the
 * problem's seed. Gradients and Hessian-vector products are exact. */
extern const L2lTaskFamily l2l_task_landscape_family;

/* The value, gradient [2] and Hessian [2 × 2] of function @fn ("rosenbrock",
 * …, not "random") with the family's default options at (@x, @y), in double
 * precision: for tests and for contour plots. FALSE for an unknown name. */
gboolean l2l_landscape_evaluate (const char *fn,
                                 double      x,
                                 double      y,
                                 double     *value,
                                 double     *grad,
                                 double     *hessian);

/* Where a landscape task's function has its minima ([x, y] pairs into @xy,
 * at most @max): none for fn=random (each function has its own) or another
 * family. */
guint    l2l_landscape_get_minima (const L2lTask *task,
                                   double        *xy,
                                   guint          max);
/* The same for one drawn function (fn=random's too); none for a problem of
 * another family. */
guint    l2l_landscape_problem_get_minima (const L2lProblem *problem,
                                           double           *xy,
                                           guint             max);

G_END_DECLS
