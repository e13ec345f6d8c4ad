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
#include "l2l-cli-job.h"
#include "l2l-cli.h"
#include "l2l-engine.h"

typedef struct {
  char *task, *problem, *data, *epochs, *batch, *steps, *unroll, *weights, *meta_lr, *clip;
  char *eval_every, *eval_runs, *seed, *layers, *hidden, *preprocess, *output_scale;
  char *threads, *out, *resume, *history, *plot, *plot_size;
  char *meta_lr_schedule, *scale_range, *curriculum, *average, *output_init;
  char *objective;
  gboolean per_group;
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
write_history (TrainJob  *job,
               GError   **error)
{
  guint n;
  const L2lTrainRecord *history = l2l_trainer_get_history (job->trainer, &n);
  gsize length;
  g_autofree char *csv = l2l_results_history_to_csv (history, n, &length);

  return l2l_file_write_atomic (job->history_path, csv, length, error);
}

static gboolean
save_all (TrainJob  *job,
          GError   **error)
{
  /* under MPI every rank holds the same φ; rank 0 writes */
  if (!l2l_cli_is_root ())
    return TRUE;
  return l2l_trainer_save_best (job->trainer, job->out, error) &&
         (job->plot_path == NULL || write_plot (job, error)) &&
         l2l_trainer_save_resume (job->trainer, job->resume_out, error) &&
         (job->history_path == NULL || write_history (job, error));
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

/* A flag with two values: @value NULL or @off leaves *@on FALSE. */
static gboolean
parse_switch (const char  *flag,
              const char  *value,
              const char  *off,
              const char  *on_name,
              gboolean    *on,
              GError     **error)
{
  *on = g_strcmp0 (value, on_name) == 0;
  if (value == NULL || *on || g_str_equal (value, off))
    return TRUE;
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
               "%s: '%s' is not %s or %s", flag, value, off, on_name);
  return FALSE;
}

static gboolean
build_config (const TrainArgs  *args,
              L2lTrainConfig   *config,
              GError          **error)
{
  if (args->task != NULL && args->problem != NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--task and --problem exclude each other");
      return FALSE;
    }
  if (args->problem != NULL)
    config->task = l2l_task_quadratic_new_from_file (args->problem, error);
  else
    config->task = l2l_cli_task_from_flags (args->task, args->data, error);
  if (config->task == NULL)
    return FALSE;
  l2l_train_config_use_task_defaults (config);
  if (!l2l_cli_parse_uint ("--epochs", args->epochs, &config->epochs, error) ||
      !l2l_cli_parse_uint ("--batch", args->batch, &config->batch, error) ||
      !l2l_cli_parse_uint ("--steps", args->steps, &config->steps, error) ||
      !l2l_cli_parse_uint ("--unroll", args->unroll, &config->unroll, error) ||
      !l2l_cli_parse_real ("--meta-lr", args->meta_lr, &config->meta_lr, error) ||
      !l2l_cli_parse_real ("--clip", args->clip, &config->clip_norm, error) ||
      !l2l_cli_parse_uint ("--eval-every", args->eval_every, &config->eval_every, error) ||
      !l2l_cli_parse_uint ("--eval-runs", args->eval_runs, &config->eval_runs, error) ||
      !l2l_cli_parse_seed (args->seed, &config->seed, error) ||
      !l2l_cli_parse_uint ("--layers", args->layers, &config->lstm.layers, error) ||
      !l2l_cli_parse_uint ("--hidden", args->hidden, &config->lstm.hidden, error) ||
      !l2l_cli_parse_real ("--output-scale", args->output_scale, &config->lstm.output_scale, error) ||
      !l2l_cli_parse_uint ("--threads", args->threads, &config->threads, error) ||
      !l2l_cli_parse_real ("--scale-range", args->scale_range, &config->scale_range, error) ||
      !l2l_cli_parse_uint ("--curriculum", args->curriculum, &config->curriculum, error) ||
      !l2l_cli_parse_real ("--average", args->average, &config->average, error))
    return FALSE;
  if (args->threads == NULL)
    config->threads = l2l_cli_default_threads ();
  if (!parse_switch ("--output-init", args->output_init, "random", "zero",
                     &config->zero_output, error) ||
      !parse_switch ("--meta-objective", args->objective, "loss", "log",
                     &config->log_objective, error))
    return FALSE;
  if (args->meta_lr_schedule != NULL &&
      !l2l_meta_lr_schedule_from_string (args->meta_lr_schedule, &config->meta_lr_schedule))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--meta-lr-schedule: '%s' is not constant or cosine", args->meta_lr_schedule);
      return FALSE;
    }
  if (args->preprocess != NULL &&
      !l2l_lstm_preprocess_parse (args->preprocess, &config->lstm, error))
    {
      l2l_cli_name_flag (*error);
      return FALSE;
    }
  if (args->weights != NULL)
    config->weights = args->weights;
  config->per_group = args->per_group;

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
  const struct { const char *flag; const char *value; } settings[] = {
    { "--task", args->task }, { "--problem", args->problem }, { "--data", args->data },
    { "--batch", args->batch },
    { "--steps", args->steps }, { "--unroll", args->unroll }, { "--weights", args->weights },
    { "--meta-lr", args->meta_lr }, { "--clip", args->clip },
    { "--eval-every", args->eval_every }, { "--eval-runs", args->eval_runs },
    { "--seed", args->seed }, { "--layers", args->layers }, { "--hidden", args->hidden },
    { "--preprocess", args->preprocess }, { "--output-scale", args->output_scale },
    { "--meta-lr-schedule", args->meta_lr_schedule }, { "--scale-range", args->scale_range },
    { "--curriculum", args->curriculum }, { "--average", args->average },
    { "--output-init", args->output_init }, { "--meta-objective", args->objective },
  };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (settings[i].value != NULL)
      return settings[i].flag;
  return args->per_group ? "--per-group" : NULL;
}

static void
free_args (TrainArgs *args)
{
  char **fields[] = {
    &args->task, &args->problem, &args->data, &args->epochs, &args->batch, &args->steps, &args->unroll,
    &args->weights, &args->meta_lr, &args->clip, &args->eval_every, &args->eval_runs,
    &args->seed, &args->layers, &args->hidden, &args->preprocess, &args->output_scale,
    &args->threads, &args->out, &args->resume, &args->history, &args->plot,
    &args->plot_size, &args->meta_lr_schedule, &args->scale_range, &args->curriculum,
    &args->average, &args->output_init, &args->objective,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
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
      config->log_objective)
    printf ("Recipe: meta learning rate %s, scale range %g, curriculum %u, average %g, "
            "output layer from %s, objective %s\n",
            l2l_meta_lr_schedule_to_string (config->meta_lr_schedule), config->scale_range,
            config->curriculum, config->average, config->zero_output ? "zero" : "random",
            config->log_objective ? "log" : "loss");
  if (config->lstm.groups[0] != '\0')
    printf ("One LSTM per parameter group: %s\n", config->lstm.groups);
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

/* The engine's defaults of every family, for --help: no copies here. */
static char *
family_defaults_text (void)
{
  const L2lTaskFamily *const *families = l2l_task_families ();
  GString *text = g_string_new ("Defaults by task (the desktop app uses the same):\n");

  for (guint i = 0; families[i] != NULL; i++)
    {
      L2lTrainConfig config;
      g_autofree char *preprocess = NULL;

      l2l_train_config_init_defaults (&config);
      l2l_train_config_use_family_defaults (&config, families[i]);
      preprocess = l2l_lstm_preprocess_to_string (&config.lstm);
      g_string_append_printf (text, "  %-14s --epochs %u --batch %u --steps %u --unroll %u "
                              "--eval-every %u --eval-runs %u --meta-lr %g --preprocess %s "
                              "--output-scale %g\n",
                              families[i]->name, config.epochs, config.batch, config.steps,
                              config.unroll, config.eval_every,
                              config.eval_runs, config.meta_lr, preprocess,
                              config.lstm.output_scale);
    }
  return g_string_free (text, FALSE);
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
  const GOptionEntry entries[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING, &args.task,
      "Task family and options (default: quadratic)", "SPEC" },
    { "problem", 0, 0, G_OPTION_ARG_FILENAME, &args.problem,
      "Train on one fixed quadratic from a JSON file instead of --task", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args.data,
      "Folder of the data set: the standard IDX files for mnist and fashion-mnist, "
      "cifar-10-batches-bin for cnn:dataset=cifar10", "DIR" },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &args.epochs,
      "Epochs; with --resume, the new target (default: the task's, below)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_STRING, &args.batch,
      "Functions drawn afresh each epoch (default: the task's)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &args.steps,
      "Horizon T: optimization steps per function (default: the task's)", "T" },
    { "unroll", 0, 0, G_OPTION_ARG_STRING, &args.unroll,
      "Unroll length K of truncated BPTT; the last unroll may be shorter (default: the task's)", "K" },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &args.weights,
      "Loss weights w_t: uniform, linear, exp:γ, final, or T numbers (default: uniform)",
      "SCHEME|LIST" },
    { "meta-lr", 0, 0, G_OPTION_ARG_STRING, &args.meta_lr,
      "Learning rate of Adam on the LSTM (default: the task's)", "X" },
    { "clip", 0, 0, G_OPTION_ARG_STRING, &args.clip,
      "Clip the meta-gradient to this norm; 0 turns clipping off (default: 1)", "X" },
    { "meta-lr-schedule", 0, 0, G_OPTION_ARG_STRING, &args.meta_lr_schedule,
      "constant, or cosine: from --meta-lr down to a hundredth of it at the last epoch "
      "(default: constant)", "NAME" },
    { "scale-range", 0, 0, G_OPTION_ARG_STRING, &args.scale_range,
      "See each training function through random units: every parameter scaled by a "
      "factor between 1/R and R (Lv et al. 2017; default: 1, off)", "R" },
    { "curriculum", 0, 0, G_OPTION_ARG_STRING, &args.curriculum,
      "Grow the horizon in N stages, from T/N to T in whole unrolls (Chen et al. 2020; "
      "default: 0, off)", "N" },
    { "average", 0, 0, G_OPTION_ARG_STRING, &args.average,
      "Score and keep a moving average of φ with this decay per meta-step instead of φ "
      "itself (Polyak averaging; default: 0, off)", "β" },
    { "meta-objective", 0, 0, G_OPTION_ARG_STRING, &args.objective,
      "loss, or log: follow the gradient of Σ w_t log f_t, where every step counts by its "
      "ratio (default: loss)", "NAME" },
    { "output-init", 0, 0, G_OPTION_ARG_STRING, &args.output_init,
      "random, or zero: start from the optimizer that does nothing (default: random)",
      "INIT" },
    { "per-group", 0, 0, G_OPTION_ARG_NONE, &args.per_group,
      "One LSTM for each of the task's parameter groups (cnn: conv and fc), as the paper "
      "does for its convolutional net (default: one for all)", NULL },
    { "eval-every", 0, 0, G_OPTION_ARG_STRING, &args.eval_every,
      "Score on held-out functions every E epochs, keeping the best (default: the task's)",
      "E" },
    { "eval-runs", 0, 0, G_OPTION_ARG_STRING, &args.eval_runs,
      "Held-out functions (default: the task's)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &args.seed,
      "Seed of the initial LSTM and of every function drawn (default: 0)", "N" },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &args.layers, "LSTM layers (default: 2)", "N" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &args.hidden,
      "Hidden units per layer (default: 20)", "N" },
    { "preprocess", 0, 0, G_OPTION_ARG_STRING, &args.preprocess,
      "Gradient preprocessing: logsign, logsign:p=P or none (default: the task's)", "KIND" },
    { "output-scale", 0, 0, G_OPTION_ARG_STRING, &args.output_scale,
      "Factor on the LSTM's output (default: the task's)", "X" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &args.threads,
      "Worker threads; results are the same for any number (default: the cores)", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &args.out,
      "Best learned optimizer, as safetensors (required); the resume state goes beside "
      "it as NAME.resume.safetensors", "FILE" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &args.resume,
      "Go on from a resume file, with its settings", "FILE" },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &args.history,
      "Write the per-epoch curve as CSV epoch,meta_loss,eval_loss,seconds", "FILE" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &args.plot,
      "Draw meta-loss and held-out loss per epoch as .png, .svg or .pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &args.plot_size,
      "Size of --plot (default: 1000x650)", "WxH" },
    { NULL },
  };

  g_set_prgname ("l2l train");
  context = g_option_context_new ("— meta-train an LSTM optimizer");
  g_option_context_set_summary (context,
    "Meta-trains the coordinatewise LSTM optimizer by truncated BPTT and keeps the\n"
    "φ that scores best on held-out functions. Ctrl-C stops after the current\n"
    "unroll and saves the best optimizer and the resume state.");
  g_option_context_add_main_entries (context, entries, NULL);
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

      if (!l2l_cli_parse_uint ("--epochs", args.epochs, &epochs, &error) ||
          !l2l_cli_parse_uint ("--threads", args.threads, &threads, &error) ||
          (job.trainer = l2l_trainer_new_from_resume (args.resume, &error)) == NULL)
        {
          l2l_cli_report ("train", error);
          status = L2L_EXIT_USAGE;
          goto out;
        }
      if (!l2l_trainer_set_threads (job.trainer,
                                    args.threads ? threads : l2l_cli_default_threads (), &error) ||
          (args.epochs != NULL && !l2l_trainer_set_epochs (job.trainer, epochs, &error)))
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
  if (!l2l_file_check_writable (job.out, &error) ||
      !l2l_file_check_writable (job.resume_out, &error) ||
      (job.history_path && !l2l_file_check_writable (job.history_path, &error)) ||
      !l2l_file_check_distinct ((const char *[]) { job.out, job.resume_out, job.history_path,
                                                   job.plot_path },
                                (const char *[]) { "--out", "the resume file beside --out",
                                                   "--history", "--plot" }, 4, &error) ||
      !l2l_cli_parse_plot (args.plot, args.plot_size, &job.plot_width, &job.plot_height,
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
  l2l_trainer_free (job.trainer);
  if (args.resume == NULL)
    g_clear_pointer (&config.task, l2l_task_unref);
  g_free (job.resume_out);
  free_args (&args);
  return status;
}
