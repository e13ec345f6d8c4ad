/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-loss-weights.h"
#include "l2l-cluster.h"
#include "l2l-file.h"
#include "l2l-lstm.h"
#include "l2l-optimizer.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* How the meta learning rate moves over the epochs. */
typedef enum {
  L2L_META_LR_CONSTANT,
  L2L_META_LR_COSINE,     /* from meta_lr down to meta_lr / 100 at the target epoch */
} L2lMetaLrSchedule;

/* How the meta-gradient treats ∇f(θ_t), the optimizer's input. */
typedef enum {
  L2L_META_GRADIENT_FIRST_ORDER,   /* the paper: a constant, its second derivatives
                                      dropped (∂∇_t/∂θ_t = 0) */
  L2L_META_GRADIENT_SECOND_ORDER,  /* a function of θ_t: the backward pass adds
                                      H_t ∂L/∂∇_t through the task's
                                      Hessian-vector products (unbiased) */
  L2L_META_GRADIENT_ES,            /* no derivatives: antithetic evolution
                                      strategies over φ on each unroll (Metz et
                                      al. 2019), the true objective's gradient
                                      smoothed at scale es_sigma */
} L2lMetaGradient;

/* What the held-out evaluations score φ by, and so which φ is kept. */
typedef enum {
  L2L_KEEP_MEAN,    /* the meta-loss: the w_t-weighted mean loss over the steps (the paper) */
  L2L_KEEP_FINAL,   /* the mean loss at the horizon, as comparisons report it */
} L2lKeep;

/* Meta-training (ARCHITECTURE §1, §3): every epoch draws @batch fresh functions,
 * runs them for @steps steps in unrolls of @unroll steps with the LSTM, and
 * after each unroll takes one Adam step on φ along the gradient of
 *   L = (1/batch) Σ_f Σ_t w_t f(θ_t) / Σ_t w_t
 * over that unroll's steps (truncated BPTT; ∇ as a constant unless
 * @meta_gradient keeps its second derivatives). Before the
 * first epoch and after every @eval_every-th, φ is scored by the same L on
 * @eval_runs held-out functions; the best φ so far is kept (the paper's early
 * stopping). */
typedef struct {
  L2lTask       *task;
  L2lRuleConfig  rule;
  guint          batch;        /* functions per epoch (128) */
  guint          steps;        /* horizon T (100) */
  guint          unroll;       /* K (20) */
  const char    *weights;      /* w_t scheme or list ("uniform") */
  double         meta_lr;      /* Adam on φ (1e-3) */
  double         clip_norm;    /* gradient-norm clipping (1); 0 turns it off */
  guint          epochs;       /* 1000 */
  guint          eval_every;   /* 10 */
  guint          eval_runs;    /* 100 */
  guint64        seed;
  guint          threads;      /* 1 to L2L_MAX_THREADS (default: the cores);
                                  results do not depend on it */
  /* Recipes beyond the paper's (README, MNIST ablation): */
  L2lMetaLrSchedule meta_lr_schedule;
  double         scale_range;  /* each training function seen through random units
                                  c_i ∈ [1/R, R] (Lv et al. 2017); 1: off */
  guint          curriculum;   /* stages of a growing horizon (Chen et al. 2020):
                                  stage s of N trains on the first ⌈(s+1)T/N⌉ steps,
                                  rounded up to whole unrolls; 0: off */
  double         average;      /* decay β of a moving average of φ over meta-steps
                                  (Polyak averaging), which is then what is scored
                                  and kept; 0: off */
  gboolean       log_objective; /* follow the gradient of Σ w_t log f_t instead of
                                  Σ w_t f_t: every step's improvement counts by its
                                  ratio, and a blow-up no more than a gain */
  L2lMetaGradient meta_gradient; /* first-order (the paper) or second-order,
                                  which needs a task with Hessian-vector
                                  products (quadratic, mnist) and costs about
                                  three more gradient evaluations a step,
                                  or es */
  const L2lOptimizerInfo *imitate; /* a warm start: before the first epoch, φ
                                  fitted to this hand-written rule's updates
                                  on training functions (Open-L2O); NULL: off */
  double         imitate_lr;   /* its learning rate (torch.optim's defaults for
                                  the rest) */
  guint          imitate_epochs; /* epochs of it (50) */
  guint          es_pairs;     /* es: antithetic pairs per unroll (8) */
  double         es_sigma;     /* es: the perturbations' standard deviation (0.01) */
  L2lKeep        keep;         /* what held-out evaluations score: mean or final */
  gboolean       stagger;      /* the epoch's shards start their functions at
                                  staggered steps, whole unrolls apart, so every
                                  meta-step sees several phases of the horizon
                                  (Metz et al. 2019); each shard runs the first
                                  steps again with the current φ, without a
                                  meta-gradient. Nothing to stagger when K = T */
  gboolean       zero_output;  /* start from the optimizer that does nothing: the
                                  output layer at zero instead of random */
  gboolean       per_group;    /* one LSTM per parameter group of the task (the
                                  paper's Figure 7): l2l_trainer_new sets
                                  lstm.groups to the task's; a one-group task
                                  has one LSTM either way */
} L2lTrainConfig;

/* "none", or a hand-written optimizer and its learning rate: "adam=0.01". */
gboolean     l2l_imitate_from_string          (const char              *text,
                                               const L2lOptimizerInfo **teacher,
                                               double                  *lr);
char        *l2l_imitate_to_string            (const L2lOptimizerInfo  *teacher,
                                               double                   lr);
/* "constant" or "cosine". */
gboolean     l2l_meta_lr_schedule_from_string (const char        *text,
                                               L2lMetaLrSchedule *schedule);
const char  *l2l_meta_lr_schedule_to_string   (L2lMetaLrSchedule  schedule);
/* "mean" or "final". */
gboolean     l2l_keep_from_string             (const char        *text,
                                               L2lKeep           *keep);
const char  *l2l_keep_to_string               (L2lKeep            keep);
/* "first-order" or "second-order". */
gboolean     l2l_meta_gradient_from_string    (const char        *text,
                                               L2lMetaGradient   *meta_gradient);
const char  *l2l_meta_gradient_to_string      (L2lMetaGradient    meta_gradient);

#define L2L_TRAIN_MAX_EPOCHS  1000000000

typedef struct _L2lTrainer L2lTrainer;

/* One finished epoch. eval_loss is NaN on epochs without evaluation. */
typedef struct {
  guint  epoch;          /* 1-based; 0 is the untrained net's evaluation */
  double meta_loss;
  double eval_loss;
  double seconds;        /* wall time of the epoch, evaluation included */
} L2lTrainRecord;

typedef struct {
  const L2lTrainRecord *record;
  guint                 epochs;           /* the target */
  double                best_eval_loss;
  guint                 best_epoch;
  gboolean              improved;         /* this epoch's evaluation is the new best */
  double                elapsed;          /* training wall time so far, across resumes */
  /* On epochs with an evaluation: θ of its first held-out function after the
   * last step, [n_params] (valid during the call only), e.g. the image φ
   * painted; else NULL. */
  const float          *eval_theta;
} L2lTrainProgress;

typedef void (*L2lTrainProgressFunc) (L2lTrainer             *trainer,
                                      const L2lTrainProgress *progress,
                                      gpointer                user_data);

void         l2l_train_config_init_defaults (L2lTrainConfig *config);
/* Takes the LSTM scaling and batch that @config->task's family (or @family)
 * suggests, where it has them. */
void         l2l_train_config_use_task_defaults   (L2lTrainConfig      *config);
void         l2l_train_config_use_family_defaults (L2lTrainConfig      *config,
                                                   const L2lTaskFamily *family);
/* Every rule that needs no task (ranges, K ≤ T, w_t): what a front end checks
 * as the user types. Validation adds the task and the memory it needs. */
gboolean     l2l_train_config_check_settings (const L2lTrainConfig *config,
                                              GError              **error);
gboolean     l2l_train_config_validate      (const L2lTrainConfig *config,
                                             GError              **error);

L2lTrainer  *l2l_trainer_new              (const L2lTrainConfig *config,
                                           GError              **error);
/* Restores everything a resume file holds: config, φ, Adam, best φ, history.
 * Training on from it gives the curve an uninterrupted run would. */
L2lTrainer  *l2l_trainer_new_from_resume  (const char  *path,
                                           GError     **error);
void         l2l_trainer_free             (L2lTrainer *trainer);

/* A resumed trainer may be given a new target, and a new thread count. */
gboolean     l2l_trainer_set_epochs       (L2lTrainer  *trainer,
                                           guint        epochs,
                                           GError     **error);
/* Shares the work with the other ranks of @cluster (NULL: none), before
 * the trainer runs, on every rank: each runs its shards and its share of
 * each evaluation, and φ comes out the same bits for any number of ranks. */
void         l2l_trainer_set_cluster      (L2lTrainer  *trainer,
                                           L2lCluster  *cluster);
gboolean     l2l_trainer_set_threads      (L2lTrainer  *trainer,
                                           guint        threads,
                                           GError     **error);

/* Trains until the target epoch. Cancelling stops after the current unroll
 * and rolls back to the last finished epoch, so that what is saved is whole. */
gboolean     l2l_trainer_run              (L2lTrainer           *trainer,
                                           L2lTrainProgressFunc  progress,
                                           gpointer              user_data,
                                           GCancellable         *cancellable,
                                           GError              **error);

const L2lTrainConfig *l2l_trainer_get_config  (L2lTrainer *trainer);
guint                 l2l_trainer_get_epoch   (L2lTrainer *trainer);
L2lRule              *l2l_trainer_get_net     (L2lTrainer *trainer);
/* The φ evaluations score: the moving average with config.average, else φ. */
L2lRule              *l2l_trainer_get_scored  (L2lTrainer *trainer);
L2lRule              *l2l_trainer_get_best    (L2lTrainer *trainer);
double                l2l_trainer_get_best_eval_loss (L2lTrainer *trainer);
/* The warm start's relative squared error in its last epoch, and in @first
 * its first; NaN where this trainer did not run one. */
double                l2l_trainer_get_imitation_error (L2lTrainer *trainer,
                                                       double     *first);
/* Training wall time across resumes, and of it the held-out evaluations'. */
double                l2l_trainer_get_elapsed (L2lTrainer *trainer,
                                               double     *eval_seconds);
/* [n] records: epoch 0's evaluation, then one per epoch. */
const L2lTrainRecord *l2l_trainer_get_history (L2lTrainer *trainer,
                                               guint      *n);
/* Scores @net with the training objective on the held-out functions; NaN
 * when cancelled. */
double                l2l_trainer_evaluate    (L2lTrainer   *trainer,
                                               L2lRule      *net,
                                               GCancellable *cancellable);

/* The first unroll of epoch @epoch's functions from the current φ: returns
 * its share of L (of Σ w_t log f_t with log_objective) and writes ∂/∂φ into @dphi [n_params], changing nothing.
 * The quantity that each Adam step follows, exposed for checking. */
double                l2l_trainer_unroll_gradient (L2lTrainer *trainer,
                                                   guint       epoch,
                                                   float      *dphi);
/* After φ was changed by hand (as l2l_trainer_get_net allows). */
void                  l2l_trainer_reload_net  (L2lTrainer *trainer);

/* The best φ as a checkpoint, with how it was made in the metadata. */
gboolean     l2l_trainer_save_best        (L2lTrainer  *trainer,
                                           const char  *path,
                                           GError     **error);
gboolean     l2l_trainer_save_resume      (L2lTrainer  *trainer,
                                           const char  *path,
                                           GError     **error);
/* The same, staged in @set to be written together with other files (the
 * history, the other one), so that a failure leaves them all as they were. */
gboolean     l2l_trainer_stage_best       (L2lTrainer  *trainer,
                                           L2lFileSet  *set,
                                           const char  *path,
                                           GError     **error);
gboolean     l2l_trainer_stage_resume     (L2lTrainer  *trainer,
                                           L2lFileSet  *set,
                                           const char  *path,
                                           GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lTrainer, l2l_trainer_free)

/* The curve of a meta-training as CSV "epoch,meta_loss,eval_loss,seconds";
 * empty fields where an epoch has no value (no evaluation; epoch 0 has no
 * meta-loss). */
char        *l2l_train_history_to_csv     (const L2lTrainRecord *history,
                                           guint                 n,
                                           gsize                *length);

G_END_DECLS
