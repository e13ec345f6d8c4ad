/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "l2l-meta-train-private.h"
#include "test-util.h"

typedef struct {
  char    *dir;
  char    *path;        /* a good checkpoint */
  L2lRule *net;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  L2lRuleConfig config;

  l2l_rule_config_init_defaults (&config);
  fixture->net = l2l_rule_new (&config, 5);
  fixture->dir = test_util_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "good.safetensors", NULL);
  l2l_checkpoint_add_architecture (writer, &config);
  l2l_checkpoint_add_net (writer, fixture->net, NULL);
  g_assert_true (l2l_safetensors_writer_write (writer, fixture->path, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  l2l_rule_unref (fixture->net);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) loaded = l2l_checkpoint_load (fixture->path, &error);
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lOptimizerSpec original, reloaded;
  double a[20 * 51], b[20 * 51];
  L2lTrajectoryJob job = { .task = task, .seed = 4, .stream = L2L_SEED_TEST, .runs = 20,
                           .steps = 50 };

  g_assert_no_error (error);
  g_assert_cmpuint (loaded->n_params, ==, fixture->net->n_params);
  g_assert_cmpmem (loaded->params, loaded->n_params * sizeof (float),
                   fixture->net->params, fixture->net->n_params * sizeof (float));
  g_assert_cmpuint (loaded->config.layers, ==, 2);
  g_assert_cmpuint (loaded->config.hidden, ==, 20);
  g_assert_cmpfloat (loaded->config.output_scale, ==, 0.1);
  g_assert_true (l2l_feature_set_equal (&loaded->config.features, &fixture->net->config.features));
  g_assert_cmpfloat (loaded->config.features.params[0], ==, 10.0);

  l2l_optimizer_spec_init_learned (&original, "a", fixture->net);
  l2l_optimizer_spec_init_learned (&reloaded, "b", loaded);
  job.optimizer = &original;
  g_assert_true (l2l_trajectories_run (&job, a, NULL, NULL, NULL));
  job.optimizer = &reloaded;
  g_assert_true (l2l_trajectories_run (&job, b, NULL, NULL, NULL));
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  l2l_optimizer_spec_clear (&original);
  l2l_optimizer_spec_clear (&reloaded);
}

/* The layout is safetensors' own: 8-byte little-endian length, JSON, data. */
static void
test_file_layout (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  gsize length;
  guint64 header_len = 0;

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  for (guint b = 0; b < 8; b++)
    header_len |= (guint64) (guint8) contents[b] << (8 * b);
  g_assert_cmpuint ((8 + header_len) % 8, ==, 0);
  g_assert_cmpuint (length, ==, 8 + header_len + 4 * fixture->net->n_params);
  header = g_strndup (contents + 8, header_len);
  g_assert_nonnull (strstr (header, "\"cells.0.weight_ih\":{\"dtype\":\"F32\",\"shape\":[80,2],"
                                    "\"data_offsets\":[0,640]}"));
  g_assert_nonnull (strstr (header, "\"out.weight\":{\"dtype\":\"F32\",\"shape\":[1,20]"));
  g_assert_nonnull (strstr (header, "\"format\":\"l2l-workbench.lstm-optimizer\""));
  /* the first float of cells.0.weight_ih, little-endian */
  g_assert_cmpmem (contents + 8 + header_len, 4, &fixture->net->params[0], 4);
}

/* Writes a file from a header (padded as safetensors wants) and raw data. */
static char *
write_raw (const char *dir,
           const char *header,
           gsize       data_bytes)
{
  GString *out = g_string_new (NULL);
  guint64 header_len = strlen (header);
  char *path = g_build_filename (dir, "bad.safetensors", NULL);

  for (guint b = 0; b < 8; b++)
    g_string_append_c (out, (char) ((header_len >> (8 * b)) & 0xff));
  g_string_append (out, header);
  for (gsize i = 0; i < data_bytes; i++)
    g_string_append_c (out, 0);
  g_assert_true (g_file_set_contents (path, out->str, (gssize) out->len, NULL));
  g_string_free (out, TRUE);
  return path;
}

static void
expect_refused (const char *path,
                const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) net = l2l_checkpoint_load (path, &error);

  g_assert_null (net);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cut.safetensors", NULL);
  gsize length;

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) (length - 100), NULL));
  expect_refused (path, "truncated");
  g_assert_true (g_file_set_contents (path, contents, 200, NULL));
  expect_refused (path, "header length");
  g_assert_true (g_file_set_contents (path, contents, 5, NULL));
  expect_refused (path, "too short");
}

static void
test_header_length (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize length;
  const guint64 lengths[] = { 1u << 20, G_GUINT64_CONSTANT (1) << 62, G_MAXUINT64 };

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      for (guint b = 0; b < 8; b++)
        contents[b] = (char) ((lengths[i] >> (8 * b)) & 0xff);
      g_assert_true (g_file_set_contents (fixture->path, contents, (gssize) length, NULL));
      expect_refused (fixture->path, "is larger than the file");
    }
}

/* A rule with other features writes them, and its architecture, as format
 * version 2, and reads back the same; the paper's LSTM keeps version 1. */
static void
test_features_round_trip (Fixture       *fixture,
                          gconstpointer  data)
{
  L2lRuleConfig config;
  g_autoptr(L2lRule) net = NULL, loaded = NULL;
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autoptr(L2lSafetensors) file = NULL;
  g_autoptr(GError) error = NULL;

  l2l_rule_config_init_defaults (&config);
  g_assert_true (l2l_feature_set_parse ("grad-rms,momentum:0.9,theta,step", &config.features,
                                        NULL));
  net = l2l_rule_new (&config, 5);
  l2l_checkpoint_add_architecture (writer, &net->config);
  l2l_checkpoint_add_net (writer, net, NULL);
  g_assert_true (l2l_safetensors_writer_write (writer, fixture->path, &error));
  g_assert_no_error (error);
  file = l2l_safetensors_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_safetensors_get_metadata (file, "format_version"), ==, "2");
  g_assert_cmpstr (l2l_safetensors_get_metadata (file, "arch"), ==, "lstm");
  g_assert_cmpstr (l2l_safetensors_get_metadata (file, "features"), ==,
                   "grad-rms,momentum:0.9,theta,step");
  g_assert_null (l2l_safetensors_get_metadata (file, "preprocess"));
  loaded = l2l_checkpoint_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (loaded->config.arch == net->config.arch);
  g_assert_true (l2l_feature_set_equal (&loaded->config.features, &net->config.features));
  g_assert_cmpuint (loaded->input_size, ==, 1 + 1 + 1 + 7);
  g_assert_cmpmem (loaded->params, loaded->n_params * sizeof (float),
                   net->params, net->n_params * sizeof (float));
}

static void
test_bad_headers (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *meta = "\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\","
                     "\"format_version\":\"1\",\"layers\":\"1\",\"hidden\":\"1\","
                     "\"preprocess\":\"none\",\"output_scale\":\"0.1\"}";
  const struct { const char *tensors; gsize data; const char *needle; } cases[] = {
    { "{", 0, "not valid JSON" },
    { "[1]", 0, "expected a JSON object (the header)" },
    { "{%s,\"cells.0.weight_ih\":{\"dtype\":\"F16\",\"shape\":[4,1],\"data_offsets\":[0,8]}}",
      8, "dtype F16; only F32" },
    { "{%s,\"cells.0.weight_ih\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[0,12]}}",
      16, "12 bytes of data for 4 floats" },
    { "{%s,\"cells.0.weight_ih\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[0,16]},"
      "\"cells.0.weight_hh\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[8,24]}}",
      24, "overlap" },
    { "{%s,\"cells.0.weight_ih\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[0,32]}}",
      32, "cells.0.weight_ih has shape [4, 2], expected [4, 1]" },
    { "{%s,\"cells.0.weight_ih\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[0,16]}}",
      16, "tensor cells.0.weight_hh is missing" },
    { "{%s,\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0,
      "shape entry 0 is not a size" },
    { "{%s,\"x\":{\"dtype\":\"F32\",\"shape\":[4294967295,4294967295],\"data_offsets\":[0,0]}}",
      0, "shape is larger than the file" },
    { "{%s,\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8,
      "data_offsets are not 0 ≤ begin ≤ end" },
    { "{\"__metadata__\":{\"format\":\"something-else\"}}", 0, "not a learned-optimizer checkpoint" },
    { "{\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\",\"format_version\":\"9\"}}",
      0, "format version 9 is newer" },
    { "{\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\",\"format_version\":\"1\","
      "\"layers\":\"99\",\"hidden\":\"1\",\"preprocess\":\"none\",\"output_scale\":\"0.1\"}}",
      0, "architecture in the metadata is incomplete or out of range" },
    { "{\"__metadata__\":{\"format\":1}}", 0, "metadata format is not a string" },
    { "{\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\",\"format_version\":\"2\","
      "\"arch\":\"gru\",\"features\":\"grad\",\"layers\":\"1\",\"hidden\":\"1\","
      "\"output_scale\":\"0.1\"}}", 0, "architecture 'gru' is not one this program knows (lstm" },
    { "{\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\",\"format_version\":\"2\","
      "\"arch\":\"lstm\",\"features\":\"grad,curvature\",\"layers\":\"1\",\"hidden\":\"1\","
      "\"output_scale\":\"0.1\"}}", 0, "features: 'curvature' is not grad, logsign" },
    { "{\"__metadata__\":{\"format\":\"l2l-workbench.lstm-optimizer\",\"format_version\":\"2\","
      "\"arch\":\"lstm\",\"layers\":\"1\",\"hidden\":\"1\",\"preprocess\":\"none\","
      "\"output_scale\":\"0.1\"}}", 0, "architecture in the metadata is incomplete" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *header = NULL;
      g_autofree char *path = NULL;

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      header = g_strdup_printf (cases[i].tensors, meta);
      G_GNUC_END_IGNORE_DEPRECATIONS
      path = write_raw (fixture->dir, header, cases[i].data);
      expect_refused (path, cases[i].needle);
    }
}

/* @path with @from replaced by @to in its header, the header padded to keep
 * the data 8-byte aligned. */
static char *
edit_header (const char *dir,
             const char *path,
             const char *from,
             const char *to)
{
  g_autofree char *contents = NULL, *header = NULL;
  g_autofree char *out = g_build_filename (dir, "edited.safetensors", NULL);
  GString *edited;
  guint64 header_len = 0, data_offset;
  gsize length;
  char *at;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (guint b = 0; b < 8; b++)
    header_len |= (guint64) (guint8) contents[b] << (8 * b);
  data_offset = header_len;
  header = g_strndup (contents + 8, header_len);
  g_strchomp (header);
  at = strstr (header, from);
  g_assert_nonnull (at);
  edited = g_string_new_len (header, at - header);
  g_string_append (edited, to);
  g_string_append (edited, at + strlen (from));
  while (edited->len % 8 != 0)
    g_string_append_c (edited, ' ');
  header_len = edited->len;
  for (guint b = 8; b-- > 0;)
    g_string_prepend_c (edited, (char) ((header_len >> (8 * b)) & 0xff));
  g_string_append_len (edited, contents + 8 + data_offset, (gssize) (length - 8 - data_offset));
  g_assert_true (g_file_set_contents (out, edited->str, (gssize) edited->len, NULL));
  g_string_free (edited, TRUE);
  return g_steal_pointer (&out);
}

/* Resume metadata that once trained with the wrong settings, crashed or
 * printed GLib criticals (issue 8), each refused with the file named. */
static void
test_bad_resume_metadata (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  g_autofree char *resume = g_build_filename (fixture->dir, "r.safetensors", NULL);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  L2lTrainConfig config;
  const struct { const char *from, *to, *needle; } cases[] = {
    { "\"batch\":\"8\"", "\"batch\":\"4294967297\"", "batch: '4294967297' is not a valid value" },
    { "\"eval_runs\":\"5\"", "\"eval_runs\":\"-1\"", "eval_runs: '-1'" },
    { "\"task\":\"quadratic:", "\"task\":\"quadratic:,", "'' is not of the form key=value" },
    { "\"history\":\"[[0,", "\"history\":\"[[{},", "history: an entry is not" },
    { "\"history\":\"[[0,", "\"history\":\"[[\\\"x\\\",", "history: an entry is not" },
    { "\"history\":\"[", "\"history\":\"[[0,1,2,3],", "its length does not match epochs" },
    { "\"history\":\"[", "\"history\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "nested more than 64 deep" },
  };

  l2l_train_config_init_defaults (&config);
  config.task = task;
  config.batch = 8;
  config.steps = 10;
  config.unroll = 5;
  config.epochs = 2;
  config.eval_runs = 5;
  config.threads = 1;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));
  g_assert_true (l2l_trainer_save_resume (trainer, resume, &error));

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = edit_header (fixture->dir, resume, cases[c].from, cases[c].to);
      g_autoptr(L2lTrainer) loaded = l2l_trainer_new_from_resume (path, &error);

      g_assert_null (loaded);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[c].needle));
      g_clear_error (&error);
      /* The same file with no GError to fill must not crash either. */
      g_assert_null (l2l_trainer_new_from_resume (path, NULL));
    }
}

/* A NaN or an infinity in φ, or in a resume file's moments, or a negative
 * second moment, is refused naming the tensor (such a resume trained at
 * meta-loss inf and exited 0). */
static void
test_non_finite (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "bad.safetensors", NULL);
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  L2lTrainConfig config;
  float *m, *v;
  guint64 *step;

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
      const float saved = fixture->net->params[7];

      fixture->net->params[7] = k == 0 ? NAN : -INFINITY;
      l2l_checkpoint_add_architecture (writer, &fixture->net->config);
      l2l_checkpoint_add_net (writer, fixture->net, NULL);
      /* the writer reads the values when it writes */
      g_assert_true (l2l_safetensors_writer_write (writer, path, NULL));
      fixture->net->params[7] = saved;
      g_assert_null (l2l_checkpoint_load (path, &error));
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, k == 0 ? "holds NaN at index 7"
                                                       : "holds infinity at index 7"));
      g_clear_error (&error);
    }

  l2l_train_config_init_defaults (&config);
  config.task = task;
  config.batch = 2;
  config.steps = 4;
  config.unroll = 2;
  config.epochs = 1;
  config.threads = 1;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_true (l2l_trainer_run (trainer, NULL, NULL, NULL, NULL));
  l2l_adam_get_state (trainer->adam, &m, &v, &step);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(L2lTrainer) loaded = NULL;

      if (k == 0)
        m[3] = INFINITY;
      else
        m[3] = 0.0f, v[5] = -1e-3f;
      g_assert_true (l2l_trainer_save_resume (trainer, path, &error));
      loaded = l2l_trainer_new_from_resume (path, &error);
      g_assert_null (loaded);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message,
                                k == 0 ? "tensor meta.adam.exp_avg holds infinity at index 3"
                                       : "tensor meta.adam.exp_avg_sq holds a negative second "
                                         "moment at index 5"));
      g_clear_error (&error);
    }
}

/* One LSTM per group: the tensors of each group carry its name as a prefix
 * and, without it, PyTorch's names and shapes (each group loads into
 * torch.nn.LSTMCell and Linear modules); the metadata lists the groups; a
 * per-group net whose groups hold the same φ optimizes the cnn exactly as
 * one LSTM of that φ does; it is refused for a task with other groups; bad
 * group metadata is refused naming the file. */
static void
test_per_group (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autofree char *path = g_build_filename (fixture->dir, "groups.safetensors", NULL);
  g_autoptr(L2lSafetensors) file = NULL;
  g_autoptr(L2lRule) net = NULL, loaded = NULL;
  g_autoptr(L2lTask) cnn = l2l_task_new_from_spec ("cnn:dataset=mnist,channels=2,fc=4,batch=8",
                                                   NULL);
  g_autoptr(L2lTask) quadratic = l2l_task_new_from_spec ("quadratic", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree const char **names = NULL;
  L2lRuleConfig config;
  L2lCompareConfig compare;
  double one[3 * 11], grouped[3 * 11];
  L2lOptimizerSpec spec;
  L2lTrajectoryJob job = { .task = cnn, .seed = 2, .stream = L2L_SEED_TEST, .runs = 3,
                           .steps = 10, .optimizer = &spec };

  l2l_rule_config_init_defaults (&config);
  g_assert_true (l2l_rule_config_set_groups (&config, "conv,fc", &error));
  net = l2l_rule_new (&config, 5);
  g_assert_cmpuint (net->n_params, ==, 2 * fixture->net->n_params);
  l2l_checkpoint_add_architecture (writer, &config);
  l2l_checkpoint_add_net (writer, net, NULL);
  g_assert_true (l2l_safetensors_writer_write (writer, path, &error));

  file = l2l_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_safetensors_get_metadata (file, "groups"), ==, "conv,fc");
  names = l2l_safetensors_list_tensors (file);
  g_assert_cmpuint (g_strv_length ((GStrv) names), ==, 2 * fixture->net->n_tensors);
  for (guint g = 0; g < 2; g++)
    for (guint t = 0; t < fixture->net->n_tensors; t++)
      {
        const L2lRuleTensor *plain = &fixture->net->tensors[t];
        g_autofree char *name = g_strconcat (g ? "fc." : "conv.", plain->name, NULL);
        guint64 dims[L2L_SAFETENSORS_MAX_DIMS];
        guint n_dims = l2l_safetensors_get_shape (file, name, dims);

        g_assert_cmpuint (n_dims, ==, plain->cols ? 2 : 1);
        g_assert_cmpuint (dims[0], ==, plain->rows);
        if (plain->cols)
          g_assert_cmpuint (dims[1], ==, plain->cols);
      }

  loaded = l2l_checkpoint_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->config.groups, ==, "conv,fc");
  g_assert_cmpmem (loaded->params, loaded->n_params * sizeof (float),
                   net->params, net->n_params * sizeof (float));

  /* both groups holding the fixture's φ: the same trajectories as one LSTM */
  memcpy (loaded->params, fixture->net->params, fixture->net->n_params * sizeof (float));
  memcpy (loaded->params + loaded->group_size, fixture->net->params,
          fixture->net->n_params * sizeof (float));
  l2l_optimizer_spec_init_learned (&spec, "one", fixture->net);
  g_assert_true (l2l_trajectories_run (&job, one, NULL, NULL, NULL));
  l2l_optimizer_spec_clear (&spec);
  l2l_optimizer_spec_init_learned (&spec, "grouped", loaded);
  g_assert_true (l2l_trajectories_run (&job, grouped, NULL, NULL, NULL));
  l2l_optimizer_spec_clear (&spec);
  for (guint i = 0; i < G_N_ELEMENTS (one); i++)
    g_assert_cmpfloat_with_epsilon (grouped[i], one[i], 1e-5 * one[i]);
  /* and another φ for fc alone changes them from the first step on */
  memcpy (loaded->params + loaded->group_size, net->params + net->group_size,
          net->group_size * sizeof (float));
  l2l_optimizer_spec_init_learned (&spec, "grouped", loaded);
  g_assert_true (l2l_trajectories_run (&job, grouped, NULL, NULL, NULL));
  l2l_optimizer_spec_clear (&spec);
  g_assert_cmpfloat (grouped[0], ==, one[0]);
  g_assert_cmpfloat (grouped[1], !=, one[1]);

  l2l_compare_config_init (&compare);
  compare.task = l2l_task_ref (quadratic);
  compare.optimizers = g_new0 (L2lOptimizerSpec, 1);
  compare.n_optimizers = 1;
  l2l_optimizer_spec_init_learned (&compare.optimizers[0], "lstm:groups", loaded);
  g_assert_false (l2l_compare_config_validate (&compare, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "lstm:groups has one LSTM per parameter group "
                                            "(conv,fc) but task quadratic"));
  g_clear_error (&error);
  g_clear_pointer (&compare.task, l2l_task_unref);
  compare.task = l2l_task_ref (cnn);
  g_assert_true (l2l_compare_config_validate (&compare, &error));
  l2l_compare_config_clear (&compare);

  {
    g_autofree char *bad = edit_header (fixture->dir, path, "\"conv,fc\"", "\"conv,,fc\"");
    g_autoptr(L2lRule) refused = l2l_checkpoint_load (bad, &error);
    g_assert_null (refused);
    g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE);
    g_assert_true (g_str_has_prefix (error->message, bad));
    g_assert_nonnull (strstr (error->message, "groups 'conv,,fc'"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add ("/engine/checkpoint/round-trip", Fixture, NULL, fixture_set_up,
              test_round_trip, fixture_tear_down);
  g_test_add ("/engine/checkpoint/file-layout", Fixture, NULL, fixture_set_up,
              test_file_layout, fixture_tear_down);
  g_test_add ("/engine/checkpoint/truncated", Fixture, NULL, fixture_set_up,
              test_truncated, fixture_tear_down);
  g_test_add ("/engine/checkpoint/header-length", Fixture, NULL, fixture_set_up,
              test_header_length, fixture_tear_down);
  g_test_add ("/engine/checkpoint/features-round-trip", Fixture, NULL, fixture_set_up,
              test_features_round_trip, fixture_tear_down);
  g_test_add ("/engine/checkpoint/bad-headers", Fixture, NULL, fixture_set_up,
              test_bad_headers, fixture_tear_down);
  g_test_add ("/engine/checkpoint/bad-resume-metadata", Fixture, NULL, fixture_set_up,
              test_bad_resume_metadata, fixture_tear_down);
  g_test_add ("/engine/checkpoint/non-finite", Fixture, NULL, fixture_set_up, test_non_finite,
              fixture_tear_down);
  g_test_add ("/engine/checkpoint/per-group", Fixture, NULL, fixture_set_up,
              test_per_group, fixture_tear_down);
  return g_test_run ();
}
