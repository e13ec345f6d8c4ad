/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-cluster.h"

/* Items [*first, *last) of block @block of @size. */
static void
block_items (guint  n_items,
             guint  block,
             guint  size,
             guint *first,
             guint *last)
{
  *first = (guint) ((guint64) n_items * block / size);
  *last = (guint) ((guint64) n_items * (block + 1) / size);
}

void
l2l_cluster_share (const L2lCluster *cluster,
                   guint             n_items,
                   guint             offset,
                   guint            *first,
                   guint            *last)
{
  if (cluster == NULL || cluster->size <= 1)
    {
      *first = 0;
      *last = n_items;
      return;
    }
  block_items (n_items, (cluster->rank + offset) % cluster->size, cluster->size, first, last);
}

void
l2l_cluster_gather (L2lCluster  *cluster,
                    void        *base,
                    guint        n_items,
                    guint        offset,
                    const gsize *bounds)
{
  g_autofree gsize *displs = NULL, *counts = NULL;

  if (cluster == NULL || cluster->size <= 1)
    return;
  displs = g_new (gsize, cluster->size);
  counts = g_new (gsize, cluster->size);
  for (guint r = 0; r < cluster->size; r++)
    {
      guint first, last;

      block_items (n_items, (r + offset) % cluster->size, cluster->size, &first, &last);
      displs[r] = bounds[first];
      counts[r] = bounds[last] - bounds[first];
    }
  cluster->klass->allgather (cluster, base, displs, counts);
}

void
l2l_cluster_gather_equal (L2lCluster *cluster,
                          void       *base,
                          guint       n_items,
                          guint       offset,
                          gsize       item_bytes)
{
  g_autofree gsize *bounds = NULL;

  if (cluster == NULL || cluster->size <= 1)
    return;
  bounds = g_new (gsize, n_items + 1);
  for (guint i = 0; i <= n_items; i++)
    bounds[i] = i * item_bytes;
  l2l_cluster_gather (cluster, base, n_items, offset, bounds);
}

gboolean
l2l_cluster_any (L2lCluster *cluster,
                 gboolean    flag)
{
  g_autofree guint8 *flags = NULL;
  gboolean any = FALSE;

  if (cluster == NULL || cluster->size <= 1)
    return flag;
  /* one item per rank, rank r's own */
  flags = g_new0 (guint8, cluster->size);
  flags[cluster->rank] = flag ? 1 : 0;
  l2l_cluster_gather_equal (cluster, flags, cluster->size, 0, 1);
  for (guint r = 0; r < cluster->size; r++)
    any |= flags[r] != 0;
  return any;
}
