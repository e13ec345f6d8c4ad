/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* f(θ) = ‖Wθ − y‖² (no ½), ∇f = 2Wᵀ(Wθ − y). The family draws W [dims × dims]
 * and y [dims] from N(0,1) or U[0,1), and θ0 ~ N(0, theta0-std²). */
extern const L2lTaskFamily l2l_task_quadratic_family;

/* One fixed problem from JSON {"W": [[…]], "y": […], "theta0": […]}: every
 * sample is that problem. W may be m × n; y has m entries and theta0 n. */
L2lTask *l2l_task_quadratic_new_from_file (const char  *path,
                                           GError     **error);

G_END_DECLS
