/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-checkpoint.h"
#include "l2l-error.h"
#include "l2l-lstm.h"
#include "l2l-options.h"
#include "l2l-rule-arch.h"

/* Tensor @index of @net as a file names and shapes it: @prefix and its
 * PyTorch name; 1-D tensors are [rows], out.weight is [1, H] as nn.Linear(H, 1)
 * has it. */
static char *
tensor_entry (const L2lRule *net,
              guint          index,
              const char    *prefix,
              guint         *n_dims,
              guint64       *dims)
{
  const L2lRuleTensor *tensor = &net->tensors[index];

  dims[0] = tensor->rows;
  dims[1] = tensor->cols;
  *n_dims = tensor->cols ? 2 : 1;
  return g_strconcat (prefix ? prefix : "", tensor->name, NULL);
}

void
l2l_checkpoint_add_architecture (L2lSafetensorsWriter *writer,
                                 const L2lRuleConfig  *config)
{
  g_autofree char *layers = g_strdup_printf ("%u", config->layers);
  g_autofree char *hidden = g_strdup_printf ("%u", config->hidden);
  g_autofree char *preprocess = l2l_lstm_preprocess_to_string (config);
  const gboolean paper = config->arch == &l2l_rule_arch_lstm && preprocess != NULL;
  char scale[G_ASCII_DTOSTR_BUF_SIZE];

  l2l_safetensors_writer_add_metadata (writer, "format", L2L_CHECKPOINT_FORMAT);
  /* version 1 where a program of that time reads the file as it is */
  l2l_safetensors_writer_add_metadata (writer, "format_version", paper ? "1" : "2");
  l2l_safetensors_writer_add_metadata (writer, "layers", layers);
  l2l_safetensors_writer_add_metadata (writer, "hidden", hidden);
  /* The paper's LSTM keeps the metadata it has always had; other rules name
   * their architecture and features. */
  if (paper)
    l2l_safetensors_writer_add_metadata (writer, "preprocess", preprocess);
  else
    {
      g_autofree char *features = l2l_feature_set_to_string (&config->features);

      l2l_safetensors_writer_add_metadata (writer, "arch", config->arch->name);
      l2l_safetensors_writer_add_metadata (writer, "features", features);
    }
  l2l_safetensors_writer_add_metadata (writer, "output_scale",
                                       l2l_format_double (scale, config->output_scale));
  if (config->groups[0] != '\0')
    l2l_safetensors_writer_add_metadata (writer, "groups", config->groups);
}

void
l2l_checkpoint_add_net (L2lSafetensorsWriter *writer,
                        const L2lRule        *net,
                        const char           *prefix)
{
  for (guint i = 0; i < net->n_tensors; i++)
    {
      guint64 dims[2];
      guint n_dims;
      g_autofree char *name = tensor_entry (net, i, prefix, &n_dims, dims);

      l2l_safetensors_writer_add_tensor (writer, name, net->params + net->tensors[i].offset,
                                         n_dims, dims);
    }
}

static gboolean
read_count (const L2lSafetensors  *file,
            const char            *key,
            guint                 *out,
            GError               **error)
{
  const char *text = l2l_safetensors_get_metadata (file, key);
  gint64 value;

  if (text == NULL || !l2l_parse_int (text, &value) || value < 0 || value > G_MAXUINT)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: metadata %s is %s%s%s", l2l_safetensors_get_path (file), key,
                   text ? "'" : "missing", text ? text : "", text ? "', not a count" : "");
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
l2l_checkpoint_read_architecture (const L2lSafetensors  *file,
                                  L2lRuleConfig         *config,
                                  GError               **error)
{
  const char *path = l2l_safetensors_get_path (file);
  const char *format = l2l_safetensors_get_metadata (file, "format");
  const char *preprocess = l2l_safetensors_get_metadata (file, "preprocess");
  const char *scale = l2l_safetensors_get_metadata (file, "output_scale");
  const char *groups = l2l_safetensors_get_metadata (file, "groups");
  const char *arch_name = l2l_safetensors_get_metadata (file, "arch");
  const char *features = l2l_safetensors_get_metadata (file, "features");
  g_autoptr(GError) local_error = NULL;
  guint version;

  if (format == NULL || !g_str_equal (format, L2L_CHECKPOINT_FORMAT))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: not a learned-optimizer checkpoint (metadata format is %s)", path,
                   format ? format : "missing");
      return FALSE;
    }
  if (!read_count (file, "format_version", &version, error))
    return FALSE;
  if (version > L2L_CHECKPOINT_VERSION)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: format version %u is newer than this program reads (%d)", path,
                   version, L2L_CHECKPOINT_VERSION);
      return FALSE;
    }
  l2l_rule_config_init_defaults (config);
  if (arch_name != NULL && (config->arch = l2l_rule_arch_lookup (arch_name)) == NULL)
    {
      g_autofree char *names = l2l_rule_archs_to_string ();
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: architecture '%s' is not one this program knows (%s)", path, arch_name,
                   names);
      return FALSE;
    }
  if (features != NULL && !l2l_feature_set_parse (features, &config->features, &local_error))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: metadata %s", path, local_error->message);
      return FALSE;
    }
  if (!read_count (file, "layers", &config->layers, error) ||
      !read_count (file, "hidden", &config->hidden, error))
    return FALSE;
  if ((features == NULL &&
       (arch_name != NULL || preprocess == NULL ||
        !l2l_lstm_preprocess_parse (preprocess, config, NULL))) ||
      scale == NULL || !l2l_parse_double (scale, &config->output_scale) ||
      !l2l_rule_config_validate (config, NULL))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: the architecture in the metadata is incomplete or out of range "
                   "(arch %s, layers %u, hidden %u, %s %s, output_scale %s)", path,
                   config->arch->name, config->layers, config->hidden,
                   features != NULL ? "features" : "preprocess",
                   features != NULL ? features : preprocess ? preprocess : "missing",
                   scale ? scale : "missing");
      return FALSE;
    }
  if (!l2l_rule_config_set_groups (config, groups, NULL))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: metadata groups '%s' is not up to %d distinct names separated by "
                   "commas", path, groups, L2L_RULE_MAX_GROUPS);
      return FALSE;
    }
  return TRUE;
}

/* What training cost, for comparisons to show beside what it bought; absent
 * or malformed metadata leaves it unknown. */
static void
read_cost (const L2lSafetensors *file,
           L2lRule              *net)
{
  const char *seconds = l2l_safetensors_get_metadata (file, "elapsed_seconds");
  const char *epochs = l2l_safetensors_get_metadata (file, "epochs");
  const char *batch = l2l_safetensors_get_metadata (file, "batch");
  gint64 e, b;

  if (seconds != NULL && !l2l_parse_double (seconds, &net->train_seconds))
    net->train_seconds = NAN;
  if (epochs != NULL && batch != NULL && l2l_parse_int (epochs, &e) && l2l_parse_int (batch, &b) &&
      e > 0 && b > 0 && e <= G_MAXUINT32 && b <= G_MAXUINT32)
    net->train_functions = (guint64) e * (guint64) b;
}

L2lRule *
l2l_checkpoint_read_net (const L2lSafetensors  *file,
                         const L2lRuleConfig   *config,
                         const char            *prefix,
                         GError               **error)
{
  g_autoptr(L2lRule) net = l2l_rule_new_zeroed (config);

  for (guint i = 0; i < net->n_tensors; i++)
    {
      guint64 dims[2];
      guint n_dims;
      g_autofree char *name = tensor_entry (net, i, prefix, &n_dims, dims);

      if (!l2l_safetensors_read_tensor (file, name, net->params + net->tensors[i].offset,
                                        n_dims, dims, error))
        return NULL;
    }
  read_cost (file, net);
  return g_steal_pointer (&net);
}

L2lRule *
l2l_checkpoint_load (const char  *path,
                     GError     **error)
{
  g_autoptr(L2lSafetensors) file = l2l_safetensors_load (path, error);
  L2lRuleConfig config;

  if (file == NULL || !l2l_checkpoint_read_architecture (file, &config, error))
    return NULL;
  return l2l_checkpoint_read_net (file, &config, NULL, error);
}
