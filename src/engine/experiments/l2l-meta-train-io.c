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

static L2lSafetensorsWriter *
writer_with_metadata (L2lTrainer *trainer,
                      const char *kind)
{
  const L2lTrainConfig *config = &trainer->config;
  L2lSafetensorsWriter *writer = l2l_safetensors_writer_new ();

  l2l_checkpoint_add_architecture (writer, &config->lstm);
  l2l_safetensors_writer_add_metadata (writer, "kind", kind);
  l2l_safetensors_writer_add_metadata (writer, "task", l2l_task_get_spec (config->task));
  add_count (writer, "batch", config->batch);
  add_count (writer, "steps", config->steps);
  add_count (writer, "unroll", config->unroll);
  l2l_safetensors_writer_add_metadata (writer, "weights", config->weights);
  add_number (writer, "meta_lr", config->meta_lr);
  add_number (writer, "clip_norm", config->clip_norm);
  l2l_safetensors_writer_add_metadata (writer, "meta_lr_schedule",
                                       l2l_meta_lr_schedule_to_string (config->meta_lr_schedule));
  add_number (writer, "scale_range", config->scale_range);
  add_count (writer, "curriculum", config->curriculum);
  add_number (writer, "average", config->average);
  add_count (writer, "zero_output", config->zero_output ? 1 : 0);
  add_count (writer, "log_objective", config->log_objective ? 1 : 0);
  add_count (writer, "eval_every", config->eval_every);
  add_count (writer, "eval_runs", config->eval_runs);
  add_count (writer, "seed", config->seed);
  add_count (writer, "target_epochs", config->epochs);
  add_count (writer, "epochs", trainer->epoch);
  add_count (writer, "best_epoch", trainer->best_epoch);
  add_number (writer, "best_eval_loss", trainer->best_eval_loss);
  add_number (writer, "elapsed_seconds", trainer->elapsed);
  add_number (writer, "eval_seconds", trainer->eval_elapsed);
  return writer;
}

gboolean
l2l_trainer_save_best (L2lTrainer  *trainer,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(L2lSafetensorsWriter) writer = writer_with_metadata (trainer, "best");

  l2l_checkpoint_add_net (writer, trainer->best, NULL);
  return l2l_safetensors_writer_write (writer, path, error);
}

static char *
history_to_json (L2lTrainer *trainer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
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
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
l2l_trainer_save_resume (L2lTrainer  *trainer,
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
  return l2l_safetensors_writer_write (writer, path, error);
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

/* A whole number from 0 to @max: a 64-bit value never wraps into a guint. */
static void
bad_history (Reader     *reader,
             const char *problem)
{
  if (*reader->error == NULL)
    g_set_error (reader->error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                 "%s: metadata history: %s", l2l_safetensors_get_path (reader->file), problem);
}

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
  g_autoptr(L2lLstm) best = NULL;
  g_autoptr(L2lLstm) average = NULL;
  L2lTrainConfig config;
  L2lLstm *net;
  Reader reader = { file, error };
  const char *kind, *task_spec, *schedule;
  guint64 dims[1];
  float *m, *v;
  guint64 *step;

  if (file == NULL)
    return NULL;
  l2l_train_config_init_defaults (&config);
  if (!l2l_checkpoint_read_architecture (file, &config.lstm, error))
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
  config.batch = (guint) read_count (&reader, "batch", G_MAXUINT);
  config.steps = (guint) read_count (&reader, "steps", G_MAXUINT);
  config.unroll = (guint) read_count (&reader, "unroll", G_MAXUINT);
  config.weights = need (&reader, "weights");
  config.meta_lr = read_number (&reader, "meta_lr");
  config.clip_norm = read_number (&reader, "clip_norm");
  config.eval_every = (guint) read_count (&reader, "eval_every", G_MAXUINT);
  config.eval_runs = (guint) read_count (&reader, "eval_runs", G_MAXUINT);
  config.seed = read_count (&reader, "seed", G_MAXUINT64);
  config.epochs = (guint) read_count (&reader, "target_epochs", G_MAXUINT);
  /* recipes added later: files from before trained without them */
  if (l2l_safetensors_get_metadata (file, "scale_range") != NULL)
    config.scale_range = read_number (&reader, "scale_range");
  if (l2l_safetensors_get_metadata (file, "curriculum") != NULL)
    config.curriculum = (guint) read_count (&reader, "curriculum", G_MAXUINT);
  if (l2l_safetensors_get_metadata (file, "average") != NULL)
    config.average = read_number (&reader, "average");
  if (l2l_safetensors_get_metadata (file, "zero_output") != NULL)
    config.zero_output = read_count (&reader, "zero_output", 1) != 0;
  if (l2l_safetensors_get_metadata (file, "log_objective") != NULL)
    config.log_objective = read_count (&reader, "log_objective", 1) != 0;
  schedule = l2l_safetensors_get_metadata (file, "meta_lr_schedule");
  if (schedule != NULL && !l2l_meta_lr_schedule_from_string (schedule, &config.meta_lr_schedule))
    bad_value (&reader, "meta_lr_schedule", schedule);
  if (*error != NULL)
    return NULL;
  if (!l2l_train_config_validate (&config, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if ((net = l2l_checkpoint_read_net (file, &config.lstm, NULL, error)) == NULL ||
      (best = l2l_checkpoint_read_net (file, &config.lstm, "best.", error)) == NULL ||
      (config.average > 0.0 &&
       (average = l2l_checkpoint_read_net (file, &config.lstm, "average.", error)) == NULL))
    {
      g_clear_pointer (&net, l2l_lstm_unref);
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
