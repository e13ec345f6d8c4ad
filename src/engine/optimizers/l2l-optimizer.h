/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An optimizer proposes θ ← θ + g from ∇f(θ), coordinatewise, over n
 * coordinates fixed at creation. Every rule here is coordinatewise, so the
 * engine may step the coordinates of many independent problems as one vector. */
typedef struct _L2lOptimizer L2lOptimizer;

typedef struct {
  void (*reset) (L2lOptimizer *optimizer);
  void (*step)  (L2lOptimizer *optimizer, float *theta, const float *grad);
  void (*free)  (L2lOptimizer *optimizer);
} L2lOptimizerClass;

struct _L2lOptimizer {
  const L2lOptimizerClass *klass;
  gsize                    n;
};

/* The hand-written rules' hyper-parameters beyond the learning rate, as
 * torch.optim names them; each rule reads its own. */
typedef struct {
  double momentum;   /* SGD (default 0) and NAG (0.9, Nesterov) */
  double beta1;      /* Adam (0.9) */
  double beta2;      /* Adam (0.999) */
  double alpha;      /* RMSprop (0.99) */
} L2lHyper;

/* A hand-written rule, with torch.optim semantics and defaults. */
typedef struct _L2lOptimizerInfo L2lOptimizerInfo;
struct _L2lOptimizerInfo {
  const char    *name;
  const char    *description;
  double         default_lr;
  /* @hyper NULL: torch.optim's defaults */
  L2lOptimizer *(*create) (gsize n, double lr, const L2lHyper *hyper);
};

extern const L2lOptimizerInfo l2l_optimizer_sgd;
extern const L2lOptimizerInfo l2l_optimizer_nag;
extern const L2lOptimizerInfo l2l_optimizer_rmsprop;
extern const L2lOptimizerInfo l2l_optimizer_adam;

const L2lOptimizerInfo *const *l2l_optimizer_infos       (void);  /* NULL-terminated */

/* Changes Adam's learning rate between steps (a meta learning rate schedule). */
void l2l_adam_set_lr    (L2lOptimizer  *adam,
                         double         lr);
/* Adam's state, to save and restore a meta-optimizer: exp_avg and exp_avg_sq
 * [n] and the step count, as torch.optim.Adam's state_dict has them. */
void l2l_adam_get_state (L2lOptimizer  *adam,
                         float        **exp_avg,
                         float        **exp_avg_sq,
                         guint64      **step);
const L2lOptimizerInfo        *l2l_optimizer_info_lookup (const char *name);
/* torch.optim's defaults for @info. */
void                           l2l_hyper_init_defaults   (L2lHyper               *hyper,
                                                          const L2lOptimizerInfo *info);
/* The hyper-parameters @info reads besides the rate, by torch.optim's names
 * ("momentum"; "beta1", "beta2"; "alpha"), and their values in @hyper: how
 * many (at most L2L_HYPER_MAX). */
#define L2L_HYPER_MAX 2
guint                          l2l_hyper_list            (const L2lOptimizerInfo *info,
                                                          const L2lHyper         *hyper,
                                                          const char            **names,
                                                          double                 *values);
/* Sets @name (one that @info reads) to @value in [0, 1); errors say which
 * names @info has, or the range. */
gboolean                       l2l_hyper_set             (const L2lOptimizerInfo *info,
                                                          L2lHyper               *hyper,
                                                          const char             *name,
                                                          double                  value,
                                                          GError                **error);

void l2l_optimizer_reset (L2lOptimizer *optimizer);
void l2l_optimizer_step  (L2lOptimizer *optimizer,
                          float        *theta,
                          const float  *grad);
void l2l_optimizer_free  (L2lOptimizer *optimizer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lOptimizer, l2l_optimizer_free)

G_END_DECLS
