/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "l2l-chart-export.h"
#include "l2l-chart-results.h"
#include "l2l-cli-cluster.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-parse.h"
#include "l2l-cli-settings.h"
#include "l2l-cli-task.h"
#include "l2l-cli-job.h"
#include "l2l-cli.h"
#include "l2l-engine.h"

typedef struct {
  char           *task, *problem, *data;
  char           *out, *resume, *history, *plot, *plot_size;
  L2lCliSettings  settings;    /* the engine's training settings */
} TrainArgs;

typedef struct {
  L2lTrainer *trainer;
  char       *out;
  char       *resume_out;
  char       *history_path;
  char       *plot_path;
  int         plot_width;
  int         plot_height;
  gboolean    live;          /* stderr is a terminal */
  GError     *save_error;
  GCancellable *cancellable;
  L2lFileLock *lock;         /* on --out, while this training writes it */
} TrainJob;

static char *
resume_path_for (const char *out)
{
  if (g_str_has_suffix (out, ".safetensors"))
    {
      g_autofree char *stem = g_strndup (out, strlen (out) - strlen (".safetensors"));
      return g_strconcat (stem, ".resume.safetensors", NULL);
    }
  return g_strconcat (out, ".resume", NULL);
}

static gboolean
write_plot (TrainJob  *job,
            GError   **error)
{
  g_autoptr(L2lChart) chart = NULL;
  g_autofree char *title = NULL;
  const L2lTrainRecord *history;
  guint n;

  title = g_strdup_printf ("Meta-training on %s",
                           l2l_task_get_spec (l2l_trainer_get_config (job->trainer)->task));
  chart = l2l_chart_new (title, "epoch", "loss", TRUE);
  history = l2l_trainer_get_history (job->trainer, &n);
  l2l_chart_add_train_history (chart, history, n, "meta-loss", "held-out loss");
  return l2l_chart_save (chart, job->plot_path, job->plot_width, job->plot_height, error);
}

static gboolean
stage_history (TrainJob    *job,
               L2lFileSet  *set,
               GError     **error)
{
  guint n;
  const L2lTrainRecord *history = l2l_trainer_get_history (job->trainer, &n);
  gsize length;
  g_autofree char *csv = l2l_train_history_to_csv (history, n, &length);

  return l2l_file_set_add (set, job->history_path, csv, length, error);
}

static gboolean
save_all (TrainJob  *job,
          GError   **error)
{
  /* under MPI every rank holds the same φ; rank 0 writes */
  if (!l2l_cli_is_root ())
    return TRUE;
  /* the best φ, the resume state and the history of one epoch, renamed into
   * place together once all are written: a full disk leaves the last trio */
  {
    g_autoptr(L2lFileSet) set = l2l_file_set_new ();

    if (!l2l_trainer_stage_best (job->trainer, set, job->out, error) ||
        !l2l_trainer_stage_resume (job->trainer, set, job->resume_out, error) ||
        (job->history_path != NULL && !stage_history (job, set, error)) ||
        !l2l_file_set_commit (set, error))
      return FALSE;
  }
  return job->plot_path == NULL || write_plot (job, error);
}

static void
on_progress (L2lTrainer             *trainer,
             const L2lTrainProgress *progress,
             gpointer                user_data)
{
  TrainJob *job = user_data;
  const L2lTrainRecord *record = progress->record;
  guint epoch = record->epoch;

  /* Save at every evaluation: a crash loses at most eval-every epochs. */
  if (!isnan (record->eval_loss) && job->save_error == NULL &&
      !save_all (job, &job->save_error))
    g_cancellable_cancel (job->cancellable);

  if (job->live)
    {
      double per_epoch = epoch > 0 ? progress->elapsed / (epoch + 1) : 0.0;
      char held_out[32] = "–";

      if (!isnan (record->eval_loss))
        g_snprintf (held_out, sizeof held_out, "%.4g", record->eval_loss);
      fprintf (stderr, "\r\033[Kepoch %u/%u · meta-loss %.4g · held-out %s · best %.4g @%u · "
               "%.0f s · ETA %.0f s", epoch, progress->epochs, record->meta_loss, held_out,
               progress->best_eval_loss, progress->best_epoch, progress->elapsed,
               per_epoch * (progress->epochs - epoch));
      fflush (stderr);
    }
}

static gboolean
train_job (gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  TrainJob *job = data;
  gboolean ok;

  job->cancellable = cancellable;
  ok = l2l_trainer_run (job->trainer, on_progress, job, cancellable, error);
  if (job->live)
    fputs ("\r\033[K", stderr);
  if (job->save_error != NULL)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&job->save_error));
      return FALSE;
    }
  return ok;
}

static gboolean
build_config (const TrainArgs  *args,
              L2lTrainConfig   *config,
              GError          **error)
{
  config->task = l2l_cli_task_or_problem (args->task, args->problem, args->data, error);
  if (config->task == NULL)
    return FALSE;
  l2l_train_config_use_task_defaults (config);
  config->threads = l2l_cli_default_threads ();
  if (!l2l_cli_settings_apply (&args->settings, config, error))
    return FALSE;
  if (!l2l_train_config_validate (config, error))
    {
      l2l_cli_name_flag (*error);
      return FALSE;
    }
  return TRUE;
}

/* With --resume the settings come from the file; only these may be given. */
static const char *
setting_given_with_resume (const TrainArgs *args)
{
  static const char *const allowed[] = { "epochs", "threads", NULL };

  if (args->task || args->problem || args->data)
    return args->task ? "--task" : args->problem ? "--problem" : "--data";
  for (guint i = 0; i < args->settings.n; i++)
    {
      const char *name = args->settings.settings[i].name;
      static char flag[64];

      if (!g_strv_contains (allowed, name) && l2l_cli_settings_given (&args->settings, name))
        {
          g_snprintf (flag, sizeof flag, "--%s", name);
          return flag;
        }
    }
  return NULL;
}

static void
free_args (TrainArgs *args)
{
  char **fields[] = {
    &args->task, &args->problem, &args->data, &args->out, &args->resume, &args->history,
    &args->plot, &args->plot_size,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  l2l_cli_settings_clear (&args->settings);
}

static void
print_summary (TrainJob *job)
{
  const L2lTrainConfig *config = l2l_trainer_get_config (job->trainer);
  guint n;
  const L2lTrainRecord *history = l2l_trainer_get_history (job->trainer, &n);
  double eval_seconds, seconds = l2l_trainer_get_elapsed (job->trainer, &eval_seconds);
  double untrained = n > 0 ? history[0].eval_loss : NAN;

  printf ("Trained on %s: %u epochs of %u functions, T = %u, K = %u, w_t %s\n",
          l2l_task_get_spec (config->task), l2l_trainer_get_epoch (job->trainer),
          config->batch, config->steps, config->unroll, config->weights);
  if (config->meta_lr_schedule != L2L_META_LR_CONSTANT || config->scale_range > 1.0 ||
      config->curriculum > 0 || config->average > 0.0 || config->zero_output ||
      config->log_objective || config->meta_gradient != L2L_META_GRADIENT_FIRST_ORDER ||
      config->keep != L2L_KEEP_MEAN || config->stagger)
    printf ("Recipe: meta learning rate %s, scale range %g, curriculum %u, average %g, "
            "output layer from %s, objective %s, meta-gradient %s, keeping the best %s loss%s\n",
            l2l_meta_lr_schedule_to_string (config->meta_lr_schedule), config->scale_range,
            config->curriculum, config->average, config->zero_output ? "zero" : "random",
            config->log_objective ? "log" : "loss",
            l2l_meta_gradient_to_string (config->meta_gradient), l2l_keep_to_string (config->keep),
            config->stagger ? ", staggered starts" : "");
  if (config->imitate != NULL)
    {
      g_autofree char *teacher = l2l_imitate_to_string (config->imitate, config->imitate_lr);
      double first, last = l2l_trainer_get_imitation_error (job->trainer, &first);

      if (isnan (last))
        printf ("Warm start: imitated %s for %u epochs (in an earlier run)\n", teacher,
                config->imitate_epochs);
      else
        printf ("Warm start: imitated %s for %u epochs, relative squared error %.3g → %.3g\n",
                teacher, config->imitate_epochs, first, last);
    }
  if (config->rule.groups[0] != '\0')
    printf ("One LSTM per parameter group: %s\n", config->rule.groups);
  printf ("Held-out loss (%u functions): untrained %.4g, best %.4g\n", config->eval_runs,
          untrained, l2l_trainer_get_best_eval_loss (job->trainer));
  printf ("Wall time %.1f s (%.1f ms an epoch), of which held-out evaluations %.1f s (%.1f %%)\n",
          seconds, n > 1 ? 1e3 * seconds / (n - 1) : 0.0, eval_seconds,
          seconds > 0.0 ? 100.0 * eval_seconds / seconds : 0.0);
  {
    g_autofree char *shared = l2l_cli_cluster_describe (seconds);
    if (shared != NULL)
      printf ("%s\n", shared);
  }
  printf ("Best optimizer: %s\nResume state: %s\n", job->out, job->resume_out);
}

/* The settings whose defaults differ between task families, per family, for
 * --help: the engine's, which the desktop app uses too. */
static char *
family_defaults_text (void)
{
  const L2lTaskFamily *const *families = l2l_task_families ();
  GString *text = g_string_new ("Defaults by task (the desktop app uses the same):\n");
  guint n;
  const L2lSetting *settings = l2l_train_settings (&n);

  for (guint i = 0; families[i] != NULL; i++)
    {
      L2lTrainConfig config;

      l2l_train_config_init_defaults (&config);
      l2l_train_config_use_family_defaults (&config, families[i]);
      g_string_append_printf (text, "  %-14s", families[i]->name);
      for (guint k = 0; k < n; k++)
        {
          g_autofree char *common = settings[k].default_text ? NULL
                                    : l2l_train_setting_default (&settings[k]);
          g_autofree char *value = NULL;

          if (common != NULL || settings[k].default_text != NULL)
            continue;
          value = l2l_setting_format (&settings[k], &config);
          g_string_append_printf (text, " --%s %s", settings[k].name, value);
        }
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* None of the outputs may be a file this training reads: the resume file,
 * --problem, the task's files. The resume file beside --out is the one
 * exception: going on from it updates it in place, as it always has. */
static gboolean
check_not_inputs (const TrainArgs  *args,
                  const TrainJob   *job,
                  GError          **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func (g_free);

  if (args->resume != NULL &&
      !l2l_file_check_not_inputs ((const char *[]) { job->out, job->history_path,
                                                     job->plot_path },
                                  (const char *[]) { "--out", "--history", "--plot" }, 3,
                                  (const char *[]) { args->resume },
                                  (const char *[]) { "--resume" }, 1, error))
    return FALSE;
  if (args->problem != NULL)
    {
      g_ptr_array_add (paths, g_strdup (args->problem));
      g_ptr_array_add (flags, g_strdup ("--problem"));
    }
  l2l_cli_inputs_add_task (paths, flags,
                           l2l_task_get_spec (l2l_trainer_get_config (job->trainer)->task),
                           FALSE);
  return l2l_file_check_not_inputs ((const char *[]) { job->out, job->resume_out,
                                                       job->history_path, job->plot_path },
                                    (const char *[]) { "--out", "the resume file beside --out",
                                                       "--history", "--plot" }, 4,
                                    (const char *const *) paths->pdata,
                                    (const char *const *) flags->pdata, paths->len, error);
}

int
l2l_cli_train (int   argc,
               char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  TrainArgs args = { 0 };
  g_autofree char *defaults = NULL;
  L2lTrainConfig config;
  TrainJob job = { 0 };
  int status = L2L_EXIT_OK;
  guint n_settings;
  const L2lSetting *settings = l2l_train_settings (&n_settings);
  const GOptionEntry task_entries[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING, &args.task,
      "Task family and options (default: " L2L_TASK_DEFAULT_SPEC ")", "SPEC" },
    { "problem", 0, 0, G_OPTION_ARG_FILENAME, &args.problem,
      "Train on one fixed quadratic from a JSON file instead of --task", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args.data,
      "Folder of the data set: the standard IDX files for mnist and fashion-mnist, "
      "cifar-10-batches-bin for cnn:dataset=cifar10", "DIR" },
    { NULL },
  };
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &args.out,
      "Best learned optimizer, as safetensors (required); the resume state goes beside "
      "it as NAME.resume.safetensors", "FILE" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &args.resume,
      "Go on from a resume file, with its settings", "FILE" },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &args.history,
      "Write the per-epoch curve as CSV epoch,meta_loss,eval_loss,seconds", "FILE" },
    { NULL },
  };

  g_set_prgname ("l2l train");
  context = g_option_context_new ("— meta-train an LSTM optimizer");
  g_option_context_set_summary (context,
    "Meta-trains the coordinatewise LSTM optimizer by truncated BPTT and keeps the\n"
    "φ that scores best on held-out functions. Ctrl-C stops after the current\n"
    "unroll and saves the best optimizer and the resume state.");
  l2l_cli_settings_init (&args.settings, settings, n_settings, NULL, l2l_cli_train_default,
                         NULL);
  g_option_context_add_main_entries (context, task_entries, NULL);
  g_option_context_add_main_entries (context, args.settings.entries, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  l2l_cli_add_plot_entries (context, &args.plot, &args.plot_size,
                            "Draw meta-loss and held-out loss per epoch as .png, "
                            ".svg or .pdf");
  defaults = family_defaults_text ();
  g_option_context_set_description (context, defaults);

  l2l_train_config_init_defaults (&config);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("train", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1 || args.out == NULL)
    {
      l2l_cli_error ("train", argc > 1 ? "unexpected argument '%s'" : "%s",
                     argc > 1 ? argv[1] : "--out FILE is required");
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (args.resume != NULL && setting_given_with_resume (&args) != NULL)
    {
      l2l_cli_error ("train", "%s: with --resume the settings come from the resume file; "
                     "only --epochs, --threads, --out, --history and --plot may be given",
                     setting_given_with_resume (&args));
      status = L2L_EXIT_USAGE;
      goto out;
    }

  job.out = args.out;
  job.resume_out = resume_path_for (args.out);
  job.history_path = args.history;
  job.plot_path = args.plot;
  job.live = isatty (STDERR_FILENO) && l2l_cli_is_root ();
  if (args.resume != NULL)
    {
      guint epochs = 0, threads = 1;

      const char *epochs_text = args.settings.values[l2l_settings_lookup (settings, n_settings,
                                                                         "epochs") - settings];
      const char *threads_text = args.settings.values[l2l_settings_lookup (settings,
                                                                          n_settings,
                                                                          "threads") - settings];

      if (!l2l_cli_parse_uint ("--epochs", epochs_text, &epochs, &error) ||
          !l2l_cli_parse_uint ("--threads", threads_text, &threads, &error) ||
          (job.trainer = l2l_trainer_new_from_resume (args.resume, &error)) == NULL)
        {
          l2l_cli_report ("train", error);
          status = L2L_EXIT_USAGE;
          goto out;
        }
      if (!l2l_trainer_set_threads (job.trainer,
                                    threads_text ? threads : l2l_cli_default_threads (), &error) ||
          (epochs_text != NULL && !l2l_trainer_set_epochs (job.trainer, epochs, &error)))
        {
          l2l_cli_name_flag (error);
          l2l_cli_report ("train", error);
          status = L2L_EXIT_USAGE;
          goto out;
        }
    }
  else
    {
      if (!build_config (&args, &config, &error) ||
          (job.trainer = l2l_trainer_new (&config, &error)) == NULL)
        {
          l2l_cli_report ("train", error);
          status = L2L_EXIT_USAGE;
          goto out;
        }
    }
  l2l_trainer_set_cluster (job.trainer, l2l_cli_cluster ());
  /* before the checks below, which remove temporaries a crash left: those
   * of a training still running are not stale (a missing folder is theirs
   * to report) */
  if (l2l_cli_is_root () && (job.lock = l2l_file_lock (job.out, "--out", &error)) == NULL &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      l2l_cli_report ("train", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  g_clear_error (&error);
  if (!l2l_file_check_writable (job.out, &error) ||
      !l2l_file_check_writable (job.resume_out, &error) ||
      (job.history_path && !l2l_file_check_writable (job.history_path, &error)) ||
      !l2l_file_check_distinct ((const char *[]) { job.out, job.resume_out, job.history_path,
                                                   job.plot_path },
                                (const char *[]) { "--out", "the resume file beside --out",
                                                   "--history", "--plot" }, 4, &error) ||
      !check_not_inputs (&args, &job, &error) ||
      !l2l_cli_parse_plot (args.plot, args.plot_size, FALSE, &job.plot_width, &job.plot_height,
                           &error))
    {
      l2l_cli_report ("train", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }

  /* every rank ready, or none starts */
  if ((status = l2l_cli_cluster_agree ("train", L2L_EXIT_OK)) != L2L_EXIT_OK)
    goto out;
  if (!l2l_cli_run_job (train_job, &job, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autoptr(GError) save_error = NULL;
          if (!save_all (&job, &save_error))
            status = l2l_cli_fail ("train", save_error);
          else
            {
              l2l_cli_error ("train", "interrupted after epoch %u; saved the best optimizer "
                             "to %s; go on with --resume %s",
                             l2l_trainer_get_epoch (job.trainer), job.out, job.resume_out);
              status = L2L_EXIT_INTERRUPTED;
            }
        }
      else
        status = l2l_cli_fail ("train", error);
      goto out;
    }
  if (!save_all (&job, &error))
    {
      status = l2l_cli_fail ("train", error);
      goto out;
    }
  if (l2l_cli_is_root ())
    print_summary (&job);

out:
  status = l2l_cli_cluster_agree ("train", status);
  l2l_file_unlock (job.lock);
  l2l_trainer_free (job.trainer);
  if (args.resume == NULL)
    g_clear_pointer (&config.task, l2l_task_unref);
  g_free (job.resume_out);
  free_args (&args);
  return status;
}
