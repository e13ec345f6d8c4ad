/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "l2l-checkpoint.h"
#include "l2l-error.h"
#include "l2l-json.h"
#include "l2l-meta-train-private.h"
#include "l2l-options.h"

/* Both files say how φ was made; a resume file adds the optimizer state, the
 * current and the best φ and the history, enough to go on bit for bit. */

static void
add_number (L2lSafetensorsWriter *writer,
            const char           *key,
            double                value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  l2l_safetensors_writer_add_metadata (writer, key,
                                       isfinite (value) ? l2l_format_double (text, value)
                                                        : "inf");
}

static void
add_count (L2lSafetensorsWriter *writer,
           const char           *key,
           guint64               value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  l2l_safetensors_writer_add_metadata (writer, key, text);
}

/* The settings both files record, in the order they record them. */
typedef enum {
  SETTING_COUNT,         /* guint */
  SETTING_SEED,          /* guint64 */
  SETTING_NUMBER,        /* double */
  SETTING_FLAG,          /* gboolean, as 0 or 1 */
  SETTING_WEIGHTS,       /* const char *, as given */
  SETTING_SCHEDULE,      /* L2lMetaLrSchedule, by name */
  SETTING_META_GRADIENT, /* L2lMetaGradient, by name */
  SETTING_KEEP,          /* L2lKeep, by name */
  SETTING_IMITATE,       /* the teacher and its rate, as "adam=0.01" or "none" */
} SettingKind;

typedef struct {
  const char  *key;
  SettingKind  kind;
  gsize        offset;   /* in L2lTrainConfig */
  gboolean     optional; /* a recipe added later: files from before trained without it */
} Setting;

#define SETTING(key, kind, field, optional) \
  { key, SETTING_ ## kind, G_STRUCT_OFFSET (L2lTrainConfig, field), optional }

static const Setting settings[] = {
  SETTING ("batch", COUNT, batch, FALSE),
  SETTING ("steps", COUNT, steps, FALSE),
  SETTING ("unroll", COUNT, unroll, FALSE),
  SETTING ("weights", WEIGHTS, weights, FALSE),
  SETTING ("meta_lr", NUMBER, meta_lr, FALSE),
  SETTING ("clip_norm", NUMBER, clip_norm, FALSE),
  SETTING ("meta_lr_schedule", SCHEDULE, meta_lr_schedule, TRUE),
  SETTING ("scale_range", NUMBER, scale_range, TRUE),
  SETTING ("curriculum", COUNT, curriculum, TRUE),
  SETTING ("average", NUMBER, average, TRUE),
  SETTING ("zero_output", FLAG, zero_output, TRUE),
  SETTING ("log_objective", FLAG, log_objective, TRUE),
  SETTING ("meta_gradient", META_GRADIENT, meta_gradient, TRUE),
  SETTING ("imitate", IMITATE, imitate, TRUE),
  SETTING ("imitate_epochs", COUNT, imitate_epochs, TRUE),
  SETTING ("es_pairs", COUNT, es_pairs, TRUE),
  SETTING ("es_sigma", NUMBER, es_sigma, TRUE),
  SETTING ("keep", KEEP, keep, TRUE),
  SETTING ("stagger", FLAG, stagger, TRUE),
  SETTING ("eval_every", COUNT, eval_every, FALSE),
  SETTING ("eval_runs", COUNT, eval_runs, FALSE),
  SETTING ("seed", SEED, seed, FALSE),
  SETTING ("target_epochs", COUNT, epochs, FALSE),
};

static void
add_setting (L2lSafetensorsWriter *writer,
             const Setting        *setting,
             const L2lTrainConfig *config)
{
  const char *field = (const char *) config + setting->offset;

  switch (setting->kind)
    {
    case SETTING_COUNT:
      add_count (writer, setting->key, *(const guint *) field);
      break;
    case SETTING_SEED:
      add_count (writer, setting->key, *(const guint64 *) field);
      break;
    case SETTING_NUMBER:
      add_number (writer, setting->key, *(const double *) field);
      break;
    case SETTING_FLAG:
      add_count (writer, setting->key, *(const gboolean *) field ? 1 : 0);
      break;
    case SETTING_WEIGHTS:
      l2l_safetensors_writer_add_metadata (writer, setting->key, *(const char *const *) field);
      break;
    case SETTING_SCHEDULE:
      l2l_safetensors_writer_add_metadata (
        writer, setting->key, l2l_meta_lr_schedule_to_string (*(const L2lMetaLrSchedule *) field));
      break;
    case SETTING_META_GRADIENT:
      l2l_safetensors_writer_add_metadata (
        writer, setting->key, l2l_meta_gradient_to_string (*(const L2lMetaGradient *) field));
      break;
    case SETTING_KEEP:
      l2l_safetensors_writer_add_metadata (writer, setting->key,
                                           l2l_keep_to_string (*(const L2lKeep *) field));
      break;
    case SETTING_IMITATE:
      {
        g_autofree char *text = l2l_imitate_to_string (config->imitate, config->imitate_lr);

        l2l_safetensors_writer_add_metadata (writer, setting->key, text);
      }
      break;
    }
}

static L2lSafetensorsWriter *
writer_with_metadata (L2lTrainer *trainer,
                      const char *kind)
{
  const L2lTrainConfig *config = &trainer->config;
  L2lSafetensorsWriter *writer = l2l_safetensors_writer_new ();

  l2l_checkpoint_add_architecture (writer, &config->rule);
  l2l_safetensors_writer_add_metadata (writer, "kind", kind);
  l2l_safetensors_writer_add_metadata (writer, "task", l2l_task_get_spec (config->task));
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    add_setting (writer, &settings[i], config);
  add_count (writer, "epochs", trainer->epoch);
  add_count (writer, "best_epoch", trainer->best_epoch);
  add_number (writer, "best_eval_loss", trainer->best_eval_loss);
  add_number (writer, "elapsed_seconds", trainer->elapsed);
  add_number (writer, "eval_seconds", trainer->eval_elapsed);
  return writer;
}

/* @writer's file staged in @set, or written at once where @set is NULL. */
static gboolean
stage_writer (L2lSafetensorsWriter  *writer,
              L2lFileSet            *set,
              const char            *path,
              GError               **error)
{
  gsize length;
  g_autofree char *data = NULL;

  if (set == NULL)
    return l2l_safetensors_writer_write (writer, path, error);
  data = l2l_safetensors_writer_to_data (writer, &length);
  return l2l_file_set_add (set, path, data, length, error);
}

gboolean
l2l_trainer_stage_best (L2lTrainer  *trainer,
                        L2lFileSet  *set,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(L2lSafetensorsWriter) writer = writer_with_metadata (trainer, "best");

  l2l_checkpoint_add_net (writer, trainer->best, NULL);
  return stage_writer (writer, set, path, error);
}

gboolean
l2l_trainer_save_best (L2lTrainer  *trainer,
                       const char  *path,
                       GError     **error)
{
  return l2l_trainer_stage_best (trainer, NULL, path, error);
}

static char *
history_to_json (L2lTrainer *trainer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < trainer->history->len; i++)
    {
      const L2lTrainRecord *record = &g_array_index (trainer->history, L2lTrainRecord, i);
      const double values[] = { record->meta_loss, record->eval_loss, record->seconds };

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, record->epoch);
      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        if (isfinite (values[k]))
          json_builder_add_double_value (builder, values[k]);
        else if (isinf (values[k]))
          json_builder_add_string_value (builder, "inf");
        else
          json_builder_add_null_value (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return l2l_json_to_data (root, FALSE, NULL);
}

gboolean
l2l_trainer_save_resume (L2lTrainer  *trainer,
                         const char  *path,
                         GError     **error)
{
  return l2l_trainer_stage_resume (trainer, NULL, path, error);
}

gboolean
l2l_trainer_stage_resume (L2lTrainer  *trainer,
                          L2lFileSet  *set,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(L2lSafetensorsWriter) writer = writer_with_metadata (trainer, "resume");
  g_autofree char *history = history_to_json (trainer);
  guint64 dims[1] = { trainer->net->n_params };
  float *m, *v;
  guint64 *step;

  l2l_adam_get_state (trainer->adam, &m, &v, &step);
  add_count (writer, "meta.adam.step", *step);
  l2l_safetensors_writer_add_metadata (writer, "history", history);
  l2l_checkpoint_add_net (writer, trainer->net, NULL);
  l2l_checkpoint_add_net (writer, trainer->best, "best.");
  if (trainer->average != NULL)
    l2l_checkpoint_add_net (writer, trainer->average, "average.");
  l2l_safetensors_writer_add_tensor (writer, "meta.adam.exp_avg", m, 1, dims);
  l2l_safetensors_writer_add_tensor (writer, "meta.adam.exp_avg_sq", v, 1, dims);
  return stage_writer (writer, set, path, error);
}

/* Loading a resume file. */

typedef struct {
  const L2lSafetensors *file;
  GError              **error;
} Reader;

static const char *
need (Reader     *reader,
      const char *key)
{
  const char *value = l2l_safetensors_get_metadata (reader->file, key);

  if (value == NULL && *reader->error == NULL)
    g_set_error (reader->error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                 "%s: metadata %s is missing", l2l_safetensors_get_path (reader->file), key);
  return value;
}

static void
bad_value (Reader     *reader,
           const char *key,
           const char *value)
{
  if (*reader->error == NULL)
    g_set_error (reader->error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                 "%s: metadata %s: '%s' is not a valid value", l2l_safetensors_get_path (reader->file),
                 key, value);
}

static void
bad_history (Reader     *reader,
             const char *problem)
{
  if (*reader->error == NULL)
    g_set_error (reader->error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                 "%s: metadata history: %s", l2l_safetensors_get_path (reader->file), problem);
}

/* A whole number from 0 to @max: a 64-bit value never wraps into a guint. */
static guint64
read_count (Reader     *reader,
            const char *key,
            guint64     max)
{
  const char *text = need (reader, key);
  guint64 value = 0;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    bad_value (reader, key, text);
  return value;
}

static double
read_number (Reader     *reader,
             const char *key)
{
  const char *text = need (reader, key);
  double value = 0.0;

  if (text != NULL && g_str_equal (text, "inf"))
    return INFINITY;
  if (text != NULL && !l2l_parse_double (text, &value))
    bad_value (reader, key, text);
  return value;
}

static void
read_setting (Reader         *reader,
              const Setting  *setting,
              L2lTrainConfig *config)
{
  char *field = (char *) config + setting->offset;
  const char *text;

  if (setting->optional && l2l_safetensors_get_metadata (reader->file, setting->key) == NULL)
    return;
  switch (setting->kind)
    {
    case SETTING_COUNT:
      *(guint *) field = (guint) read_count (reader, setting->key, G_MAXUINT);
      break;
    case SETTING_SEED:
      *(guint64 *) field = read_count (reader, setting->key, G_MAXUINT64);
      break;
    case SETTING_NUMBER:
      *(double *) field = read_number (reader, setting->key);
      break;
    case SETTING_FLAG:
      *(gboolean *) field = read_count (reader, setting->key, 1) != 0;
      break;
    case SETTING_WEIGHTS:
      *(const char **) field = need (reader, setting->key);
      break;
    case SETTING_SCHEDULE:
      text = need (reader, setting->key);
      if (text != NULL && !l2l_meta_lr_schedule_from_string (text, (L2lMetaLrSchedule *) field))
        bad_value (reader, setting->key, text);
      break;
    case SETTING_META_GRADIENT:
      text = need (reader, setting->key);
      if (text != NULL && !l2l_meta_gradient_from_string (text, (L2lMetaGradient *) field))
        bad_value (reader, setting->key, text);
      break;
    case SETTING_KEEP:
      text = need (reader, setting->key);
      if (text != NULL && !l2l_keep_from_string (text, (L2lKeep *) field))
        bad_value (reader, setting->key, text);
      break;
    case SETTING_IMITATE:
      text = need (reader, setting->key);
      if (text != NULL && !l2l_imitate_from_string (text, &config->imitate, &config->imitate_lr))
        bad_value (reader, setting->key, text);
      break;
    }
}

/* null (no value), "inf" (diverged) or a number; FALSE for anything else. */
static gboolean
history_value (JsonArray *entry,
               guint      index,
               double    *out)
{
  JsonNode *node = json_array_get_element (entry, index);
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (JSON_NODE_HOLDS_NULL (node))
    *out = NAN;
  else if (type == G_TYPE_STRING && g_str_equal (json_node_get_string (node), "inf"))
    *out = INFINITY;
  else if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
read_history (Reader     *reader,
              L2lTrainer *trainer)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *text = need (reader, "history");
  JsonArray *entries;

  if (text == NULL)
    return FALSE;
  parser = l2l_json_parse (text, strlen (text), JSON_NODE_ARRAY,
                           l2l_safetensors_get_path (reader->file), "metadata history",
                           reader->error);
  if (parser == NULL)
    return FALSE;
  entries = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonArray *entry;
      L2lTrainRecord record;
      double epoch;

      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (entry = json_node_get_array (node)) != 4 ||
          !history_value (entry, 0, &epoch) || !(epoch >= 0 && epoch <= G_MAXUINT) ||
          epoch != floor (epoch) ||
          !history_value (entry, 1, &record.meta_loss) ||
          !history_value (entry, 2, &record.eval_loss) ||
          !history_value (entry, 3, &record.seconds))
        {
          bad_history (reader, "an entry is not [epoch, meta, eval, seconds]");
          return FALSE;
        }
      record.epoch = (guint) epoch;
      g_array_append_val (trainer->history, record);
    }
  return TRUE;
}

/* @error is never NULL here: the reader checks it between fields. */
static L2lTrainer *
load_resume (const char  *path,
             GError     **error)
{
  g_autoptr(L2lSafetensors) file = l2l_safetensors_load (path, error);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(L2lTask) task = NULL;
  g_autoptr(L2lRule) best = NULL;
  g_autoptr(L2lRule) average = NULL;
  L2lTrainConfig config;
  L2lRule *net;
  Reader reader = { file, error };
  const char *kind, *task_spec;
  guint64 dims[1];
  float *m, *v;
  guint64 *step;

  if (file == NULL)
    return NULL;
  l2l_train_config_init_defaults (&config);
  if (!l2l_checkpoint_read_architecture (file, &config.rule, error))
    return NULL;
  if ((kind = need (&reader, "kind")) == NULL)
    return NULL;
  if (!g_str_equal (kind, "resume"))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: a %s checkpoint, not a resume file", path, kind);
      return NULL;
    }
  if ((task_spec = need (&reader, "task")) == NULL)
    return NULL;
  if ((task = l2l_task_new_from_spec (task_spec, error)) == NULL)
    {
      g_prefix_error (error, "%s: task: ", path);
      return NULL;
    }
  config.task = task;
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    read_setting (&reader, &settings[i], &config);
  if (*error != NULL)
    return NULL;
  if (!l2l_train_config_validate (&config, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if ((net = l2l_checkpoint_read_net (file, &config.rule, NULL, error)) == NULL ||
      (best = l2l_checkpoint_read_net (file, &config.rule, "best.", error)) == NULL ||
      (config.average > 0.0 &&
       (average = l2l_checkpoint_read_net (file, &config.rule, "average.", error)) == NULL))
    {
      g_clear_pointer (&net, l2l_rule_unref);
      return NULL;
    }
  trainer = _l2l_trainer_alloc (&config, net);
  memcpy (trainer->best->params, best->params, net->n_params * sizeof (float));
  if (average != NULL)
    memcpy (trainer->average->params, average->params, net->n_params * sizeof (float));
  dims[0] = net->n_params;
  l2l_adam_get_state (trainer->adam, &m, &v, &step);
  if (!l2l_safetensors_read_tensor (file, "meta.adam.exp_avg", m, 1, dims, error) ||
      !l2l_safetensors_read_tensor (file, "meta.adam.exp_avg_sq", v, 1, dims, error))
    return NULL;
  for (gsize k = 0; k < net->n_params; k++)
    if (v[k] < 0.0f)
      {
        l2l_set_file_error (error, path, "tensor meta.adam.exp_avg_sq holds a negative second "
                            "moment at index %" G_GSIZE_FORMAT, k);
        return NULL;
      }
  *step = read_count (&reader, "meta.adam.step", G_MAXUINT64);
  trainer->epoch = (guint) read_count (&reader, "epochs", G_MAXUINT);
  trainer->best_epoch = (guint) read_count (&reader, "best_epoch", G_MAXUINT);
  trainer->best_eval_loss = read_number (&reader, "best_eval_loss");
  trainer->elapsed = read_number (&reader, "elapsed_seconds");
  /* Files from before eval_seconds was kept count no evaluation time. */
  if (l2l_safetensors_get_metadata (file, "eval_seconds") != NULL)
    trainer->eval_elapsed = read_number (&reader, "eval_seconds");
  if (*error != NULL || !read_history (&reader, trainer))
    return NULL;
  /* No history at all: stopped in the untrained net's evaluation. */
  if ((trainer->history->len != (guint64) trainer->epoch + 1 &&
       !(trainer->history->len == 0 && trainer->epoch == 0)) ||
      trainer->best_epoch > trainer->epoch)
    {
      bad_history (&reader, "its length does not match epochs, or best_epoch is later");
      return NULL;
    }
  l2l_trainer_reload_net (trainer);
  return g_steal_pointer (&trainer);
}

L2lTrainer *
l2l_trainer_new_from_resume (const char  *path,
                             GError     **error)
{
  GError *local_error = NULL;
  L2lTrainer *trainer = load_resume (path, &local_error);

  if (trainer == NULL)
    g_propagate_error (error, local_error);
  return trainer;
}

static void
append_optional (GString *out,
                 double   value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (isnan (value))
    return;
  if (isinf (value))
    g_string_append (out, "inf");
  else
    g_string_append (out, g_ascii_formatd (number, sizeof number, "%.9g", value));
}

char *
l2l_train_history_to_csv (const L2lTrainRecord *history,
                          guint                 n,
                          gsize                *length)
{
  GString *out = g_string_new ("epoch,meta_loss,eval_loss,seconds\n");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (out, "%u", history[i].epoch);
      append_optional (out, history[i].meta_loss);
      append_optional (out, history[i].eval_loss);
      g_string_append_printf (out, ",%s\n",
                              g_ascii_formatd (number, sizeof number, "%.4f", history[i].seconds));
    }
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
