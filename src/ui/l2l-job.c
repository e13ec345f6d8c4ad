/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "l2l-job.h"

typedef enum {
  EVENT_COMPARE_POINT,
  EVENT_COMPARE_POSITION,
  EVENT_TRAIN_EPOCH,
  EVENT_PROGRESS,
  EVENT_ART_INPUTS,
} EventKind;

/* The newest image of one optimizer's first run not yet shown. */
typedef struct {
  GBytes *rgb;
  guint   step;
  double  loss;
} Preview;

/* One signal to replay: the fields of its kind's member, as the signal has them. */
typedef struct {
  EventKind kind;
  union {
    struct {
      guint  optimizer;
      guint  step;
      double mean, q25, q75;
      double seconds;    /* the runs' mean wall time to the step */
    } compare_point;
    struct {
      guint  optimizer;
      guint  step;
      double x, y;
    } compare_position;
    struct {
      guint  epoch;
      double meta_loss;
      double eval_loss;
    } train_epoch;
    struct {
      double fraction;
      guint  phase;
      guint  optimizer;  /* or the epoch, while training */
    } progress;
  };
} Event;

struct _L2lJob {
  GObject           parent_instance;
  gboolean          is_compare;
  char             *task_spec;
  L2lCompareConfig  compare_config;
  L2lTrainConfig    train_config;    /* its weights point at weights_spec */
  char             *weights_spec;
  L2lCompareResult *compare_result;
  L2lTrainer       *trainer;
  GCancellable     *cancellable;
  GThread          *thread;
  gboolean          running;

  GMutex            lock;          /* guards the fields below */
  GArray           *events;        /* Event */
  guint             idle_id;
  gboolean          done;
  GError           *error;
  Preview          *previews;      /* [n_optimizers]: neural art's newest images */
  Preview           train_preview; /* neural art: the last evaluation's image */
  double           *column;        /* worker's scratch: one step's losses */
  gint64            last_progress; /* worker: rate limit of progress events */
  guint             preview_side;  /* an art task's image side, else 0 */
  gboolean          positions;     /* a task of two coordinates: where run 0 steps */
  float            *art_content;   /* an art task's first run: its content and style */
  float            *art_style;
  gint64           *last_preview;  /* worker: per optimizer, rate limit of previews */
  gint64            max_dispatch_us;
};

enum {
  SIGNAL_COMPARE_POINT,
  SIGNAL_COMPARE_POSITION,
  SIGNAL_COMPARE_PREVIEW,
  SIGNAL_ART_INPUTS,
  SIGNAL_TRAIN_PREVIEW,
  SIGNAL_TRAIN_EPOCH,
  SIGNAL_PROGRESS,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (L2lJob, l2l_job, G_TYPE_OBJECT)

static gboolean
dispatch_events (gpointer user_data)
{
  L2lJob *self = user_data;
  g_autoptr(GArray) events = NULL;
  g_autofree Preview *previews = NULL;
  const guint n_previews = self->previews ? self->compare_config.n_optimizers : 0;
  Preview train_preview;
  gint64 start = g_get_monotonic_time ();
  gboolean done;
  GError *error;

  g_mutex_lock (&self->lock);
  events = g_steal_pointer (&self->events);
  self->events = g_array_new (FALSE, FALSE, sizeof (Event));
  if (n_previews > 0)
    {
      previews = g_memdup2 (self->previews, n_previews * sizeof (Preview));
      memset (self->previews, 0, n_previews * sizeof (Preview));
    }
  train_preview = self->train_preview;
  memset (&self->train_preview, 0, sizeof self->train_preview);
  self->idle_id = 0;
  done = self->done;
  error = g_steal_pointer (&self->error);
  g_mutex_unlock (&self->lock);

  /* Keep the job alive through handlers that drop their references. */
  g_object_ref (self);
  for (guint i = 0; i < events->len; i++)
    {
      const Event *event = &g_array_index (events, Event, i);
      switch (event->kind)
        {
        case EVENT_COMPARE_POINT:
          g_signal_emit (self, signals[SIGNAL_COMPARE_POINT], 0,
                         event->compare_point.optimizer, event->compare_point.step,
                         event->compare_point.mean, event->compare_point.q25,
                         event->compare_point.q75, event->compare_point.seconds);
          break;
        case EVENT_COMPARE_POSITION:
          g_signal_emit (self, signals[SIGNAL_COMPARE_POSITION], 0,
                         event->compare_position.optimizer, event->compare_position.step,
                         event->compare_position.x, event->compare_position.y);
          break;
        case EVENT_TRAIN_EPOCH:
          g_signal_emit (self, signals[SIGNAL_TRAIN_EPOCH], 0, event->train_epoch.epoch,
                         event->train_epoch.meta_loss, event->train_epoch.eval_loss);
          break;
        case EVENT_PROGRESS:
          g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, event->progress.fraction,
                         event->progress.phase, event->progress.optimizer);
          break;
        case EVENT_ART_INPUTS:
          g_signal_emit (self, signals[SIGNAL_ART_INPUTS], 0);
          break;
        }
    }
  for (guint i = 0; i < n_previews; i++)
    if (previews[i].rgb != NULL)
      {
        g_signal_emit (self, signals[SIGNAL_COMPARE_PREVIEW], 0, i, previews[i].step,
                       previews[i].loss, previews[i].rgb);
        g_bytes_unref (previews[i].rgb);
      }
  if (train_preview.rgb != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_TRAIN_PREVIEW], 0, train_preview.step,
                     train_preview.loss, train_preview.rgb);
      g_bytes_unref (train_preview.rgb);
    }
  self->max_dispatch_us = MAX (self->max_dispatch_us, g_get_monotonic_time () - start);
  if (done && self->running)
    {
      self->running = FALSE;
      g_thread_join (g_steal_pointer (&self->thread));
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error);
      g_clear_error (&error);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Worker thread: queue an event; the first of a batch schedules the idle. */
static void
push_event (L2lJob      *self,
            const Event *event)
{
  g_mutex_lock (&self->lock);
  if (event != NULL)
    g_array_append_val (self->events, *event);
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_LOW, dispatch_events, g_object_ref (self),
                                     g_object_unref);
  g_mutex_unlock (&self->lock);
}

static void
push_progress (L2lJob  *self,
               double   fraction,
               guint    phase,
               guint    index,
               gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  Event event = { .kind = EVENT_PROGRESS, .progress = { fraction, phase, index } };

  if (!force && now - self->last_progress < G_USEC_PER_SEC / 30)
    return;
  self->last_progress = now;
  push_event (self, &event);
}

/* Worker thread: the first run's image, converted here rather than on the
 * main thread, at most 30 times a second per optimizer and always at the
 * last step; a newer one replaces one not yet shown. */
static void
push_preview (L2lJob                   *self,
              const L2lCompareProgress *progress)
{
  const guint side = self->preview_side, steps = self->compare_config.steps;
  const gint64 now = g_get_monotonic_time ();
  Preview *slot = &self->previews[progress->optimizer];
  guint8 *rgb;
  GBytes *bytes;

  if (progress->first_run != 0 || progress->theta == NULL ||
      (progress->step != steps &&
       now - self->last_preview[progress->optimizer] < G_USEC_PER_SEC / 30))
    return;
  self->last_preview[progress->optimizer] = now;
  rgb = g_malloc ((gsize) 3 * side * side);
  l2l_image_to_rgb8 (progress->theta, side, side, rgb, (gsize) 3 * side);
  bytes = g_bytes_new_take (rgb, (gsize) 3 * side * side);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&slot->rgb, g_bytes_unref);
  slot->rgb = bytes;
  slot->step = progress->step;
  slot->loss = progress->entry->losses[progress->step];
  g_mutex_unlock (&self->lock);
  push_event (self, NULL);
}

static void
on_compare_progress (const L2lCompareProgress *progress,
                     gpointer                  user_data)
{
  L2lJob *self = user_data;
  const L2lCompareConfig *config = &self->compare_config;

  if (progress->phase == L2L_COMPARE_RUNNING)
    {
      /* Statistics over every run finished so far at this step. */
      guint runs = progress->first_run + progress->n_runs;
      Event event = {
        .kind = EVENT_COMPARE_POINT,
        .compare_point = { .optimizer = progress->optimizer, .step = progress->step },
      };
      double sum = 0.0, seconds = 0.0;

      for (guint r = 0; r < runs; r++)
        {
          gsize at = (gsize) r * (config->steps + 1) + progress->step;
          double loss = progress->entry->losses[at];

          self->column[r] = isnan (loss) ? INFINITY : loss;
          sum += self->column[r];
          seconds += progress->entry->seconds[at];
        }
      event.compare_point.seconds = seconds / runs;
      l2l_sort_doubles (self->column, runs);
      event.compare_point.mean = sum / runs;
      event.compare_point.q25 = l2l_quantile_sorted (self->column, runs, 0.25);
      event.compare_point.q75 = l2l_quantile_sorted (self->column, runs, 0.75);
      push_event (self, &event);
      if (self->preview_side > 0)
        push_preview (self, progress);
      if (self->positions && progress->first_run == 0 && progress->theta != NULL)
        {
          Event position = {
            .kind = EVENT_COMPARE_POSITION,
            .compare_position = { progress->optimizer, progress->step,
                                  progress->theta[0], progress->theta[1] },
          };
          push_event (self, &position);
        }
    }
  push_progress (self, (double) progress->done / progress->total,
                 progress->phase == L2L_COMPARE_TUNING ? L2L_JOB_PHASE_TUNING
                                                       : L2L_JOB_PHASE_RUNNING,
                 progress->optimizer, FALSE);
}

static void
on_train_progress (L2lTrainer             *trainer,
                   const L2lTrainProgress *progress,
                   gpointer                user_data)
{
  L2lJob *self = user_data;
  Event event = {
    .kind = EVENT_TRAIN_EPOCH,
    .train_epoch = { progress->record->epoch, progress->record->meta_loss,
                     progress->record->eval_loss },
  };

  /* neural art: what φ painted of the first held-out photo */
  if (self->preview_side > 0 && progress->eval_theta != NULL)
    {
      const guint side = self->preview_side;
      guint8 *rgb = g_malloc ((gsize) 3 * side * side);
      GBytes *bytes;

      l2l_image_to_rgb8 (progress->eval_theta, side, side, rgb, (gsize) 3 * side);
      bytes = g_bytes_new_take (rgb, (gsize) 3 * side * side);
      g_mutex_lock (&self->lock);
      g_clear_pointer (&self->train_preview.rgb, g_bytes_unref);
      self->train_preview = (Preview) { bytes, progress->record->epoch, progress->record->eval_loss };
      g_mutex_unlock (&self->lock);
    }
  push_event (self, &event);
  push_progress (self, (double) progress->record->epoch / MAX (progress->epochs, 1),
                 L2L_JOB_PHASE_TRAINING, progress->record->epoch, FALSE);
}

/* Worker thread: the content and style of the first run, which the previews
 * show, as the comparison will draw it. */
static void
show_art_inputs (L2lJob  *self,
                 L2lTask *task,
                 guint    side)
{
  /* a comparison's first test function, or training's first held-out one */
  g_autoptr(L2lProblem) problem =
    self->is_compare
    ? l2l_task_sample_held_out (task, l2l_seed_derive (self->compare_config.seed, L2L_SEED_TEST, 0))
    : l2l_task_sample_held_out (task, l2l_seed_derive (self->train_config.seed, L2L_SEED_EVAL, 0));
  const gsize n = l2l_task_get_n_params (task);
  Event event = { .kind = EVENT_ART_INPUTS };

  self->art_content = g_memdup2 (l2l_art_problem_get_content (problem), n * sizeof (float));
  self->art_style = g_memdup2 (l2l_art_problem_get_style (problem), n * sizeof (float));
  self->preview_side = side;
  push_event (self, &event);
}

/* Worker thread: makes the task (reading any data set), then runs. */
static gboolean
run_job (L2lJob  *self,
         GError **error)
{
  L2lTask *task = l2l_task_new_from_spec (self->task_spec, error);

  if (task == NULL)
    return FALSE;
  {
    const gsize n = l2l_task_get_n_params (task);
    const guint side = (guint) sqrt (n / 3.0 + 0.5);

    if (l2l_task_get_family (task) == &l2l_task_art_family && (gsize) 3 * side * side == n)
      show_art_inputs (self, task, side);
    self->positions = n == 2;
  }
  if (self->is_compare)
    {
      self->compare_config.task = task;
      self->compare_result = l2l_compare_run (&self->compare_config, on_compare_progress, self,
                                              self->cancellable, error);
      return self->compare_result != NULL;
    }
  self->train_config.task = task;
  self->trainer = l2l_trainer_new (&self->train_config, error);
  g_clear_pointer (&self->train_config.task, l2l_task_unref);
  return self->trainer != NULL &&
         l2l_trainer_run (self->trainer, on_train_progress, self, self->cancellable, error);
}

/* Owns a reference to the job from start to end. */
static gpointer
job_thread (gpointer user_data)
{
  L2lJob *self = user_data;
  GError *error = NULL;

  run_job (self, &error);
  g_mutex_lock (&self->lock);
  self->done = TRUE;
  self->error = error;
  g_mutex_unlock (&self->lock);
  push_event (self, NULL);
  g_object_unref (self);
  return NULL;
}

static void
l2l_job_finalize (GObject *object)
{
  L2lJob *self = L2L_JOB (object);

  g_assert (self->thread == NULL);
  for (guint i = 0; i < self->compare_config.n_optimizers; i++)
    l2l_optimizer_spec_clear (&self->compare_config.optimizers[i]);
  g_free (self->compare_config.optimizers);
  g_clear_pointer (&self->compare_config.task, l2l_task_unref);
  g_free (self->task_spec);
  g_free (self->weights_spec);
  l2l_compare_result_free (self->compare_result);
  l2l_trainer_free (self->trainer);
  g_object_unref (self->cancellable);
  g_array_unref (self->events);
  g_clear_error (&self->error);
  g_free (self->column);
  for (guint i = 0; self->previews != NULL && i < self->compare_config.n_optimizers; i++)
    g_clear_pointer (&self->previews[i].rgb, g_bytes_unref);
  g_free (self->previews);
  g_free (self->last_preview);
  g_free (self->art_content);
  g_free (self->art_style);
  g_clear_pointer (&self->train_preview.rgb, g_bytes_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (l2l_job_parent_class)->finalize (object);
}

static void
l2l_job_class_init (L2lJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_job_finalize;

  signals[SIGNAL_COMPARE_POINT] =
    g_signal_new ("compare-point", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 6, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIGNAL_COMPARE_POSITION] =
    g_signal_new ("compare-position", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIGNAL_COMPARE_PREVIEW] =
    g_signal_new ("compare-preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_BYTES);
  signals[SIGNAL_ART_INPUTS] =
    g_signal_new ("art-inputs", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TRAIN_PREVIEW] =
    g_signal_new ("train-preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_BYTES);
  signals[SIGNAL_TRAIN_EPOCH] =
    g_signal_new ("train-epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
l2l_job_init (L2lJob *self)
{
  g_mutex_init (&self->lock);
  self->events = g_array_new (FALSE, FALSE, sizeof (Event));
  self->cancellable = g_cancellable_new ();
}

L2lJob *
l2l_job_new_compare (L2lCompareConfig *config,
                     const char       *task_spec)
{
  L2lJob *self = g_object_new (L2L_TYPE_JOB, NULL);

  g_return_val_if_fail (config->task == NULL, self);
  self->is_compare = TRUE;
  self->task_spec = g_strdup (task_spec);
  self->compare_config = *config;
  memset (config, 0, sizeof *config);
  self->column = g_new (double, self->compare_config.runs);
  self->previews = g_new0 (Preview, self->compare_config.n_optimizers);
  self->last_preview = g_new0 (gint64, self->compare_config.n_optimizers);
  return self;
}

L2lJob *
l2l_job_new_train (const L2lTrainConfig *config,
                   const char           *task_spec)
{
  L2lJob *self = g_object_new (L2L_TYPE_JOB, NULL);

  g_return_val_if_fail (config->task == NULL, self);
  self->task_spec = g_strdup (task_spec);
  self->train_config = *config;
  self->weights_spec = g_strdup (config->weights);
  self->train_config.weights = self->weights_spec;
  return self;
}

void
l2l_job_start (L2lJob *self)
{
  g_return_if_fail (self->thread == NULL && !self->done);
  self->running = TRUE;
  self->thread = g_thread_new ("l2l-job", job_thread, g_object_ref (self));
}

void
l2l_job_stop (L2lJob *self)
{
  g_cancellable_cancel (self->cancellable);
}

gboolean
l2l_job_is_running (L2lJob *self)
{
  return self->running;
}

gint64
l2l_job_get_max_dispatch_us (L2lJob *self)
{
  return self->max_dispatch_us;
}

L2lCompareResult *
l2l_job_get_compare_result (L2lJob *self)
{
  return self->compare_result;
}

L2lTrainer *
l2l_job_get_trainer (L2lJob *self)
{
  return self->trainer;
}

const L2lCompareConfig *
l2l_job_get_compare_config (L2lJob *self)
{
  return &self->compare_config;
}

guint
l2l_job_get_art_inputs (L2lJob       *self,
                        const float **content,
                        const float **style)
{
  *content = self->art_content;
  *style = self->art_style;
  return self->art_content != NULL ? self->preview_side : 0;
}

const char *
l2l_job_get_task_spec (L2lJob *self)
{
  return self->task_spec;
}

char *
l2l_job_get_optimizer_names (L2lJob *self)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < self->compare_config.n_optimizers; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", self->compare_config.optimizers[i].label);
  return g_string_free (names, FALSE);
}

const L2lTrainConfig *
l2l_job_get_train_config (L2lJob *self)
{
  return &self->train_config;
}
