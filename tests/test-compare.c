/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

static guint compare_threads = 1;

static L2lCompareResult *
run_compare (const char *spec,
             guint64     seed,
             guint       runs,
             double      sgd_lr,
             gboolean    tune)
{
  g_autoptr(GError) error = NULL;
  L2lCompareConfig config;
  L2lOptimizerSpec optimizers[4];
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();
  L2lCompareResult *result;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec (spec, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      l2l_optimizer_spec_init (&optimizers[i], infos[i]);
      optimizers[i].tune = tune;
    }
  optimizers[0].lr = sgd_lr;
  config.optimizers = optimizers;
  config.n_optimizers = 4;
  config.runs = runs;
  config.steps = 30;
  config.seed = seed;
  config.tune.runs = 4;
  config.threads = compare_threads;
  result = l2l_compare_run (&config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    l2l_optimizer_spec_clear (&optimizers[i]);
  l2l_task_unref (config.task);
  return result;
}

static void
test_same_seed_same_csv (void)
{
  g_autoptr(L2lCompareResult) a = run_compare ("quadratic", 5, 20, 0.01, TRUE);
  g_autoptr(L2lCompareResult) b = run_compare ("quadratic", 5, 20, 0.01, TRUE);
  g_autoptr(L2lCompareResult) c = run_compare ("quadratic", 6, 20, 0.01, TRUE);
  g_autofree char *raw_a = l2l_results_to_csv (a, NULL);
  g_autofree char *raw_b = l2l_results_to_csv (b, NULL);
  g_autofree char *raw_c = l2l_results_to_csv (c, NULL);
  g_autofree char *csv_a = test_util_csv_losses (raw_a);
  g_autofree char *csv_b = test_util_csv_losses (raw_b);
  g_autofree char *csv_c = test_util_csv_losses (raw_c);

  g_assert_cmpstr (csv_a, ==, csv_b);
  g_assert_cmpstr (csv_a, !=, csv_c);
}

static void
test_csv_layout (void)
{
  g_autoptr(L2lCompareResult) result = run_compare ("quadratic:dims=4", 1, 3, 0.01, FALSE);
  g_autofree char *csv = l2l_results_to_csv (result, NULL);
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);

  g_assert_cmpstr (lines[0], ==, "optimizer,run,step,loss,seconds");
  /* 4 optimizers × 3 runs × 31 steps, plus the header and the final empty split. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4 * 3 * 31 + 1);
  /* every row has its time, which never falls within a run */
  for (guint i = 1; i < 1 + 4 * 3 * 31; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);
      g_auto(GStrv) previous = g_strsplit (lines[i - 1], ",", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      g_assert_cmpfloat (g_ascii_strtod (fields[4], NULL), >=, 0.0);
      if (!g_str_equal (fields[2], "0"))
        g_assert_cmpfloat (g_ascii_strtod (fields[4], NULL), >=,
                           g_ascii_strtod (previous[4], NULL));
    }
  g_assert_cmpfloat (l2l_compare_entry_seconds_per_step (result, &result->entries[0]), >, 0.0);
  g_assert_true (g_str_has_prefix (lines[1], "sgd,0,0,"));
  g_assert_true (g_str_has_prefix (lines[31], "sgd,0,30,"));
  g_assert_true (g_str_has_prefix (lines[32], "sgd,1,0,"));
  g_assert_true (g_str_has_prefix (lines[1 + 3 * 31], "rmsprop,0,0,"));
}

/* Same functions, same θ0: every optimizer starts from the same loss in every run. */
static void
test_same_functions_for_all (void)
{
  g_autoptr(L2lCompareResult) result = run_compare ("quadratic", 3, 10, 0.01, FALSE);

  for (guint r = 0; r < result->runs; r++)
    for (guint i = 1; i < result->n_entries; i++)
      g_assert_cmpfloat (result->entries[i].losses[r * 31], ==,
                         result->entries[0].losses[r * 31]);
  /* and different runs are different functions */
  g_assert_cmpfloat (result->entries[0].losses[0], !=, result->entries[0].losses[31]);
}

/* The test runs use what a search chose — the rate and the other
 * hyper-parameters — so each optimizer's losses are those of a comparison
 * given that configuration by hand. */
static void
test_tuned_hyper_is_used (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lCompareResult) searched = NULL;
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();
  L2lOptimizerSpec optimizers[4];
  L2lCompareConfig config;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      l2l_optimizer_spec_init (&optimizers[i], infos[i]);
      optimizers[i].tune = TRUE;
    }
  config.optimizers = optimizers;
  config.n_optimizers = 4;
  config.runs = 5;
  config.steps = 30;
  config.tune.runs = 3;
  config.tune.hyper_budget = 12;
  searched = l2l_compare_run (&config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      const L2lCompareEntry *entry = &searched->entries[i];
      g_autoptr(L2lCompareResult) by_hand = NULL;
      L2lCompareConfig single = config;
      L2lOptimizerSpec spec = optimizers[i];

      spec.tune = FALSE;
      spec.lr = entry->lr;
      spec.hyper = entry->hyper;
      single.optimizers = &spec;
      single.n_optimizers = 1;
      single.tune.hyper_budget = 0;
      by_hand = l2l_compare_run (&single, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (by_hand->entries[0].losses, 5 * 31 * sizeof (double),
                       entry->losses, 5 * 31 * sizeof (double));
    }
  /* not torch's defaults: a search that kept them would prove nothing */
  g_assert_cmpfloat (searched->entries[0].hyper.momentum, !=, 0.0);           /* sgd */
  g_assert_cmpfloat (searched->entries[1].hyper.alpha, !=, 0.99);             /* rmsprop */
  g_assert_cmpfloat (searched->entries[2].hyper.beta1, !=, 0.9);              /* adam */
  for (guint i = 0; i < 4; i++)
    l2l_optimizer_spec_clear (&optimizers[i]);
  l2l_task_unref (config.task);
}

static void
test_divergence_is_reported (void)
{
  g_autoptr(L2lCompareResult) result = run_compare ("quadratic", 0, 10, 10.0, FALSE);
  const L2lCompareEntry *sgd = &result->entries[0];
  g_autofree char *csv = l2l_results_to_csv (result, NULL);
  g_autofree char *json = l2l_results_to_json (result, NULL);

  g_assert_cmpuint (sgd->diverged_runs, ==, 10);
  g_assert_true (isinf (sgd->stats.mean[30]));
  g_assert_true (isinf (sgd->losses[30]));
  g_assert_nonnull (strstr (csv, "sgd,0,30,inf,"));
  g_assert_nonnull (strstr (json, "\"final_mean\" : null"));
  /* the other optimizers are unaffected */
  g_assert_cmpuint (result->entries[2].diverged_runs, ==, 0);
  g_assert_true (isfinite (result->entries[2].stats.mean[30]));
}

static void
test_json_summary (void)
{
  g_autoptr(L2lCompareResult) result = run_compare ("quadratic", 2, 8, 0.01, TRUE);
  g_autofree char *json = l2l_results_to_json (result, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *adam;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "task"), ==,
                   "quadratic:dims=10,dist=gaussian,theta0-std=0.01");
  g_assert_cmpint (json_object_get_int_member (root, "runs"), ==, 8);
  adam = json_array_get_object_element (json_object_get_array_member (root, "optimizers"), 2);
  g_assert_cmpstr (json_object_get_string_member (adam, "optimizer"), ==, "adam");
  g_assert_true (json_object_get_boolean_member (adam, "tuned"));
  g_assert_cmpfloat (json_object_get_double_member (adam, "learning_rate"), ==,
                     result->entries[2].lr);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (adam, "median")),
                    ==, 31);
  g_assert_cmpfloat (json_object_get_double_member (adam, "final_median"), ==,
                     result->entries[2].stats.median[30]);
  g_assert_cmpuint (json_array_get_length (
                      json_object_get_array_member (
                        json_object_get_object_member (adam, "tuning"), "grid")), ==, 25);
  /* confidence: the interval holds the mean, and Adam's p-values against the
   * other three are the engine's */
  {
    JsonArray *ci = json_object_get_array_member (adam, "final_mean_ci95");
    JsonObject *p = json_object_get_object_member (adam, "p_lower_than");
    double mean = json_object_get_double_member (adam, "final_mean");

    g_assert_cmpuint (json_array_get_length (ci), ==, 2);
    g_assert_false (json_object_has_member (adam, "training_seconds"));
    /* torch.optim's defaults, named as it names them */
    g_assert_cmpfloat (json_object_get_double_member (
                         json_object_get_object_member (adam, "hyper"), "beta2"), ==, 0.999);
    g_assert_cmpfloat (json_object_get_double_member (
                         json_object_get_object_member (
                           json_array_get_object_element (
                             json_object_get_array_member (root, "optimizers"), 3), "hyper"),
                         "momentum"), ==, 0.9);
    g_assert_cmpfloat (json_object_get_double_member (adam, "seconds_per_step"), >, 0.0);
    g_assert_cmpfloat (json_array_get_double_element (ci, 0), <=, mean);
    g_assert_cmpfloat (mean, <=, json_array_get_double_element (ci, 1));
    g_assert_cmpuint (json_object_get_size (p), ==, 3);
    g_assert_false (json_object_has_member (p, "adam"));
    g_assert_cmpfloat (json_object_get_double_member (p, "sgd"), ==,
                       result->entries[2].p_lower_than[0]);
  }
}

/* The confidence of every optimizer's final mean and the paired tests
 * between them: reproducible, and the tests say what the losses say. */
static void
test_confidence (void)
{
  g_autoptr(L2lCompareResult) a = run_compare ("quadratic", 3, 30, 1e-5, FALSE);
  g_autoptr(L2lCompareResult) b = run_compare ("quadratic", 3, 30, 1e-5, FALSE);

  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (a->entries[i].final_ci95[0], ==, b->entries[i].final_ci95[0]);
      g_assert_cmpfloat (a->entries[i].final_ci95[1], ==, b->entries[i].final_ci95[1]);
      g_assert_true (isnan (a->entries[i].p_lower_than[i]));
      for (guint j = 0; j < 4; j++)
        if (j != i)
          g_assert_cmpfloat (a->entries[i].p_lower_than[j], ==, b->entries[i].p_lower_than[j]);
    }
  /* SGD at 1e-5 barely moves in 30 steps: Adam (at its default rate) ends
   * lower on nearly every function, and the test says so both ways */
  g_assert_cmpfloat (a->entries[0].stats.mean[30], >, a->entries[2].stats.mean[30]);
  g_assert_cmpfloat (a->entries[2].p_lower_than[0], <, 0.01);
  g_assert_cmpfloat (a->entries[0].p_lower_than[2], >, 0.99);
}

static void
cancel_at_once (const L2lCompareProgress *progress,
                gpointer                  user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lCompareResult) result = NULL;
  L2lCompareConfig config;
  L2lOptimizerSpec spec;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", NULL);
  l2l_optimizer_spec_init (&spec, &l2l_optimizer_adam);
  config.optimizers = &spec;
  config.n_optimizers = 1;
  result = l2l_compare_run (&config, cancel_at_once, cancellable, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  l2l_optimizer_spec_clear (&spec);
  l2l_task_unref (config.task);
}

static void
test_invalid_config (void)
{
  g_autoptr(GError) error = NULL;
  L2lCompareConfig config;
  L2lOptimizerSpec specs[2];

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", NULL);
  l2l_optimizer_spec_init (&specs[0], &l2l_optimizer_adam);
  l2l_optimizer_spec_init (&specs[1], &l2l_optimizer_adam);
  config.optimizers = specs;
  config.n_optimizers = 2;
  g_assert_false (l2l_compare_config_validate (&config, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_clear_error (&error);

  config.n_optimizers = 1;
  config.steps = 0;
  g_assert_false (l2l_compare_config_validate (&config, &error));
  g_assert_nonnull (strstr (error->message, "steps"));
  l2l_optimizer_spec_clear (&specs[0]);
  l2l_optimizer_spec_clear (&specs[1]);
  l2l_task_unref (config.task);
}

/* Runs are stepped together in chunks; chunking must not change a single bit. */
static void
test_chunking_is_invisible (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dims=30", NULL);
  const guint chunks[] = { 1, 7, 0 };
  g_autofree double *reference = g_new (double, 50 * 21);
  g_autofree double *losses = g_new (double, 50 * 21);

  for (const L2lOptimizerInfo *const *info = l2l_optimizer_infos (); *info; info++)
    for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
      {
        L2lOptimizerSpec spec;
        L2lTrajectoryJob job = {
          .task = task, .optimizer = &spec, .lr = 1e-3, .seed = 9,
          .stream = L2L_SEED_TEST, .runs = 50, .steps = 20, .chunk_runs = chunks[c],
        };

        l2l_optimizer_spec_init (&spec, *info);
        g_assert_true (l2l_trajectories_run (&job, c ? losses : reference, NULL, NULL, NULL));
        if (c > 0)
          g_assert_cmpmem (losses, 50 * 21 * sizeof (double),
                           reference, 50 * 21 * sizeof (double));
        l2l_optimizer_spec_clear (&spec);
      }
}

/* Tuning's rates and the optimizers' test runs on 1, 2, 3 or 5 threads: the
 * same rates, the same losses, bit for bit. */
static void
test_threads_do_not_matter (void)
{
  g_autoptr(L2lCompareResult) one = NULL;
  g_autofree char *raw_one = NULL, *csv_one = NULL;

  compare_threads = 1;
  one = run_compare ("quadratic", 3, 30, 0.01, TRUE);
  raw_one = l2l_results_to_csv (one, NULL);
  csv_one = test_util_csv_losses (raw_one);
  for (guint threads = 2; threads <= 5; threads += 1 + (threads == 3))
    {
      g_autoptr(L2lCompareResult) many = NULL;
      g_autofree char *raw = NULL, *csv = NULL;

      compare_threads = threads;
      many = run_compare ("quadratic", 3, 30, 0.01, TRUE);
      raw = l2l_results_to_csv (many, NULL);
      csv = test_util_csv_losses (raw);
      g_assert_cmpstr (csv, ==, csv_one);
      for (guint i = 0; i < one->n_entries; i++)
        {
          g_assert_cmpfloat (many->entries[i].lr, ==, one->entries[i].lr);
          g_assert_cmpmem (many->entries[i].tuning->objective,
                           many->entries[i].tuning->n_grid * sizeof (double),
                           one->entries[i].tuning->objective,
                           one->entries[i].tuning->n_grid * sizeof (double));
        }
    }
  compare_threads = 1;
}

/* One optimizer's comparison on 1 and 2 threads, which its runs (MNIST's 9
 * runs, in chunks of 4) or its problems' losses and gradients (the cnn's,
 * one chunk) then have: the same losses, bit for bit. */
static char *
one_optimizer_csv (const char *spec,
                   guint       runs,
                   guint       threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lCompareResult) result = NULL;
  g_autofree char *raw = NULL;
  L2lCompareConfig config;
  L2lOptimizerSpec adam;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec (spec, &error);
  g_assert_no_error (error);
  l2l_optimizer_spec_init (&adam, l2l_optimizer_info_lookup ("adam"));
  config.optimizers = &adam;
  config.n_optimizers = 1;
  config.runs = runs;
  config.steps = 4;
  config.seed = 2;
  config.threads = threads;
  result = l2l_compare_run (&config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  raw = l2l_results_to_csv (result, NULL);
  l2l_optimizer_spec_clear (&adam);
  l2l_task_unref (config.task);
  return test_util_csv_losses (raw);
}

static void
test_one_optimizer_threads (void)
{
  const struct { const char *spec; guint runs; } cases[] = {
    { "mnist", 9 },
    { "cnn:dataset=mnist,batch=24", 2 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *one = one_optimizer_csv (cases[c].spec, cases[c].runs, 1);
      g_autofree char *two = one_optimizer_csv (cases[c].spec, cases[c].runs, 2);

      g_assert_cmpstr (two, ==, one);
    }
}

typedef struct {
  gsize  n;
  float *first;     /* θ of run 0 at step 0, per optimizer */
  float *last;      /* θ of every run at the last step */
  guint  steps;
  guint  seen;
} ThetaSeen;

static void
keep_theta (const L2lCompareProgress *progress,
            gpointer                  user_data)
{
  ThetaSeen *seen = user_data;

  if (progress->phase != L2L_COMPARE_RUNNING)
    return;
  g_assert_nonnull (progress->theta);
  seen->seen++;
  if (progress->step == 0 && progress->first_run == 0 && progress->optimizer == 0)
    memcpy (seen->first, progress->theta, seen->n * sizeof (float));
  if (progress->step == seen->steps && progress->optimizer == 1)
    memcpy (seen->last + progress->first_run * seen->n, progress->theta,
            progress->n_runs * seen->n * sizeof (float));
}

/* Progress carries each run's θ as it goes (neural art's previews): θ0 at
 * step 0, and at the last step the final θ the result keeps. */
static void
test_progress_carries_theta (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lCompareResult) result = NULL;
  g_autoptr(L2lProblem) problem = NULL;
  L2lCompareConfig config;
  L2lOptimizerSpec optimizers[2];
  g_autofree float *theta0 = NULL;
  ThetaSeen seen = { 0 };

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic:dims=6", &error);
  g_assert_no_error (error);
  l2l_optimizer_spec_init (&optimizers[0], l2l_optimizer_info_lookup ("sgd"));
  l2l_optimizer_spec_init (&optimizers[1], l2l_optimizer_info_lookup ("adam"));
  config.optimizers = optimizers;
  config.n_optimizers = 2;
  config.runs = 5;
  config.steps = 12;
  config.seed = 4;
  config.keep_final_theta = TRUE;
  seen.n = 6;
  seen.steps = config.steps;
  seen.first = g_new0 (float, seen.n);
  seen.last = g_new0 (float, config.runs * seen.n);
  result = l2l_compare_run (&config, keep_theta, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.seen, >=, 2 * (config.steps + 1));

  problem = l2l_task_sample_held_out (config.task, l2l_seed_derive (4, L2L_SEED_TEST, 0));
  theta0 = g_new (float, seen.n);
  l2l_problem_init (problem, theta0);
  g_assert_cmpmem (seen.first, seen.n * sizeof (float), theta0, seen.n * sizeof (float));
  g_assert_cmpmem (seen.last, config.runs * seen.n * sizeof (float),
                   result->entries[1].final_theta, config.runs * seen.n * sizeof (float));
  g_assert_true (memcmp (theta0, result->entries[1].final_theta, seen.n * sizeof (float)) != 0);
  g_free (seen.first);
  g_free (seen.last);
  l2l_optimizer_spec_clear (&optimizers[0]);
  l2l_optimizer_spec_clear (&optimizers[1]);
  l2l_task_unref (config.task);
}

/* The time per step is a step's typical cost: one stall of a thousand steps'
 * worth (a preempted thread) moves it not at all, nor does step 0 (the first
 * loss alone), and a stalled run among others only shifts the median step. */
static void
test_seconds_per_step_is_robust (void)
{
  double seconds[2 * 11];
  L2lCompareEntry entry = { .seconds = seconds };
  L2lCompareResult result = { .steps = 10, .runs = 2, .n_entries = 1, .entries = &entry };

  for (guint r = 0; r < 2; r++)
    {
      seconds[r * 11] = 5e-3;
      for (guint t = 1; t <= 10; t++)
        seconds[r * 11 + t] = seconds[r * 11 + t - 1] + (t == 3 ? 1e-3 : 1e-6);
    }
  g_assert_cmpfloat_with_epsilon (l2l_compare_entry_seconds_per_step (&result, &entry), 1e-6,
                                  1e-12);
  /* run 1 alone stalls at step 7: that step's mean is 0.5 ms, still one of ten */
  for (guint t = 7; t <= 10; t++)
    seconds[11 + t] += 1e-3;
  g_assert_cmpfloat_with_epsilon (l2l_compare_entry_seconds_per_step (&result, &entry), 1e-6,
                                  1e-12);
  /* runs twice as slow throughout: twice the time */
  for (guint i = 0; i < 2 * 11; i++)
    seconds[i] *= 2;
  g_assert_cmpfloat_with_epsilon (l2l_compare_entry_seconds_per_step (&result, &entry), 2e-6,
                                  1e-12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/compare/same-seed-same-csv", test_same_seed_same_csv);
  g_test_add_func ("/engine/compare/csv-layout", test_csv_layout);
  g_test_add_func ("/engine/compare/seconds-per-step-is-robust", test_seconds_per_step_is_robust);
  g_test_add_func ("/engine/compare/same-functions-for-all", test_same_functions_for_all);
  g_test_add_func ("/engine/compare/divergence-is-reported", test_divergence_is_reported);
  g_test_add_func ("/engine/compare/tuned-hyper-is-used", test_tuned_hyper_is_used);
  g_test_add_func ("/engine/compare/json-summary", test_json_summary);
  g_test_add_func ("/engine/compare/confidence", test_confidence);
  g_test_add_func ("/engine/compare/cancel", test_cancel);
  g_test_add_func ("/engine/compare/invalid-config", test_invalid_config);
  g_test_add_func ("/engine/compare/chunking-is-invisible", test_chunking_is_invisible);
  g_test_add_func ("/engine/compare/threads-do-not-matter", test_threads_do_not_matter);
  g_test_add_func ("/engine/compare/one-optimizer-threads", test_one_optimizer_threads);
  g_test_add_func ("/engine/compare/progress-carries-theta", test_progress_carries_theta);
  return g_test_run ();
}
