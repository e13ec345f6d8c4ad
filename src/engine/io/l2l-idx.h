/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* IDX, the format of MNIST and Fashion-MNIST: two zero bytes, a type byte
 * (0x08 = unsigned byte, the only one read here), the number of dimensions,
 * each size as a big-endian 32-bit count, then the data. Files may be gzip
 * compressed (recognised by their magic bytes). */
#define L2L_IDX_MAX_DIMS 4

typedef struct {
  guint   n_dims;
  guint32 dims[L2L_IDX_MAX_DIMS];
  GBytes *data;          /* dims[0] × … bytes */
} L2lIdx;

/* @path names a file, or "resource://…" a GResource. Every error names it. */
L2lIdx *l2l_idx_load (const char  *path,
                      GError     **error);
void    l2l_idx_free (L2lIdx *idx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lIdx, l2l_idx_free)

G_END_DECLS
