/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-cluster.h"
#include "l2l-rule-unroll.h"
#include "l2l-meta-train.h"
#include "l2l-optimizer.h"
#include "l2l-parallel.h"

G_BEGIN_DECLS

/* The functions of an epoch are split into this many shards (fewer when the
 * batch is smaller) whatever the thread count; the shards' meta-gradients are
 * added in shard order, so results do not depend on the thread count. */
#define L2L_TRAIN_SHARDS 16

typedef struct {
  L2lTrainer     *trainer;
  guint           first;        /* functions [first, first + count) of the batch */
  guint           count;
  gsize           n;            /* count × n_params coordinates */
  L2lProblem    **problems;
  float          *theta;        /* [n] */
  float          *grads;        /* [(K + 1) × n]: ∇ at each θ of the unroll */
  float          *update;       /* [n] */
  float          *dupdate;      /* [K × n]: ∂L/∂g_s, then, once step s is back-
                                   propagated, ∂L/∂θ_s less its own loss's term */
  double         *losses;       /* [K × count]: f of each function after each step */
  /* Second-order meta-gradients only, else NULL: */
  float          *thetas;       /* [(K + 1) × n]: θ where each of grads was taken */
  L2lProblemMark *marks;        /* [(K + 1) × count]: each function's minibatch
                                   stream before the loss_grad of each grads row */
  L2lProblemMark *resume_marks; /* [count]: where the streams stood after the forward pass */
  float          *dinput;       /* [n]: ∂L/∂∇_s of the step being backpropagated */
  float          *scratch;      /* [n_params]: the gradient a minibatch replay recomputes */
  float          *dtheta;       /* [n]: ∂L/∂θ_s through θ as a feature, where it is one */
  /* Evolution strategies only, else NULL: */
  L2lRule        *es_rule;      /* the shard's own φ, which the perturbations move */
  float          *es_theta;     /* [n]: θ at the unroll's start */
  L2lProblemMark *es_marks;     /* [count]: the minibatch streams at the unroll's start */
  float          *es_noise;     /* [P]: a pair's direction ε */
  float          *es_dphi;      /* [P]: the unroll's estimate of ∂L/∂φ */
  L2lRuleUnroll  *unroll;       /* over trainer->net, or es_rule */
  guint           epoch;
  guint           horizon;      /* of the epoch */
  guint           lead;         /* unrolls its functions ran before the epoch's
                                   first (config.stagger), else 0 */
  guint           t0;           /* the steps [t0, t0 + k) the unroll runs now */
  guint           k;
  double          meta_loss;    /* this epoch's share of Σ w_t f_t, as reported */
  double          objective;    /* and of what φ follows (the same, or the logs) */
  gboolean        diverged;
} Shard;

struct _L2lTrainer {
  L2lTrainConfig  config;
  char           *weights_spec;
  L2lLossWeights *weights;
  L2lRule        *net;
  L2lRule        *best;
  L2lRule        *average;      /* φ̄ with config.average, else NULL */
  double          best_eval_loss;
  guint           best_epoch;
  L2lOptimizer   *adam;
  guint           epoch;
  GArray         *history;      /* L2lTrainRecord */
  double          elapsed;
  double          eval_elapsed; /* of it, in held-out evaluations */

  Shard          *shards;       /* [n_shards]; this rank's allocated when first used */
  guint           n_shards;
  gboolean        shards_ready;
  guint           own_first;    /* the shards [own_first, own_last) this rank runs */
  guint           own_last;
  float          *shard_dphi;   /* [n_shards × P]: each shard's meta-gradient */
  double         *shard_sums;   /* [n_shards × 3]: meta-loss, objective, diverged */
  L2lCluster     *cluster;
  float          *dphi;         /* [P] */
  float          *snapshot;     /* [4P]: φ, exp_avg, exp_avg_sq, φ̄ at the epoch's start */
  float          *eval_theta;   /* [eval_runs × n]: each held-out function's last θ */
  guint64         snapshot_step;
  guint           unroll_start; /* the unroll the shards run now */
  double          weight_sum;   /* Σ w_t over this epoch's horizon */
  double          imitate_first; /* the warm start's error in its first and last */
  double          imitate_last;  /* epoch, NaN where it did not run here */

  L2lParallel    *parallel;
};

/* The horizon and meta learning rate of epoch @epoch (1-based) under the
 * config's curriculum and schedule. */
guint       _l2l_train_epoch_horizon  (const L2lTrainConfig *config,
                                       guint                 epoch);
double      _l2l_train_epoch_meta_lr  (const L2lTrainConfig *config,
                                       guint                 epoch);

/* torch.nn.utils.clip_grad_norm_ on @grad [n]; FALSE when its norm is not finite. */
gboolean    _l2l_train_clip_gradient  (float                *grad,
                                       gsize                 n,
                                       double                max_norm);
/* φ̄ after a meta-step of φ. */
void        _l2l_trainer_update_average (L2lTrainer         *trainer);

/* Fresh functions for epoch @epoch of @horizon steps in this rank's shards,
 * allocated at first use; with config.stagger, shard i's functions first run
 * the lead of its stagger. */
void        _l2l_trainer_begin_shards (L2lTrainer           *trainer,
                                       guint                 epoch,
                                       guint                 horizon);
/* One unroll: the epoch's from trainer->unroll_start, to the horizon or for
 * config.unroll steps, each shard at its own phase with config.stagger. */
void        _l2l_trainer_run_shards   (L2lTrainer           *trainer);
void        _l2l_trainer_free_shards  (L2lTrainer           *trainer);
/* The unroll's meta-gradient [P], the same bits for any number of threads or ranks. */
void        _l2l_trainer_reduce_gradient (L2lTrainer        *trainer,
                                          float             *dphi);
/* [n_shards × 3]: each shard's meta-loss, objective and divergence, on every rank. */
const double *_l2l_trainer_gather_sums (L2lTrainer          *trainer);

/* The warm start of config.imitate: @rule's φ fitted to the teacher's
 * updates for config.imitate_epochs epochs of config.batch training
 * functions (l2l-imitate.c). FALSE when cancelled, φ then as it was; the
 * relative squared error of the first and last epoch otherwise. */
gboolean    _l2l_imitate              (L2lRule              *rule,
                                       const L2lTrainConfig *config,
                                       GCancellable         *cancellable,
                                       double               *first_error,
                                       double               *last_error);

/* Takes ownership of @net as the current φ; best φ starts as a copy. */
L2lTrainer *_l2l_trainer_alloc        (const L2lTrainConfig *config,
                                       L2lRule              *net);

G_END_DECLS
