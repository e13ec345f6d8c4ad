/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <stddef.h>

#include "l2l-error.h"
#include "l2l-options.h"
#include "l2l-settings.h"

#define TRAIN(field) offsetof (L2lTrainConfig, field)
#define COMPARE(field) offsetof (L2lCompareConfig, field)

static gboolean
refuse (const char  *name,
        const char  *value,
        const char  *expected,
        GError     **error)
{
  return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, name,
                              "'%s' is not %s", value, expected);
}

static const char *const schedule_words[] = { "constant", "cosine", NULL };
static const char *const objective_words[] = { "loss", "log", NULL };
static const char *const keep_words[] = { "mean", "final", NULL };
static const char *const meta_gradient_words[] = { "first-order", "second-order", "es", NULL };
static const char *const output_init_words[] = { "random", "zero", NULL };
static const char *const tune_objective_words[] = { "final", "sum", NULL };

static gboolean
parse_weights (gpointer     config,
               const char  *value,
               GError     **error)
{
  (void) error;  /* checked with the horizon, in validation */
  ((L2lTrainConfig *) config)->weights = value;
  return TRUE;
}

static char *
format_weights (gconstpointer config)
{
  return g_strdup (((const L2lTrainConfig *) config)->weights);
}

/* The words are checked against the setting's choices before these run. */
static gboolean
parse_schedule (gpointer     config,
                const char  *value,
                GError     **error)
{
  return l2l_meta_lr_schedule_from_string (value, &((L2lTrainConfig *) config)->meta_lr_schedule)
         || refuse ("meta-lr-schedule", value, "a schedule", error);
}

static char *
format_schedule (gconstpointer config)
{
  const L2lTrainConfig *train = config;

  return g_strdup (l2l_meta_lr_schedule_to_string (train->meta_lr_schedule));
}

static gboolean
parse_objective (gpointer     config,
                 const char  *value,
                 GError     **error)
{
  (void) error;
  ((L2lTrainConfig *) config)->log_objective = g_str_equal (value, objective_words[1]);
  return TRUE;
}

static char *
format_objective (gconstpointer config)
{
  return g_strdup (objective_words[((const L2lTrainConfig *) config)->log_objective]);
}

static gboolean
parse_keep (gpointer     config,
            const char  *value,
            GError     **error)
{
  return l2l_keep_from_string (value, &((L2lTrainConfig *) config)->keep)
         || refuse ("keep", value, "mean or final", error);
}

static char *
format_keep (gconstpointer config)
{
  return g_strdup (l2l_keep_to_string (((const L2lTrainConfig *) config)->keep));
}

static gboolean
parse_imitate (gpointer     config,
               const char  *value,
               GError     **error)
{
  L2lTrainConfig *train = config;

  return l2l_imitate_from_string (value, &train->imitate, &train->imitate_lr) ||
         refuse ("imitate", value, "none or a hand-written optimizer and its learning rate, "
                 "e.g. adam=0.01 (sgd, nag, rmsprop, adam)", error);
}

static char *
format_imitate (gconstpointer config)
{
  const L2lTrainConfig *train = config;

  return l2l_imitate_to_string (train->imitate, train->imitate_lr);
}

static gboolean
parse_meta_gradient (gpointer     config,
                     const char  *value,
                     GError     **error)
{
  return l2l_meta_gradient_from_string (value, &((L2lTrainConfig *) config)->meta_gradient)
         || refuse ("meta-gradient", value, "a meta-gradient", error);
}

static char *
format_meta_gradient (gconstpointer config)
{
  return g_strdup (l2l_meta_gradient_to_string (((const L2lTrainConfig *) config)->meta_gradient));
}

static gboolean
parse_output_init (gpointer     config,
                   const char  *value,
                   GError     **error)
{
  (void) error;
  ((L2lTrainConfig *) config)->zero_output = g_str_equal (value, output_init_words[1]);
  return TRUE;
}

static char *
format_output_init (gconstpointer config)
{
  return g_strdup (output_init_words[((const L2lTrainConfig *) config)->zero_output]);
}

static gboolean
parse_preprocess (gpointer     config,
                  const char  *value,
                  GError     **error)
{
  return l2l_lstm_preprocess_parse (value, &((L2lTrainConfig *) config)->rule, error);
}

static char *
format_preprocess (gconstpointer config)
{
  char *text = l2l_lstm_preprocess_to_string (&((const L2lTrainConfig *) config)->rule);

  /* features the shorthand cannot say: --features says them */
  return text != NULL ? text : g_strdup ("-");
}

static gboolean
parse_arch (gpointer     config,
            const char  *value,
            GError     **error)
{
  const L2lRuleArch *arch = l2l_rule_arch_lookup (value);

  if (arch == NULL)
    {
      g_autofree char *names = l2l_rule_archs_to_string ();
      return refuse ("arch", value, names, error);
    }
  l2l_rule_config_set_arch (&((L2lTrainConfig *) config)->rule, arch);
  return TRUE;
}

static char *
format_arch (gconstpointer config)
{
  return g_strdup (l2l_rule_arch_get_name (((const L2lTrainConfig *) config)->rule.arch));
}

static gboolean
parse_features (gpointer     config,
                const char  *value,
                GError     **error)
{
  return l2l_feature_set_parse (value, &((L2lTrainConfig *) config)->rule.features, error);
}

static char *
format_features (gconstpointer config)
{
  return l2l_feature_set_to_string (&((const L2lTrainConfig *) config)->rule.features);
}

static gboolean
parse_tune_objective (gpointer     config,
                      const char  *value,
                      GError     **error)
{
  return l2l_tune_objective_from_string (value, &((L2lCompareConfig *) config)->tune.objective)
         || refuse ("tune-objective", value, "an objective", error);
}

static char *
format_tune_objective (gconstpointer config)
{
  const L2lCompareConfig *compare = config;

  return g_strdup (l2l_tune_objective_to_string (compare->tune.objective));
}

static gboolean
parse_tune_grid (gpointer     config,
                 const char  *value,
                 GError     **error)
{
  L2lTuneConfig *tune = &((L2lCompareConfig *) config)->tune;
  g_auto(GStrv) parts = g_strsplit (value, ":", -1);
  gint64 per_decade;

  if (g_strv_length (parts) != 3 || !l2l_parse_double (parts[0], &tune->lr_min) ||
      !l2l_parse_double (parts[1], &tune->lr_max) || !l2l_parse_int (parts[2], &per_decade))
    return refuse ("tune-grid", value, "MIN:MAX:N, the lowest and highest rate and the "
                   "points a decade, e.g. 1e-5:10:4", error);
  /* out of guint's range is out of the grid's: validation says which range */
  tune->per_decade = per_decade < 0 || per_decade > G_MAXUINT ? 0 : (guint) per_decade;
  return l2l_tune_config_validate (tune, error);
}

static char *
format_tune_grid (gconstpointer config)
{
  const L2lTuneConfig *tune = &((const L2lCompareConfig *) config)->tune;
  char low[G_ASCII_DTOSTR_BUF_SIZE], high[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s:%s:%u", l2l_format_double (low, tune->lr_min),
                          l2l_format_double (high, tune->lr_max), tune->per_decade);
}

static const L2lSetting train_settings[] = {
  { .name = "epochs", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (epochs),
    .help = "Epochs; on a resume, the new target" },
  { .name = "batch", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (batch),
    .help = "Functions drawn afresh each epoch" },
  { .name = "steps", .kind = L2L_SETTING_UINT, .metavar = "T", .offset = TRAIN (steps),
    .help = "Horizon T: optimization steps per function" },
  { .name = "unroll", .kind = L2L_SETTING_UINT, .metavar = "K", .offset = TRAIN (unroll),
    .help = "Unroll length K of truncated BPTT; the last unroll may be shorter" },
  { .name = "weights", .kind = L2L_SETTING_TEXT, .metavar = "SCHEME|LIST",
    .help = "Loss weights w_t: uniform, linear, exp:γ, final, or T numbers",
    .parse = parse_weights, .format = format_weights },
  { .name = "meta-lr", .kind = L2L_SETTING_DOUBLE, .metavar = "X", .offset = TRAIN (meta_lr),
    .help = "Learning rate of Adam on the LSTM" },
  { .name = "clip", .kind = L2L_SETTING_DOUBLE, .metavar = "X", .offset = TRAIN (clip_norm),
    .help = "Clip the meta-gradient to this norm; 0 turns clipping off" },
  { .name = "meta-lr-schedule", .kind = L2L_SETTING_TEXT,
    .help = "constant, or cosine: from the meta learning rate down to a hundredth of it at the "
            "last epoch",
    .parse = parse_schedule, .format = format_schedule, .choices = schedule_words },
  { .name = "scale-range", .kind = L2L_SETTING_DOUBLE, .metavar = "R",
    .offset = TRAIN (scale_range),
    .help = "See each training function through random units: every parameter scaled by a "
            "factor between 1/R and R (Lv et al. 2017); 1 is off" },
  { .name = "curriculum", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (curriculum),
    .help = "Grow the horizon in N stages, from T/N to T in whole unrolls (Chen et al. 2020); 0"
            " is off" },
  { .name = "average", .kind = L2L_SETTING_DOUBLE, .metavar = "β", .offset = TRAIN (average),
    .help = "Score and keep a moving average of φ with this decay per meta-step instead of φ "
            "itself (Polyak averaging); 0 is off" },
  { .name = "meta-objective", .kind = L2L_SETTING_TEXT,
    .help = "loss, or log: follow the gradient of Σ w_t log f_t, where every step counts by its"
            " ratio",
    .parse = parse_objective, .format = format_objective, .choices = objective_words },
  { .name = "keep", .kind = L2L_SETTING_TEXT,
    .help = "What held-out evaluations score, and so which optimizer is kept: mean, the "
            "meta-loss over all steps (the paper), or final, the loss at the horizon as "
            "comparisons report it",
    .parse = parse_keep, .format = format_keep, .choices = keep_words },
  { .name = "meta-gradient", .kind = L2L_SETTING_TEXT,
    .help = "first-order: ∇f a constant, as the paper; second-order: differentiate through "
            "∇f too (Hessian-vector products; quadratic, mnist and cnn), unbiased and slower; "
            "or es: no derivatives, antithetic evolution strategies over the optimizer's "
            "weights on each unroll (any task)",
    .parse = parse_meta_gradient, .format = format_meta_gradient,
    .choices = meta_gradient_words },
  { .name = "imitate", .kind = L2L_SETTING_TEXT, .metavar = "NAME=LR",
    .help = "A warm start: before the first epoch, fit the optimizer's updates to those of "
            "this hand-written one (e.g. adam=0.01; torch.optim's defaults otherwise) on "
            "training functions, as Open-L2O does; none is off",
    .parse = parse_imitate, .format = format_imitate },
  { .name = "imitate-epochs", .kind = L2L_SETTING_UINT, .metavar = "N",
    .offset = TRAIN (imitate_epochs),
    .help = "Epochs of the warm start, each of --batch functions" },
  { .name = "es-pairs", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (es_pairs),
    .help = "With --meta-gradient es: antithetic pairs of perturbations per unroll, each two "
            "more forward passes" },
  { .name = "es-sigma", .kind = L2L_SETTING_DOUBLE, .metavar = "σ", .offset = TRAIN (es_sigma),
    .help = "With --meta-gradient es: the perturbations' standard deviation" },
  { .name = "stagger", .kind = L2L_SETTING_SWITCH, .offset = TRAIN (stagger),
    .help = "Start each meta-step's functions at staggered steps, whole unrolls apart, so "
            "that every meta-step sees several phases of the horizon (Metz et al. 2019); "
            "costs running the first steps again" },
  { .name = "output-init", .kind = L2L_SETTING_TEXT,
    .help = "random, or zero: start from the optimizer that does nothing",
    .parse = parse_output_init, .format = format_output_init,
    .choices = output_init_words },
  { .name = "per-group", .kind = L2L_SETTING_SWITCH, .offset = TRAIN (per_group),
    .help = "One LSTM for each of the task's parameter groups (cnn: conv and fc), as the paper "
            "does for its convolutional net; off: one for all" },
  { .name = "eval-every", .kind = L2L_SETTING_UINT, .metavar = "E", .offset = TRAIN (eval_every),
    .help = "Score on held-out functions every E epochs, keeping the best" },
  { .name = "eval-runs", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (eval_runs),
    .help = "Held-out functions" },
  { .name = "seed", .kind = L2L_SETTING_SEED, .metavar = "N", .offset = TRAIN (seed),
    .help = "Seed of the initial LSTM and of every function drawn" },
  { .name = "arch", .kind = L2L_SETTING_TEXT,
    .help = "The learned optimizer's architecture, with its own input features",
    .parse = parse_arch, .format = format_arch, .choices = l2l_rule_arch_names },
  { .name = "layers", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (rule.layers),
    .help = "LSTM layers" },
  { .name = "hidden", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (rule.hidden),
    .help = "Hidden units per layer" },
  { .name = "features", .kind = L2L_SETTING_TEXT, .metavar = "LIST",
    .help = "Input features of each coordinate, in order: grad, logsign[:p=P], grad-rms, "
            "momentum:β, theta, step",
    .parse = parse_features, .format = format_features },
  { .name = "preprocess", .kind = L2L_SETTING_TEXT, .metavar = "KIND",
    .help = "The LSTM's inputs as the paper names them: logsign, logsign:p=P or none (the "
            "features logsign:p=P or grad)",
    .parse = parse_preprocess, .format = format_preprocess },
  { .name = "output-scale", .kind = L2L_SETTING_DOUBLE, .metavar = "X",
    .offset = TRAIN (rule.output_scale),
    .help = "Factor on the LSTM's output" },
  { .name = "threads", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = TRAIN (threads),
    .help = "Worker threads; results are the same for any number",
    .default_text = "the cores" },
};

static const L2lSetting compare_settings[] = {
  { .name = "steps", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = COMPARE (steps),
    .help = "Optimization steps per function" },
  { .name = "runs", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = COMPARE (runs),
    .help = "Test functions; one fixed problem is run once unless told otherwise" },
  { .name = "seed", .kind = L2L_SETTING_SEED, .metavar = "N", .offset = COMPARE (seed),
    .help = "Seed of every random draw" },
  { .name = "threads", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = COMPARE (threads),
    .help = "Worker threads; results are the same for any number",
    .default_text = "the cores" },
  { .name = "tune-runs", .kind = L2L_SETTING_UINT, .metavar = "N", .offset = COMPARE (tune.runs),
    .help = "Tuning functions, drawn apart from the test functions" },
  { .name = "tune-objective", .kind = L2L_SETTING_TEXT,
    .help = "What tuning minimises: final (mean loss at the last step) or sum (mean of the loss"
            " summed over all steps)",
    .parse = parse_tune_objective, .format = format_tune_objective,
    .choices = tune_objective_words },
  { .name = "tune-grid", .kind = L2L_SETTING_TEXT, .metavar = "MIN:MAX:N",
    .help = "Log grid of learning rates: lowest, highest, points a decade",
    .parse = parse_tune_grid, .format = format_tune_grid },
  { .name = "tune-budget", .kind = L2L_SETTING_UINT, .metavar = "N",
    .offset = COMPARE (tune.hyper_budget),
    .help = "Configurations the search of tune-hyper (the rate with the other "
            "hyper-parameters) tries per optimizer",
    .default_text = G_STRINGIFY (L2L_TUNE_HYPER_BUDGET) },
};

const L2lSetting *
l2l_train_settings (guint *n)
{
  *n = G_N_ELEMENTS (train_settings);
  return train_settings;
}

const L2lSetting *
l2l_compare_settings (guint *n)
{
  *n = G_N_ELEMENTS (compare_settings);
  return compare_settings;
}

const L2lSetting *
l2l_settings_lookup (const L2lSetting *settings,
                     guint             n,
                     const char       *name)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (settings[i].name, name))
      return &settings[i];
  return NULL;
}

static gboolean
apply_uint (const L2lSetting  *setting,
            guint             *out,
            const char        *value,
            GError           **error)
{
  gint64 number;

  if (!l2l_parse_int (value, &number))
    return refuse (setting->name, value, "a whole number", error);
  if (l2l_limit_lookup (setting->name) != NULL &&
      !l2l_check_limit (setting->name, (double) number, error))
    return FALSE;
  if (number < 0 || number > G_MAXUINT)
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, setting->name,
                                "%s is outside the range 0 to %u", value, G_MAXUINT);
  *out = (guint) number;
  return TRUE;
}

gboolean
l2l_setting_apply (const L2lSetting  *setting,
                   gpointer           config,
                   const char        *value,
                   GError           **error)
{
  gpointer field = (guint8 *) config + setting->offset;
  double number;
  guint64 seed;

  switch (setting->kind)
    {
    case L2L_SETTING_UINT:
      return apply_uint (setting, field, value, error);
    case L2L_SETTING_DOUBLE:
      if (!l2l_parse_double (value, &number))
        return refuse (setting->name, value, "a number", error);
      if (l2l_limit_lookup (setting->name) != NULL &&
          !l2l_check_limit (setting->name, number, error))
        return FALSE;
      *(double *) field = number;
      return TRUE;
    case L2L_SETTING_SEED:
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seed, NULL))
        return refuse (setting->name, value, "a whole number ≥ 0", error);
      *(guint64 *) field = seed;
      return TRUE;
    case L2L_SETTING_SWITCH:
      *(gboolean *) field = TRUE;
      return TRUE;
    case L2L_SETTING_TEXT:
      if (setting->choices != NULL && !g_strv_contains (setting->choices, value))
        {
          g_autofree char *words = g_strjoinv (" or ", (char **) setting->choices);
          return refuse (setting->name, value, words, error);
        }
      return setting->parse (config, value, error);
    default:
      g_assert_not_reached ();
    }
}

char *
l2l_setting_format (const L2lSetting *setting,
                    gconstpointer     config)
{
  gconstpointer field = (const guint8 *) config + setting->offset;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  switch (setting->kind)
    {
    case L2L_SETTING_UINT:
      return g_strdup_printf ("%u", *(const guint *) field);
    case L2L_SETTING_DOUBLE:
      return g_strdup (l2l_format_double (buffer, *(const double *) field));
    case L2L_SETTING_SEED:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, *(const guint64 *) field);
    case L2L_SETTING_SWITCH:
      return g_strdup (*(const gboolean *) field ? "on" : "off");
    case L2L_SETTING_TEXT:
      return setting->format (config);
    default:
      g_assert_not_reached ();
    }
}

char *
l2l_train_setting_default (const L2lSetting *setting)
{
  const L2lTaskFamily *const *families = l2l_task_families ();
  g_autofree char *first = NULL;

  for (guint i = 0; families[i] != NULL; i++)
    {
      L2lTrainConfig config;
      g_autofree char *value = NULL;

      l2l_train_config_init_defaults (&config);
      l2l_train_config_use_family_defaults (&config, families[i]);
      value = l2l_setting_format (setting, &config);
      if (first == NULL)
        first = g_steal_pointer (&value);
      else if (!g_str_equal (first, value))
        return NULL;
    }
  return g_steal_pointer (&first);
}
