/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "l2l-job.h"

/* L2lJob on its own, with a plain main loop: no display needed. */

typedef struct {
  guint   points;
  guint   epochs;
  guint   finished;
  GError *error;
  guint   art_inputs;
  guint   previews[2];
  guint   last_step[2];
  double  last_loss[2];
  GBytes *last_rgb[2];
} Seen;

static void
on_art_inputs (L2lJob *job,
               Seen   *seen)
{
  const float *content, *style;

  g_assert_cmpuint (l2l_job_get_art_inputs (job, &content, &style), ==, 32);
  g_assert_nonnull (content);
  g_assert_nonnull (style);
  /* before any image of a run */
  g_assert_cmpuint (seen->previews[0] + seen->previews[1], ==, 0);
  seen->art_inputs++;
}

static void
on_preview (L2lJob *job,
            guint   optimizer,
            guint   step,
            double  loss,
            GBytes *rgb,
            Seen   *seen)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpuint (optimizer, <, 2);
  /* newer images only */
  g_assert_true (seen->previews[optimizer] == 0 || step > seen->last_step[optimizer]);
  seen->previews[optimizer]++;
  seen->last_step[optimizer] = step;
  seen->last_loss[optimizer] = loss;
  g_clear_pointer (&seen->last_rgb[optimizer], g_bytes_unref);
  seen->last_rgb[optimizer] = g_bytes_ref (rgb);
}

static void
on_point (L2lJob *job,
          guint   optimizer,
          guint   step,
          double  mean,
          double  q25,
          double  q75,
          Seen   *seen)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_true (isfinite (mean) && q25 <= q75);
  seen->points++;
}

static void
on_epoch (L2lJob *job,
          guint   epoch,
          double  meta_loss,
          double  eval_loss,
          Seen   *seen)
{
  seen->epochs++;
}

static void
on_finished (L2lJob *job,
             GError *error,
             Seen   *seen)
{
  g_assert_false (l2l_job_is_running (job));
  seen->finished++;
  seen->error = error ? g_error_copy (error) : NULL;
}

static void
watch (L2lJob *job,
       Seen   *seen)
{
  g_signal_connect (job, "compare-point", G_CALLBACK (on_point), seen);
  g_signal_connect (job, "train-epoch", G_CALLBACK (on_epoch), seen);
  g_signal_connect (job, "compare-preview", G_CALLBACK (on_preview), seen);
  g_signal_connect (job, "art-inputs", G_CALLBACK (on_art_inputs), seen);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), seen);
}

static void
wait_finished (Seen *seen)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (seen->finished == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen->finished, ==, 1);
}

static L2lJob *
small_compare (const char *task_spec)
{
  L2lCompareConfig config;

  l2l_compare_config_init (&config);
  config.steps = 10;
  config.runs = 3;
  config.optimizers = g_new0 (L2lOptimizerSpec, 2);
  l2l_optimizer_spec_init (&config.optimizers[0], l2l_optimizer_info_lookup ("sgd"));
  l2l_optimizer_spec_init (&config.optimizers[1], l2l_optimizer_info_lookup ("adam"));
  config.n_optimizers = 2;
  return l2l_job_new_compare (&config, task_spec);
}

/* A comparison: one point per optimizer and step, results, one "finished". */
static void
test_compare (void)
{
  g_autoptr(L2lJob) job = small_compare ("quadratic");
  Seen seen = { 0 };

  watch (job, &seen);
  l2l_job_start (job);
  g_assert_true (l2l_job_is_running (job));
  wait_finished (&seen);
  g_assert_no_error (seen.error);
  g_assert_cmpuint (seen.points, ==, 2 * 11);
  g_assert_nonnull (l2l_job_get_compare_result (job));
}

/* Neural art: each optimizer's first run shows as images, the last one at the
 * last step, the final image and loss of the result; other tasks send none. */
static void
test_art_previews (void)
{
  g_autoptr(L2lJob) job = NULL;
  L2lCompareConfig config;
  const L2lCompareResult *result;
  Seen seen = { 0 };

  l2l_compare_config_init (&config);
  config.steps = 10;
  config.runs = 2;
  config.keep_final_theta = TRUE;
  config.optimizers = g_new0 (L2lOptimizerSpec, 2);
  l2l_optimizer_spec_init (&config.optimizers[0], l2l_optimizer_info_lookup ("sgd"));
  l2l_optimizer_spec_init (&config.optimizers[1], l2l_optimizer_info_lookup ("adam"));
  config.optimizers[0].lr = 1e-3;   /* small enough not to diverge at 32 px */
  config.optimizers[1].lr = 0.1;
  config.n_optimizers = 2;
  job = l2l_job_new_compare (&config, "art:size=32");
  watch (job, &seen);
  l2l_job_start (job);
  wait_finished (&seen);
  g_assert_no_error (seen.error);
  result = l2l_job_get_compare_result (job);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree guint8 *expected = g_new (guint8, 3 * 32 * 32);

      g_assert_cmpuint (seen.previews[i], >=, 1);
      g_assert_cmpuint (seen.last_step[i], ==, 10);
      g_assert_cmpfloat (seen.last_loss[i], ==, result->entries[i].losses[10]);
      l2l_image_to_rgb8 (result->entries[i].final_theta, 32, 32, expected, 3 * 32);
      g_assert_cmpmem (g_bytes_get_data (seen.last_rgb[i], NULL),
                       g_bytes_get_size (seen.last_rgb[i]), expected, 3 * 32 * 32);
      g_bytes_unref (seen.last_rgb[i]);
    }
  g_assert_cmpuint (seen.points, ==, 2 * 11);
  g_assert_cmpuint (seen.art_inputs, ==, 1);

  {
    g_autoptr(L2lJob) quadratic = small_compare ("quadratic");
    Seen none = { 0 };

    watch (quadratic, &none);
    l2l_job_start (quadratic);
    wait_finished (&none);
    g_assert_cmpuint (none.previews[0] + none.previews[1] + none.art_inputs, ==, 0);
  }
}

/* The task is made on the worker: a bad data folder is an error of the job. */
static void
test_task_error (void)
{
  g_autoptr(L2lJob) job = small_compare ("mnist:data=/nonexistent/folder");
  Seen seen = { 0 };

  watch (job, &seen);
  l2l_job_start (job);
  wait_finished (&seen);
  g_assert_error (seen.error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE);
  g_assert_cmpstr (l2l_error_get_field (seen.error), ==, "data");
  g_assert_null (l2l_job_get_compare_result (job));
  g_clear_error (&seen.error);
}

/* Stop during meta-training: "finished" carries the cancellation and the
 * trainer holds whole epochs. */
static void
test_stop_training (void)
{
  L2lTrainConfig config;
  g_autoptr(L2lJob) job = NULL;
  Seen seen = { 0 };

  l2l_train_config_init_defaults (&config);
  config.batch = 8;
  config.steps = 20;
  config.unroll = 5;
  config.epochs = 100000;
  config.eval_runs = 5;
  config.threads = 2;
  job = l2l_job_new_train (&config, "quadratic");
  watch (job, &seen);
  l2l_job_start (job);
  while (seen.epochs < 3)
    g_main_context_iteration (NULL, TRUE);
  l2l_job_stop (job);
  wait_finished (&seen);
  g_assert_error (seen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (l2l_trainer_get_epoch (l2l_job_get_trainer (job)), >=, 2);
  g_clear_error (&seen.error);
}

/* The owner may drop its reference mid-run: the worker's keeps the job
 * alive until it has ended, and then it is freed. */
static void
test_owner_goes_away (void)
{
  L2lJob *job = small_compare ("quadratic");
  Seen seen = { 0 };

  watch (job, &seen);
  g_object_add_weak_pointer (G_OBJECT (job), (gpointer *) &job);
  l2l_job_start (job);
  l2l_job_stop (job);
  g_object_unref (job);
  g_assert_nonnull (job);
  wait_finished (&seen);
  g_clear_error (&seen.error);
  while (job != NULL)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/ui/job/compare", test_compare);
  g_test_add_func ("/ui/job/task-error", test_task_error);
  g_test_add_func ("/ui/job/art-previews", test_art_previews);
  g_test_add_func ("/ui/job/stop-training", test_stop_training);
  g_test_add_func ("/ui/job/owner-goes-away", test_owner_goes_away);
  return g_test_run ();
}
