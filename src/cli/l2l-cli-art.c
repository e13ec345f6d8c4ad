/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l2l-cli-compare.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-optimizer-list.h"
#include "l2l-cli-parse.h"
#include "l2l-cli.h"

/* The art family's options are this command's flags, with the size that
 * styling uses; the other flags are the command's own. */
typedef struct {
  char      **options;     /* [the family's options], as typed */
  char       *out_dir, *csv, *plot, *plot_size;
  GPtrArray  *texts;       /* help texts */
} ArtArgs;

static GOptionEntry *
art_entries (ArtArgs *args)
{
  const L2lTaskFamily *family = &l2l_task_art_family;
  GOptionEntry *entries = g_new0 (GOptionEntry, family->n_options + 1);

  args->options = g_new0 (char *, family->n_options + 1);
  args->texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < family->n_options; i++)
    {
      const L2lOptionInfo *info = &family->options[i];
      const char *shown = g_str_equal (info->key, "size") ? G_STRINGIFY (L2L_ART_STYLE_SIZE)
                                                          : info->default_value;
      /* the photo is required here, so the family's "empty: …" does not apply */
      const char *what = g_str_equal (info->key, "content") ? "The photo to style (PNG or JPEG)"
                                                             : info->help;
      char *help = *shown ? g_strdup_printf ("%s (default: %s)", what, shown) : g_strdup (what);
      const char *metavar = info->type == L2L_OPTION_STRING ? "FILE"
                            : info->type == L2L_OPTION_INT ? "N" : "X";

      g_ptr_array_add (args->texts, help);
      if (info->type == L2L_OPTION_CHOICE)
        {
          char *words = g_strjoinv ("|", (char **) info->choices);

          g_ptr_array_add (args->texts, words);
          metavar = words;
        }
      entries[i] = (GOptionEntry) { info->key, 0, 0,
                                    info->type == L2L_OPTION_STRING ? G_OPTION_ARG_FILENAME
                                                                    : G_OPTION_ARG_STRING,
                                    &args->options[i], help, metavar };
    }
  return entries;
}

/* The art task's spec from the flags; the engine checks the values. Paths
 * cannot hold the spec's separator. */
static char *
build_spec (const ArtArgs  *args,
            GError        **error)
{
  const L2lTaskFamily *family = &l2l_task_art_family;
  GString *spec = g_string_new ("art:");
  gboolean sized = FALSE;

  for (guint i = 0; i < family->n_options; i++)
    {
      const char *value = args->options[i];

      if (value == NULL)
        continue;
      sized |= g_str_equal (family->options[i].key, "size");
      if (strchr (value, ',') != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--%s: %s: a name with a comma cannot be passed on",
                       family->options[i].key, value);
          g_string_free (spec, TRUE);
          return NULL;
        }
      g_string_append_printf (spec, "%s=%s,", family->options[i].key, value);
    }
  /* this command's own default size, unless --size gives one */
  if (!sized)
    g_string_append (spec, "size=" G_STRINGIFY (L2L_ART_STYLE_SIZE) ",");
  g_string_truncate (spec, spec->len - 1);
  return g_string_free (spec, FALSE);
}

/* "adam" → "adam", "lstm:art" → "lstm-art": the file names of one optimizer. */
static char *
image_name (const char *label)
{
  return g_strdelimit (g_strdup (label), ":/\\", '-');
}

/* Every file this run will write (the images, and @files: --csv and
 * --plot), checked before any work: writable, and none of them an input. */
static gboolean
check_outputs (const L2lCliExperiment  *experiment,
               const L2lCompareConfig  *config,
               const char              *dir,
               const char *const       *files,
               GError                 **error)
{
  if (!l2l_cli_experiment_check_outputs (experiment, config, TRUE, files,
                                         (const char *[]) { "--csv", "--plot" }, 2, error))
    return FALSE;
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

      if (!l2l_file_check_writable (path, error) ||
          !l2l_cli_experiment_check_outputs (experiment, config, TRUE,
                                             (const char *[]) { path },
                                             (const char *[]) { "--out-dir" }, 1, error))
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

static const char *
art_option (const ArtArgs *args,
            const char    *key)
{
  const L2lTaskFamily *family = &l2l_task_art_family;

  for (guint i = 0; i < family->n_options; i++)
    if (g_str_equal (family->options[i].key, key))
      return args->options[i];
  g_return_val_if_reached (NULL);
}

static void
art_args_clear (ArtArgs *args)
{
  /* not a strv: the options not given leave holes */
  for (guint i = 0; args->options != NULL && i < l2l_task_art_family.n_options; i++)
    g_free (args->options[i]);
  g_clear_pointer (&args->options, g_free);
  g_clear_pointer (&args->texts, g_ptr_array_unref);
  g_clear_pointer (&args->out_dir, g_free);
  g_clear_pointer (&args->csv, g_free);
  g_clear_pointer (&args->plot, g_free);
  g_clear_pointer (&args->plot_size, g_free);
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
  g_autofree GOptionEntry *options = art_entries (&args);
  g_autofree char *rates = l2l_cli_default_rates (&l2l_task_art_family);
  g_autofree char *summary = NULL;
  L2lCompareConfig defaults;
  const GOptionEntry entries[] = {
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &args.out_dir,
      "Folder for NAME.png and NAME-triple.png (content | result | style) of each optimizer",
      "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &args.csv,
      "Write every loss as CSV optimizer,run,step,loss,seconds (step 0 = initial loss; "
      "seconds: the run's wall time to that step)", "FILE" },
    { NULL },
  };

  g_set_prgname ("l2l art");
  experiment.default_optimizers = "adam";
  /* one image, one run, tuned on that image too */
  l2l_compare_config_init (&defaults);
  defaults.runs = defaults.tune.runs = 1;
  defaults.steps = L2L_ART_STYLE_STEPS;
  context = g_option_context_new ("— style a photo with each optimizer");
  summary = g_strdup_printf (
    "Optimizes the image itself under the neural-art loss (content + style +\n"
    "smoothness, the paper's Figure 8), once per optimizer from the same start,\n"
    "and writes each result and the content | result | style triple as PNG.\n"
    "Without --lr or --tune, hand-written optimizers use rates suited to this\n"
    "task (%s, as 'l2l compare --task art' does);\n"
    "--tune picks them on the same image.", rates);
  g_option_context_set_summary (context, summary);
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (&experiment,
                                                                              L2L_CLI_FLAGS_RATES,
                                                                              &l2l_task_art_family,
                                                                              &defaults));
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  l2l_cli_add_plot_entries (context, &args.plot, &args.plot_size,
                            "Draw the loss per step, log scale, as .png, .svg or "
                            ".pdf");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("art", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1 || art_option (&args, "content") == NULL || args.out_dir == NULL)
    {
      l2l_cli_error ("art", argc > 1 ? "unexpected argument '%s'" : "%s is required",
                     argc > 1 ? argv[1]
                              : art_option (&args, "content") == NULL ? "--content" : "--out-dir");
      status = L2L_EXIT_USAGE;
      goto out;
    }

  /* One image, one run; tuning on that image too (once is enough when the
   * start is the content itself). */
  experiment.task = build_spec (&args, &error);
  /* the art task's options are this command's flags */
  if (experiment.task != NULL && !l2l_cli_experiment_build (&experiment, &defaults, &config, &error))
    l2l_cli_name_flag (error);
  if (error != NULL ||
      (args.csv && !l2l_file_check_writable (args.csv, &error)) ||
      !l2l_cli_parse_plot (args.plot, args.plot_size, FALSE, &plot_width, &plot_height,
                          &error) ||
      !check_outputs (&experiment, &config, args.out_dir,
                      (const char *[]) { args.csv, args.plot }, &error))
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
