/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-file.h"
#include "l2l-json.h"
#include "l2l-safetensors.h"

/* A header larger than this is not one we wrote or could use. */
#define MAX_HEADER_BYTES (16u << 20)

typedef struct {
  char        *name;
  guint        n_dims;
  guint64      dims[L2L_SAFETENSORS_MAX_DIMS];
  const float *data;      /* writer: the caller's; reader: unused */
  guint64      begin;     /* reader: byte offsets into the data section */
  guint64      end;
} Tensor;

struct _L2lSafetensorsWriter {
  GPtrArray *metadata_keys;
  GPtrArray *metadata_values;
  GArray    *tensors;
};

struct _L2lSafetensors {
  char       *path;
  char       *contents;
  const char *data;         /* start of the data section */
  guint64     data_size;
  GHashTable *metadata;
  GHashTable *tensors;      /* name → Tensor* */
};

static void
tensor_clear (gpointer data)
{
  g_free (((Tensor *) data)->name);
}

static void
tensor_free (gpointer data)
{
  tensor_clear (data);
  g_free (data);
}

static guint64
tensor_count (const Tensor *tensor)
{
  guint64 count = 1;

  for (guint d = 0; d < tensor->n_dims; d++)
    count *= tensor->dims[d];
  return count;
}

L2lSafetensorsWriter *
l2l_safetensors_writer_new (void)
{
  L2lSafetensorsWriter *writer = g_new0 (L2lSafetensorsWriter, 1);

  writer->metadata_keys = g_ptr_array_new_with_free_func (g_free);
  writer->metadata_values = g_ptr_array_new_with_free_func (g_free);
  writer->tensors = g_array_new (FALSE, TRUE, sizeof (Tensor));
  g_array_set_clear_func (writer->tensors, tensor_clear);
  return writer;
}

void
l2l_safetensors_writer_add_metadata (L2lSafetensorsWriter *writer,
                                     const char           *key,
                                     const char           *value)
{
  g_ptr_array_add (writer->metadata_keys, g_strdup (key));
  g_ptr_array_add (writer->metadata_values, g_strdup (value));
}

void
l2l_safetensors_writer_add_tensor (L2lSafetensorsWriter *writer,
                                   const char           *name,
                                   const float          *data,
                                   guint                 n_dims,
                                   const guint64        *dims)
{
  Tensor tensor = { g_strdup (name), n_dims, { 0 }, data, 0, 0 };

  g_return_if_fail (n_dims <= L2L_SAFETENSORS_MAX_DIMS);
  memcpy (tensor.dims, dims, n_dims * sizeof (guint64));
  g_array_append_val (writer->tensors, tensor);
}

char *
l2l_safetensors_writer_to_data (L2lSafetensorsWriter *writer,
                                gsize                *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header = NULL;
  GString *out;
  guint64 offset = 0, header_len;
  gsize header_size;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "__metadata__");
  json_builder_begin_object (builder);
  for (guint i = 0; i < writer->metadata_keys->len; i++)
    {
      json_builder_set_member_name (builder, writer->metadata_keys->pdata[i]);
      json_builder_add_string_value (builder, writer->metadata_values->pdata[i]);
    }
  json_builder_end_object (builder);
  for (guint i = 0; i < writer->tensors->len; i++)
    {
      const Tensor *tensor = &g_array_index (writer->tensors, Tensor, i);
      guint64 bytes = tensor_count (tensor) * sizeof (float);

      json_builder_set_member_name (builder, tensor->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < tensor->n_dims; d++)
        json_builder_add_int_value (builder, (gint64) tensor->dims[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) offset);
      json_builder_add_int_value (builder, (gint64) (offset + bytes));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      offset += bytes;
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  header = l2l_json_to_data (root, FALSE, &header_size);

  /* Pad with spaces so that the data starts 8-byte aligned. */
  header_len = header_size + (8 - (8 + header_size) % 8) % 8;
  out = g_string_sized_new (8 + header_len + offset);
  for (guint b = 0; b < 8; b++)
    g_string_append_c (out, (char) ((header_len >> (8 * b)) & 0xff));
  g_string_append_len (out, header, (gssize) header_size);
  while (out->len < 8 + header_len)
    g_string_append_c (out, ' ');
  for (guint i = 0; i < writer->tensors->len; i++)
    {
      const Tensor *tensor = &g_array_index (writer->tensors, Tensor, i);
      guint64 count = tensor_count (tensor);

      for (guint64 k = 0; k < count; k++)
        {
          guint32 bits;
          memcpy (&bits, &tensor->data[k], sizeof bits);
          bits = GUINT32_TO_LE (bits);
          g_string_append_len (out, (const char *) &bits, sizeof bits);
        }
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
l2l_safetensors_writer_write (L2lSafetensorsWriter  *writer,
                              const char            *path,
                              GError               **error)
{
  gsize length;
  g_autofree char *data = l2l_safetensors_writer_to_data (writer, &length);

  return l2l_file_write_atomic (path, data, length, error);
}

void
l2l_safetensors_writer_free (L2lSafetensorsWriter *writer)
{
  if (writer == NULL)
    return;
  g_ptr_array_unref (writer->metadata_keys);
  g_ptr_array_unref (writer->metadata_values);
  g_array_unref (writer->tensors);
  g_free (writer);
}

/* Reading. */

static gboolean
read_uint (JsonNode *node,
           guint64  *out)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    return FALSE;
  *out = (guint64) json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_tensor (L2lSafetensors  *file,
              const char      *name,
              JsonNode        *node,
              GError         **error)
{
  JsonObject *object;
  JsonNode *dtype, *shape, *offsets;
  Tensor *tensor;
  guint64 count = 1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return l2l_set_file_error (error, file->path, "tensor %s is not described by an object", name);
  object = json_node_get_object (node);
  dtype = json_object_get_member (object, "dtype");
  shape = json_object_get_member (object, "shape");
  offsets = json_object_get_member (object, "data_offsets");
  if (dtype == NULL || shape == NULL || offsets == NULL)
    return l2l_set_file_error (error, file->path, "tensor %s lacks dtype, shape or data_offsets", name);
  if (!JSON_NODE_HOLDS_VALUE (dtype) || json_node_get_value_type (dtype) != G_TYPE_STRING)
    return l2l_set_file_error (error, file->path, "tensor %s has a dtype that is not a string", name);
  if (!g_str_equal (json_node_get_string (dtype), "F32"))
    return l2l_set_file_error (error, file->path, "tensor %s has dtype %s; only F32 is supported",
                 name, json_node_get_string (dtype));
  if (!JSON_NODE_HOLDS_ARRAY (shape) ||
      json_array_get_length (json_node_get_array (shape)) > L2L_SAFETENSORS_MAX_DIMS)
    return l2l_set_file_error (error, file->path, "tensor %s has a shape that is not a list of at most "
                 "%d sizes", name, L2L_SAFETENSORS_MAX_DIMS);
  if (!JSON_NODE_HOLDS_ARRAY (offsets) ||
      json_array_get_length (json_node_get_array (offsets)) != 2)
    return l2l_set_file_error (error, file->path, "tensor %s: data_offsets is not [begin, end]", name);

  tensor = g_new0 (Tensor, 1);
  tensor->name = g_strdup (name);
  g_hash_table_replace (file->tensors, tensor->name, tensor);
  tensor->n_dims = json_array_get_length (json_node_get_array (shape));
  for (guint d = 0; d < tensor->n_dims; d++)
    {
      if (!read_uint (json_array_get_element (json_node_get_array (shape), d),
                      &tensor->dims[d]) || tensor->dims[d] > G_MAXUINT32)
        return l2l_set_file_error (error, file->path, "tensor %s: shape entry %u is not a size", name, d);
      count *= tensor->dims[d];
      if (count > file->data_size)
        return l2l_set_file_error (error, file->path, "tensor %s: shape is larger than the file", name);
    }
  if (!read_uint (json_array_get_element (json_node_get_array (offsets), 0), &tensor->begin) ||
      !read_uint (json_array_get_element (json_node_get_array (offsets), 1), &tensor->end) ||
      tensor->begin > tensor->end)
    return l2l_set_file_error (error, file->path, "tensor %s: data_offsets are not 0 ≤ begin ≤ end", name);
  if (tensor->end > file->data_size)
    return l2l_set_file_error (error, file->path, "tensor %s ends at byte %" G_GUINT64_FORMAT
                 " of the data, but the data has only %" G_GUINT64_FORMAT " bytes "
                 "(truncated file?)", name, tensor->end, file->data_size);
  if (tensor->end - tensor->begin != count * sizeof (float))
    return l2l_set_file_error (error, file->path, "tensor %s: %" G_GUINT64_FORMAT " bytes of data for %"
                 G_GUINT64_FORMAT " floats", name, tensor->end - tensor->begin, count);
  return TRUE;
}

static int
compare_begin (const void *a,
               const void *b)
{
  const Tensor *x = *(Tensor *const *) a, *y = *(Tensor *const *) b;

  return (x->begin > y->begin) - (x->begin < y->begin);
}

static gboolean
check_overlaps (L2lSafetensors  *file,
                GError         **error)
{
  g_autoptr(GList) values = g_hash_table_get_values (file->tensors);
  guint n = g_list_length (values), i = 0;
  g_autofree Tensor **tensors = g_new (Tensor *, MAX (n, 1));

  for (GList *l = values; l != NULL; l = l->next)
    tensors[i++] = l->data;
  qsort (tensors, n, sizeof (Tensor *), compare_begin);
  for (i = 1; i < n; i++)
    if (tensors[i]->begin < tensors[i - 1]->end)
      return l2l_set_file_error (error, file->path, "tensors %s and %s overlap",
                   tensors[i - 1]->name, tensors[i]->name);
  return TRUE;
}

static gboolean
parse_header (L2lSafetensors  *file,
              const char      *header,
              gsize            header_len,
              GError         **error)
{
  g_autoptr(JsonParser) parser = l2l_json_parse (header, header_len, JSON_NODE_OBJECT,
                                                  file->path, "the header", error);
  g_autoptr(GList) members = NULL;
  JsonObject *root;

  if (parser == NULL)
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (root, name);

      if (!g_str_equal (name, "__metadata__"))
        {
          if (!parse_tensor (file, name, node, error))
            return FALSE;
          continue;
        }
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return l2l_set_file_error (error, file->path, "__metadata__ is not an object");
      g_autoptr(GList) keys = json_object_get_members (json_node_get_object (node));
      for (GList *k = keys; k != NULL; k = k->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (node), k->data);
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            return l2l_set_file_error (error, file->path, "metadata %s is not a string", (char *) k->data);
          g_hash_table_insert (file->metadata, g_strdup (k->data),
                               g_strdup (json_node_get_string (value)));
        }
    }
  return check_overlaps (file, error);
}

L2lSafetensors *
l2l_safetensors_load (const char  *path,
                      GError     **error)
{
  g_autoptr(L2lSafetensors) file = g_new0 (L2lSafetensors, 1);
  gsize size;
  guint64 header_len = 0;

  file->path = g_strdup (path);
  file->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  file->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tensor_free);
  if (!l2l_file_read (path, L2L_FILE_MAX_BINARY_BYTES, &file->contents, &size, error))
    return NULL;
  if (size < 8)
    {
      l2l_set_file_error (error, path, "%" G_GSIZE_FORMAT " bytes is too short for a safetensors file", size);
      return NULL;
    }
  for (guint b = 0; b < 8; b++)
    header_len |= (guint64) (guint8) file->contents[b] << (8 * b);
  if (header_len > size - 8)
    {
      l2l_set_file_error (error, path, "header length %" G_GUINT64_FORMAT " is larger than the file "
            "(%" G_GSIZE_FORMAT " bytes); truncated or not a safetensors file", header_len, size);
      return NULL;
    }
  if (header_len > MAX_HEADER_BYTES)
    {
      l2l_set_file_error (error, path, "header length %" G_GUINT64_FORMAT " is beyond %u bytes",
            header_len, MAX_HEADER_BYTES);
      return NULL;
    }
  file->data = file->contents + 8 + header_len;
  file->data_size = size - 8 - header_len;
  if (!parse_header (file, file->contents + 8, header_len, error))
    return NULL;
  return g_steal_pointer (&file);
}

const char *
l2l_safetensors_get_path (const L2lSafetensors *file)
{
  return file->path;
}

const char *
l2l_safetensors_get_metadata (const L2lSafetensors *file,
                              const char           *key)
{
  return g_hash_table_lookup (file->metadata, key);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

const char **
l2l_safetensors_list_metadata (const L2lSafetensors *file)
{
  guint n;
  const char **keys = (const char **) g_hash_table_get_keys_as_array (file->metadata, &n);

  qsort (keys, n, sizeof (char *), compare_strings);
  return keys;
}

const char **
l2l_safetensors_list_tensors (const L2lSafetensors *file)
{
  g_autoptr(GList) values = g_hash_table_get_values (file->tensors);
  guint n = g_list_length (values), i = 0;
  g_autofree Tensor **tensors = g_new (Tensor *, n + 1);
  const char **names = g_new0 (const char *, n + 1);

  for (GList *l = values; l != NULL; l = l->next)
    tensors[i++] = l->data;
  qsort (tensors, n, sizeof (Tensor *), compare_begin);
  for (i = 0; i < n; i++)
    names[i] = tensors[i]->name;
  return names;
}

guint
l2l_safetensors_get_shape (const L2lSafetensors *file,
                           const char           *name,
                           guint64              *dims)
{
  const Tensor *tensor = g_hash_table_lookup (file->tensors, name);

  g_return_val_if_fail (tensor != NULL, 0);
  memcpy (dims, tensor->dims, tensor->n_dims * sizeof (guint64));
  return tensor->n_dims;
}

gboolean
l2l_safetensors_has_tensor (const L2lSafetensors *file,
                            const char           *name)
{
  return g_hash_table_contains (file->tensors, name);
}

static char *
format_shape (guint          n_dims,
              const guint64 *dims)
{
  GString *text = g_string_new ("[");

  for (guint d = 0; d < n_dims; d++)
    g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, d ? ", " : "", dims[d]);
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

gboolean
l2l_safetensors_check_tensor (const L2lSafetensors *file,
                              const char           *name,
                              guint                 n_dims,
                              const guint64        *dims,
                              GError              **error)
{
  const Tensor *tensor = g_hash_table_lookup (file->tensors, name);

  if (tensor == NULL)
    return l2l_set_file_error (error, file->path, "tensor %s is missing", name);
  if (tensor->n_dims != n_dims || memcmp (tensor->dims, dims, n_dims * sizeof (guint64)) != 0)
    {
      g_autofree char *found = format_shape (tensor->n_dims, tensor->dims);
      g_autofree char *wanted = format_shape (n_dims, dims);
      return l2l_set_file_error (error, file->path, "tensor %s has shape %s, expected %s", name, found, wanted);
    }
  return TRUE;
}

gboolean
l2l_safetensors_read_tensor (const L2lSafetensors *file,
                             const char           *name,
                             float                *out,
                             guint                 n_dims,
                             const guint64        *dims,
                             GError              **error)
{
  const Tensor *tensor;
  guint64 count;

  if (!l2l_safetensors_check_tensor (file, name, n_dims, dims, error))
    return FALSE;
  tensor = g_hash_table_lookup (file->tensors, name);
  count = tensor_count (tensor);
  for (guint64 k = 0; k < count; k++)
    {
      guint32 bits;
      memcpy (&bits, file->data + tensor->begin + k * sizeof bits, sizeof bits);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&out[k], &bits, sizeof bits);
      /* weights, states and moments: a NaN or infinity in one is damage */
      if (!isfinite (out[k]))
        return l2l_set_file_error (error, file->path, "tensor %s holds %s at index %"
                                   G_GUINT64_FORMAT, name, isnan (out[k]) ? "NaN" : "infinity",
                                   k);
    }
  return TRUE;
}

void
l2l_safetensors_free (L2lSafetensors *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->contents);
  g_clear_pointer (&file->metadata, g_hash_table_unref);
  g_clear_pointer (&file->tensors, g_hash_table_unref);
  g_free (file);
}
