/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-options.h"
#include "l2l-parallel.h"
#include "l2l-rng.h"

G_BEGIN_DECLS

/* A task family (ARCHITECTURE §3) draws optimizees ("problems") from seeds.
 * A task is immutable once made and may be shared between threads; a problem
 * belongs to one thread (it keeps scratch buffers and, for stochastic tasks,
 * the RNG of its minibatches). */
typedef struct _L2lTask L2lTask;
typedef struct _L2lTaskClass L2lTaskClass;
typedef struct _L2lProblem L2lProblem;
typedef struct _L2lProblemClass L2lProblemClass;

/* Where a problem's minibatch stream stands: rewinding to a mark makes the
 * next loss_grad draw the minibatch it drew after the mark was taken. */
typedef struct {
  L2lRng rng;
} L2lProblemMark;

struct _L2lProblemClass {
  void   (*init)      (L2lProblem *problem, float *theta);
  /* Loss of one minibatch at @theta, and its gradient into @grad [n_params].
   * Evaluations take it too, on problems of held-out seeds: every shipped
   * result was measured so, and a full held-out loss (ARCHITECTURE §3's
   * eval_loss) would change them. */
  double (*loss_grad) (L2lProblem *problem, const float *theta, float *grad);
  /* The Hessian of the loss at @theta times @v, into @out [n_params], on the
   * minibatch of the last loss_grad: what second-order meta-gradients need.
   * NULL where a family has none (art). */
  void   (*hvp)       (L2lProblem *problem, const float *theta, const float *v, float *out);
  /* NULL for a problem without minibatches, whose loss never changes: so that
   * a second-order meta-gradient can take each step's Hessian on that step's
   * minibatch again in its backward pass. A family with minibatches and hvp
   * must have them, or those Hessians are taken on the wrong minibatch. */
  void   (*mark)      (L2lProblem *problem, L2lProblemMark *mark);
  void   (*rewind)    (L2lProblem *problem, const L2lProblemMark *mark);
  void   (*free)      (L2lProblem *problem);
};

struct _L2lProblem {
  const L2lProblemClass *klass;
  gsize                  n_params;
  /* A team a family may share one loss_grad's work out to (borrowed; NULL:
   * the calling thread alone). It changes no result, and must not be a team
   * whose items are themselves running this problem. */
  L2lParallel           *parallel;
};

struct _L2lTaskClass {
  L2lProblem *(*sample)          (L2lTask *task, guint64 seed);
  /* A problem for testing (comparisons, meta-training's evaluations), where a
   * family keeps data that training never sees; NULL: the same as sample. */
  L2lProblem *(*sample_held_out) (L2lTask *task, guint64 seed);
  void        (*finalize)        (L2lTask *task);
};

/* A named, contiguous range of θ's coordinates that one LSTM may serve
 * (ARCHITECTURE §3): the cnn family's "conv" and "fc". Groups cover every
 * coordinate exactly once, in order; a family with no reason for more has one,
 * "all". */
typedef struct {
  const char *name;
  gsize       start;
  gsize       count;
} L2lTaskGroup;

#define L2L_TASK_MAX_GROUPS 8

struct _L2lTask {
  const L2lTaskClass *klass;
  gatomicrefcount     ref_count;
  char               *spec;       /* canonical "family:key=value,…" */
  gsize               n_params;
  guint               n_groups;
  L2lTaskGroup        groups[L2L_TASK_MAX_GROUPS];
  /* What one problem holds besides θ (its minibatch and activations), for
   * memory checks before work starts; its Hessian-vector products take about
   * as much again. 0 where that is small. */
  guint64             problem_bytes;
};

/* A hand-written optimizer's learning rate where a family's scale differs
 * from the optimizer's own default. */
typedef struct {
  const char *optimizer;
  double      lr;
} L2lFamilyRate;

/* A family as the front ends see it: a name, a description and its options,
 * and the meta-training settings that suit it, which the CLI and the GUI both
 * take through l2l_train_config_use_family_defaults (0: the global defaults,
 * logsign p = 10, output scale 0.1, 128 functions an epoch, T = 100, K = 20,
 * 1000 epochs, an evaluation on 100 functions every 10, meta learning rate
 * 1e-3). Together they keep `l2l train --task NAME` under 15 minutes on 2
 * cores, evaluations under a tenth of it. */
typedef struct {
  const char          *name;
  const char          *description;
  const L2lOptionInfo *options;
  guint                n_options;
  L2lTask           *(*create) (const L2lOptions *options, GError **error);
  /* Checks what the option table cannot, without loading anything; may be NULL. */
  gboolean           (*check)  (const L2lOptions *options, GError **error);
  /* A spec of the family's own form, @spec_prefix then an argument
   * (quadratic's "file:PATH"), made by create_prefixed; NULL: none. */
  const char          *spec_prefix;
  L2lTask           *(*create_prefixed) (const char *argument, GError **error);
  double               lstm_preprocess_p;
  double               lstm_output_scale;
  guint                train_batch;       /* functions per epoch */
  guint                train_steps;       /* horizon T */
  guint                train_unroll;      /* K */
  guint                train_epochs;
  guint                train_eval_every;
  guint                train_eval_runs;
  double               train_meta_lr;
  const L2lFamilyRate *rates;             /* NULL-terminated by optimizer; may be NULL */
} L2lTaskFamily;

const L2lTaskFamily *const *l2l_task_families          (void);   /* NULL-terminated */
const L2lTaskFamily        *l2l_task_family_lookup     (const char *name);
/* The family of a spec ("art:size=128" → art), NULL for none or a problem file. */
const L2lTaskFamily        *l2l_task_family_of_spec    (const char *spec);
/* The rate @family suggests for @optimizer, or @fallback. */
double                      l2l_task_family_default_lr (const L2lTaskFamily *family,
                                                        const char          *optimizer,
                                                        double               fallback);

/* The task a front end runs when the user names none. */
#define L2L_TASK_DEFAULT_SPEC "quadratic"

/* "quadratic", "quadratic:dims=10,dist=uniform", or a family's own form such
 * as "file:PATH" (a problem file, as such tasks give their spec). */
L2lTask    *l2l_task_new_from_spec (const char  *spec,
                                    GError     **error);

/* Checks a spec's family and options as l2l_task_new_from_spec would, but
 * makes nothing and reads no file or data set: cheap enough for every
 * keystroke. A data folder that does not exist is only found when the task
 * is made. */
gboolean    l2l_task_spec_check    (const char  *spec,
                                    GError     **error);

/* For family implementations: fills the base and takes ownership of @spec;
 * the task has one group, "all". */
void        l2l_task_init_base     (L2lTask            *task,
                                    const L2lTaskClass *klass,
                                    char               *spec,
                                    gsize               n_params);
/* Replaces the one group by @n groups of @counts coordinates, in order
 * (@names static strings; the counts add up to n_params). */
void        l2l_task_set_groups    (L2lTask            *task,
                                    guint               n,
                                    const char *const  *names,
                                    const gsize        *counts);

/* For family implementations: the start of a problem drawn from a task,
 * which it holds a reference to, with the seed it was drawn with. */
typedef struct {
  L2lProblem  base;
  L2lTask    *task;
  guint64     seed;
} L2lTaskProblem;

/* A zeroed problem of @size bytes (a struct that begins with L2lTaskProblem)
 * of @klass over @task's coordinates. */
gpointer    l2l_task_problem_new   (gsize                  size,
                                    const L2lProblemClass *klass,
                                    L2lTask               *task,
                                    guint64                seed);
/* The end of a family's free: drops the task and frees the struct. */
void        l2l_task_problem_free  (L2lProblem            *problem);

/* What a spec's free-text options name (files and folders such as art's
 * content or cnn's data; other text, like mnist's hidden, does no harm) and
 * a problem file's path: appended to @paths, the option's key to @keys
 * ("problem" for the file). For refusing outputs that would replace them. */
void        l2l_task_spec_inputs   (const char *spec,
                                    GPtrArray  *paths,
                                    GPtrArray  *keys);

/* The family a task was made from (NULL for a problem file). */
const L2lTaskFamily *l2l_task_get_family (const L2lTask *task);

L2lTask    *l2l_task_ref           (L2lTask *task);
void        l2l_task_unref         (L2lTask *task);
const char *l2l_task_get_spec      (const L2lTask *task);
gsize       l2l_task_get_n_params  (const L2lTask *task);
const L2lTaskGroup *l2l_task_get_groups (const L2lTask *task,
                                         guint         *n_groups);
/* "conv,fc": the groups' names, for messages and metadata. */
char       *l2l_task_groups_to_string (const L2lTask *task);
L2lProblem *l2l_task_sample        (L2lTask *task,
                                    guint64  seed);
L2lProblem *l2l_task_sample_held_out (L2lTask *task,
                                      guint64  seed);

void        l2l_problem_init       (L2lProblem  *problem,
                                    float       *theta);
double      l2l_problem_loss_grad  (L2lProblem  *problem,
                                    const float *theta,
                                    float       *grad);
gboolean    l2l_problem_has_hvp    (const L2lProblem *problem);
void        l2l_problem_hvp        (L2lProblem  *problem,
                                    const float *theta,
                                    const float *v,
                                    float       *out);
void        l2l_problem_mark       (L2lProblem       *problem,
                                    L2lProblemMark   *mark);
void        l2l_problem_rewind     (L2lProblem           *problem,
                                    const L2lProblemMark *mark);
void        l2l_problem_set_parallel (L2lProblem  *problem,
                                      L2lParallel *parallel);
void        l2l_problem_free       (L2lProblem  *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lTask, l2l_task_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lProblem, l2l_problem_free)

G_END_DECLS
