/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

#define L2L_TYPE_JOB (l2l_job_get_type ())
G_DECLARE_FINAL_TYPE (L2lJob, l2l_job, L2L, JOB, GObject)

/* A long engine job (a comparison or meta-training) on a worker thread of its
 * own. The worker makes the task from its spec (loading data sets is engine
 * work, never the main thread's) and holds a reference to the job until it
 * ends, so a job whose owner went away still ends cleanly. The engine's
 * callbacks append small events under a lock and schedule one idle if none is
 * pending; the idle replays them as signals on the main thread.
 *
 * Signals:
 *   compare-point (guint optimizer, guint step, double mean, double q25, double q75,
 *                  double seconds)
 *       statistics over the runs done so far at one step; seconds: their mean wall
 *       time to it
 *   compare-position (guint optimizer, guint step, double x, double y)
 *       a task of two coordinates: where the first run stands at @step
 *   art-inputs    ()  neural art: l2l_job_get_art_inputs has the images of the first
 *       test function (a comparison) or held-out function (training)
 *   compare-preview (guint optimizer, guint step, double loss, GBytes *rgb)
 *       neural art: the first run's image at @step as packed 8-bit RGB rows,
 *       at most 30 a second per optimizer, and always the last step's
 *   train-epoch   (guint epoch, double meta_loss, double eval_loss)  NaN when absent
 *   train-preview (guint epoch, double eval_loss, GBytes *rgb)
 *       neural art: what φ made of the first held-out photo at an evaluation
 *   progress      (double fraction, guint phase, guint optimizer)
 *   finished      (GError *error)   NULL on success; G_IO_ERROR_CANCELLED after Stop */
typedef enum {
  L2L_JOB_PHASE_TUNING,
  L2L_JOB_PHASE_RUNNING,
  L2L_JOB_PHASE_TRAINING,
} L2lJobPhase;

/* Takes over @config's optimizers (@config is cleared); its task must be NULL:
 * the worker makes it from @task_spec. */
L2lJob           *l2l_job_new_compare        (L2lCompareConfig     *config,
                                              const char           *task_spec);
/* Copies @config (whose task must be NULL) and its weights. */
L2lJob           *l2l_job_new_train          (const L2lTrainConfig *config,
                                              const char           *task_spec);

void              l2l_job_start              (L2lJob *self);
/* Asks the engine to stop after its current step; "finished" follows. */
void              l2l_job_stop               (L2lJob *self);
/* TRUE from start until "finished" has been emitted. */
gboolean          l2l_job_is_running         (L2lJob *self);

/* A comparison's optimizers, "sgd, adam, lstm:quadratic". */
char             *l2l_job_get_optimizer_names (L2lJob *self);
/* A meta-training's config (its task NULL). */
const L2lTrainConfig *l2l_job_get_train_config (L2lJob *self);
/* The task spec it was given. */
const char       *l2l_job_get_task_spec      (L2lJob *self);
/* The longest the main thread spent replaying one batch of events. */
gint64            l2l_job_get_max_dispatch_us (L2lJob *self);
/* After "finished": the results, NULL when the job failed before them. */
L2lCompareResult *l2l_job_get_compare_result (L2lJob *self);
L2lTrainer       *l2l_job_get_trainer        (L2lJob *self);
const L2lCompareConfig *l2l_job_get_compare_config (L2lJob *self);
/* An art job's first test (or held-out) function: its content and style
 * [3 × side × side], from "art-inputs" on; returns the side, 0 (and NULLs)
 * for other tasks. */
guint             l2l_job_get_art_inputs     (L2lJob       *self,
                                              const float **content,
                                              const float **style);

G_END_DECLS
