/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* safetensors: an 8-byte little-endian header length, a JSON header
 * {"__metadata__": {string: string}, NAME: {"dtype", "shape", "data_offsets"}},
 * then the raw little-endian data. Only F32 tensors are read and written. */

#define L2L_SAFETENSORS_MAX_DIMS 4

typedef struct _L2lSafetensorsWriter L2lSafetensorsWriter;
typedef struct _L2lSafetensors L2lSafetensors;

L2lSafetensorsWriter *l2l_safetensors_writer_new          (void);
void                  l2l_safetensors_writer_add_metadata (L2lSafetensorsWriter *writer,
                                                           const char           *key,
                                                           const char           *value);
/* @data is read at write time; @dims holds @n_dims sizes (0 dims: a scalar). */
void                  l2l_safetensors_writer_add_tensor   (L2lSafetensorsWriter *writer,
                                                           const char           *name,
                                                           const float          *data,
                                                           guint                 n_dims,
                                                           const guint64        *dims);
/* Through a temporary name, renamed into place. */
gboolean              l2l_safetensors_writer_write        (L2lSafetensorsWriter *writer,
                                                           const char           *path,
                                                           GError              **error);
/* The whole file as bytes, for writing together with others. */
char                 *l2l_safetensors_writer_to_data      (L2lSafetensorsWriter *writer,
                                                           gsize                *length);
void                  l2l_safetensors_writer_free         (L2lSafetensorsWriter *writer);

/* Reads and validates the whole file: header length against the file size,
 * the JSON, every dtype, shape and offset. Errors name @path and the problem. */
L2lSafetensors       *l2l_safetensors_load                (const char  *path,
                                                           GError     **error);
const char           *l2l_safetensors_get_path            (const L2lSafetensors *file);
/* NULL when absent. */
const char           *l2l_safetensors_get_metadata        (const L2lSafetensors *file,
                                                           const char           *key);
/* Metadata keys, sorted, NULL-terminated; free with g_free (not the strings). */
const char          **l2l_safetensors_list_metadata       (const L2lSafetensors *file);
/* Tensor names in the order of their data, NULL-terminated; free with g_free
 * (not the strings). */
const char          **l2l_safetensors_list_tensors        (const L2lSafetensors *file);
/* The shape of tensor @name: returns its number of dimensions. */
guint                 l2l_safetensors_get_shape           (const L2lSafetensors *file,
                                                           const char           *name,
                                                           guint64              *dims);
gboolean              l2l_safetensors_has_tensor          (const L2lSafetensors *file,
                                                           const char           *name);
/* Whether tensor @name is in the file with the shape @dims: what to ask
 * before allocating for it, as the file bounds what a tensor of it holds. */
gboolean              l2l_safetensors_check_tensor        (const L2lSafetensors *file,
                                                           const char           *name,
                                                           guint                 n_dims,
                                                           const guint64        *dims,
                                                           GError              **error);
/* Copies tensor @name into @out, which must have the shape @dims and hold
 * only finite values. */
gboolean              l2l_safetensors_read_tensor         (const L2lSafetensors *file,
                                                           const char           *name,
                                                           float                *out,
                                                           guint                 n_dims,
                                                           const guint64        *dims,
                                                           GError              **error);
void                  l2l_safetensors_free                (L2lSafetensors *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lSafetensorsWriter, l2l_safetensors_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lSafetensors, l2l_safetensors_free)

G_END_DECLS
