/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l2l-cli-experiment.h"
#include "l2l-cli.h"

#define ART_DEFAULT_SIZE "128"
#define ART_DEFAULT_STEPS "128"

typedef struct {
  char *content, *style, *size, *alpha, *beta, *gamma, *content_layer, *init, *net;
  char *out_dir, *csv, *plot, *plot_size;
} ArtArgs;

/* The art task's spec from the flags; the engine checks the values. Paths
 * cannot hold the spec's separator. */
static char *
build_spec (const ArtArgs  *args,
            GError        **error)
{
  const struct { const char *key, *value; } options[] = {
    { "content", args->content }, { "style", args->style },
    { "size", args->size ? args->size : ART_DEFAULT_SIZE }, { "alpha", args->alpha },
    { "beta", args->beta }, { "gamma", args->gamma }, { "content-layer", args->content_layer },
    { "init", args->init }, { "net", args->net },
  };
  GString *spec = g_string_new ("art:");

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      if (options[i].value == NULL)
        continue;
      if (strchr (options[i].value, ',') != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--%s: %s: a name with a comma cannot be passed on", options[i].key,
                       options[i].value);
          g_string_free (spec, TRUE);
          return NULL;
        }
      g_string_append_printf (spec, "%s%s=%s", spec->len > 4 ? "," : "", options[i].key,
                              options[i].value);
    }
  return g_string_free (spec, FALSE);
}

/* "adam" → "adam", "lstm:art" → "lstm-art": the file names of one optimizer. */
static char *
image_name (const char *label)
{
  return g_strdelimit (g_strdup (label), ":/\\", '-');
}

/* Every image this run will write, checked before any work. */
static gboolean
check_outputs (const L2lCompareConfig  *config,
               const char              *dir,
               GError                 **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--out-dir: %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < config->n_optimizers; i++)
    {
      g_autofree char *name = image_name (config->optimizers[i].label);
      g_autofree char *file = g_strconcat (name, ".png", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);

      if (!l2l_file_check_writable (path, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_images (const L2lCompareConfig  *config,
              const L2lCompareResult  *result,
              const char              *dir,
              GError                 **error)
{
  /* The comparison's one run is the first function of the test stream. */
  g_autoptr(L2lProblem) problem =
    l2l_task_sample_held_out (config->task, l2l_seed_derive (config->seed, L2L_SEED_TEST, 0));
  const guint size = l2l_art_problem_get_size (problem);

  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];
      g_autofree char *name = image_name (entry->label);
      g_autofree char *single = g_strconcat (name, ".png", NULL);
      g_autofree char *triple = g_strconcat (name, "-triple.png", NULL);
      g_autofree char *single_path = g_build_filename (dir, single, NULL);
      g_autofree char *triple_path = g_build_filename (dir, triple, NULL);

      if (!l2l_image_save_png (entry->final_theta, size, size, single_path, error) ||
          !l2l_image_save_triple_png (l2l_art_problem_get_content (problem), entry->final_theta,
                                      l2l_art_problem_get_style (problem), size, triple_path,
                                      error))
        return FALSE;
      printf ("Wrote %s and %s\n", single_path, triple_path);
    }
  return TRUE;
}

static void
art_args_clear (ArtArgs *args)
{
  char **fields[] = {
    &args->content, &args->style, &args->size, &args->alpha, &args->beta, &args->gamma,
    &args->content_layer, &args->init, &args->net, &args->out_dir, &args->csv, &args->plot,
    &args->plot_size,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
}

int
l2l_cli_art (int   argc,
             char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) table_steps = NULL;
  g_autoptr(L2lCompareResult) result = NULL;
  L2lCliExperiment experiment = { 0 };
  L2lCompareConfig config = { 0 };
  ArtArgs args = { 0 };
  int plot_width, plot_height;
  int status = L2L_EXIT_OK;
  const GOptionEntry entries[] = {
    { "content", 0, 0, G_OPTION_ARG_FILENAME, &args.content,
      "The photo to style (PNG or JPEG)", "FILE" },
    { "style", 0, 0, G_OPTION_ARG_FILENAME, &args.style,
      "The painting whose style to take (default: the shipped Starry Night)", "FILE" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &args.size,
      "Side of the square image in pixels (default: " ART_DEFAULT_SIZE ")", "N" },
    { "alpha", 0, 0, G_OPTION_ARG_STRING, &args.alpha, "Weight of the content loss", "A" },
    { "beta", 0, 0, G_OPTION_ARG_STRING, &args.beta, "Weight of the style loss", "B" },
    { "gamma", 0, 0, G_OPTION_ARG_STRING, &args.gamma, "Weight of the smoothness loss", "G" },
    { "content-layer", 0, 0, G_OPTION_ARG_STRING, &args.content_layer,
      "Feature layer of the content loss", "L" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &args.init,
      "Start from the content image or from uniform noise (default: content)",
      "content|noise" },
    { "net", 0, 0, G_OPTION_ARG_FILENAME, &args.net,
      "Feature network (default: the shipped InceptionV3 stem)", "FILE" },
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &args.out_dir,
      "Folder for NAME.png and NAME-triple.png (content | result | style) of each optimizer",
      "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &args.csv,
      "Write every loss as CSV optimizer,run,step,loss,seconds (step 0 = initial loss; "
      "seconds: the run's wall time to that step)", "FILE" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &args.plot,
      "Draw the loss per step, log scale, as .png, .svg or .pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &args.plot_size,
      "Size of --plot in pixels (PNG) or points (default: 1000x650)", "WxH" },
    { NULL },
  };

  g_set_prgname ("l2l art");
  context = g_option_context_new ("— style a photo with each optimizer");
  g_option_context_set_summary (context,
    "Optimizes the image itself under the neural-art loss (content + style +\n"
    "smoothness, the paper's Figure 8), once per optimizer from the same start,\n"
    "and writes each result and the content | result | style triple as PNG.\n"
    "Without --lr or --tune, hand-written optimizers use rates suited to this\n"
    "task (sgd 0.05, rmsprop 0.01, adam 0.1, nag 0.02, as 'l2l compare --task art'\n"
    "does); --tune picks them on the same image.");
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (&experiment,
                                                                              L2L_CLI_FLAGS_RATES));
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("art", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1 || args.content == NULL || args.out_dir == NULL)
    {
      l2l_cli_error ("art", argc > 1 ? "unexpected argument '%s'" : "%s is required",
                     argc > 1 ? argv[1] : args.content == NULL ? "--content" : "--out-dir");
      status = L2L_EXIT_USAGE;
      goto out;
    }

  /* One image, one run; tuning on that image too (once is enough when the
   * start is the content itself). */
  experiment.task = build_spec (&args, &error);
  experiment.runs = g_strdup ("1");
  if (experiment.steps == NULL)
    experiment.steps = g_strdup (ART_DEFAULT_STEPS);
  if (experiment.tune_runs == NULL)
    experiment.tune_runs = g_strdup ("1");
  if (experiment.optimizers == NULL)
    experiment.optimizers = g_strdup ("adam");
  /* the art task's options are this command's flags */
  if (experiment.task != NULL && !l2l_cli_experiment_build (&experiment, &config, &error))
    l2l_cli_name_flag (error);
  if (error != NULL ||
      (args.csv && !l2l_file_check_writable (args.csv, &error)) ||
      !l2l_cli_parse_plot (args.plot, args.plot_size, &plot_width, &plot_height, &error) ||
      !check_outputs (&config, args.out_dir, &error))
    {
      status = L2L_EXIT_USAGE;
      l2l_cli_report ("art", error);
      goto out;
    }
  config.keep_final_theta = TRUE;

  if ((result = l2l_cli_compare_run (&config, &error)) == NULL ||
      !write_images (&config, result, args.out_dir, &error) ||
      (args.csv && !l2l_results_write_csv (result, args.csv, &error)) ||
      (args.plot && !l2l_cli_compare_write_plot (result, args.plot, plot_width, plot_height,
                                                 L2L_CHART_X_DATA, &error)))
    {
      status = l2l_cli_fail ("art", error);
      goto out;
    }
  table_steps = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (table_steps, config.steps);
  {
    g_autofree char *table = l2l_results_to_table (result, (const guint *) table_steps->data,
                                                   table_steps->len);
    fputs (table, stdout);
  }

out:
  l2l_compare_config_clear (&config);
  l2l_cli_experiment_clear (&experiment);
  art_args_clear (&args);
  return status;
}
