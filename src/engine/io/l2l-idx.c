/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-error.h"
#include "l2l-file.h"
#include "l2l-idx.h"

static GBytes *
read_source (const char  *path,
             GError     **error)
{
  char *contents;
  gsize length;

  if (!l2l_file_read (path, L2L_FILE_MAX_BINARY_BYTES, &contents, &length, error))
    return NULL;
  return g_bytes_new_take (contents, length);
}

/* Inflates at most L2L_FILE_MAX_BINARY_BYTES: a small gzip bomb is refused,
 * not unpacked into all of memory. */
static GBytes *
gunzip (GBytes      *compressed,
        const char  *path,
        GError     **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (compressed);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  guint8 buffer[65536];
  gssize got;

  while ((got = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &local_error)) > 0)
    {
      if (out->len + (gsize) got > L2L_FILE_MAX_BINARY_BYTES)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                       "%s: unpacks to more than %u MB, more than such a file can be", path,
                       L2L_FILE_MAX_BINARY_BYTES >> 20);
          return NULL;
        }
      g_byte_array_append (out, buffer, (guint) got);
    }
  if (got < 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: broken gzip data: %s", path, local_error->message);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

L2lIdx *
l2l_idx_load (const char  *path,
              GError     **error)
{
  g_autoptr(GBytes) bytes = read_source (path, error);
  g_autoptr(L2lIdx) idx = NULL;
  const guint8 *data;
  gsize size, header;
  guint64 expected = 1;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      GBytes *plain = gunzip (bytes, path, error);
      if (plain == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = plain;
      data = g_bytes_get_data (bytes, &size);
    }
  if (size < 4 || data[0] != 0 || data[1] != 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: not an IDX file (bad magic number)", path);
      return NULL;
    }
  if (data[2] != 0x08)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: IDX data type 0x%02x; only unsigned bytes (0x08) are read", path, data[2]);
      return NULL;
    }
  idx = g_new0 (L2lIdx, 1);
  idx->n_dims = data[3];
  if (idx->n_dims < 1 || idx->n_dims > L2L_IDX_MAX_DIMS)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %u dimensions; IDX files here have 1 to %d", path, idx->n_dims,
                   L2L_IDX_MAX_DIMS);
      return NULL;
    }
  header = 4 + 4 * (gsize) idx->n_dims;
  if (size < header)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: truncated in its header", path);
      return NULL;
    }
  for (guint d = 0; d < idx->n_dims; d++)
    {
      const guint8 *b = data + 4 + 4 * d;
      idx->dims[d] = (guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3];
      /* Saturate rather than wrap: a product past the file's size is wrong anyway. */
      expected = idx->dims[d] != 0 && expected > G_MAXUINT64 / idx->dims[d]
                 ? G_MAXUINT64 : expected * idx->dims[d];
    }
  if (size - header != expected)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: the header promises %" G_GUINT64_FORMAT " bytes of data, the file "
                   "has %" G_GSIZE_FORMAT "%s", path, expected, size - header,
                   size - header < expected ? " (truncated)" : "");
      return NULL;
    }
  idx->data = g_bytes_new_from_bytes (bytes, header, size - header);
  return g_steal_pointer (&idx);
}

void
l2l_idx_free (L2lIdx *idx)
{
  if (idx == NULL)
    return;
  g_clear_pointer (&idx->data, g_bytes_unref);
  g_free (idx);
}
