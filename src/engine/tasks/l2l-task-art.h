/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* Neural style transfer (the paper's Figures 8 and 9): θ is an image
 * [3 × size × size] and f the objective of l2l-art-objective.h. Options:
 * content (an image, or a folder whose PNG and JPEG files are drawn from;
 * empty: the shipped training photos), held-out (the same for comparisons
 * and evaluations; empty: the shipped held-out photos when content is the
 * default, else the content), style (empty: the shipped Starry Night), size,
 * alpha, beta, gamma, content-layer, init (content or noise) and net (a
 * feature net; empty: the shipped InceptionV3 stem).
 *
 * With several images each function draws one and a random square crop of
 * between half and all of its shorter side, resized to size × size, all from
 * its seed; with one, every function uses its centred square. */
extern const L2lTaskFamily l2l_task_art_family;

/* Styling one photo (l2l art, the app's Neural art page) works at a larger
 * size than the family's default, which keeps meta-training cheap, for as
 * many steps. */
#define L2L_ART_STYLE_SIZE  128
#define L2L_ART_STYLE_STEPS 128

/* For front ends that show or save the images of a problem of this family:
 * its content and style, [3 × size × size] each, and the side. NULL for
 * problems of other families. */
const float *l2l_art_problem_get_content (L2lProblem *problem);
const float *l2l_art_problem_get_style   (L2lProblem *problem);
guint        l2l_art_problem_get_size    (L2lProblem *problem);

G_END_DECLS
