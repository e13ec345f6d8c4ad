/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Processes that share one job (ARCHITECTURE §8): each rank takes a fixed
 * share of a job's numbered items — training shards, chunks of runs, tuning
 * configurations — and the items' results are exchanged so that every rank
 * holds all of them and reduces them in item order, as one process does; so
 * the results are the same bits for any number of ranks. The engine knows no
 * MPI: a front end supplies the exchange (the CLI's is MPI_Allgatherv). A
 * NULL cluster is one process. Every rank must make the same calls in the
 * same order, from one thread at a time. */
typedef struct _L2lCluster L2lCluster;

typedef struct {
  /* Rank r has filled @counts[r] bytes at @buffer + @displs[r]; on return
   * every rank holds every rank's bytes. A failed exchange ends the whole
   * job: it cannot be recovered from inside one rank. */
  void (*allgather) (L2lCluster  *cluster,
                     void        *buffer,
                     const gsize *displs,
                     const gsize *counts);
} L2lClusterClass;

struct _L2lCluster {
  const L2lClusterClass *klass;
  guint                  rank;
  guint                  size;
};

/* The items [*first, *last) of @n_items that @cluster's rank takes: block
 * (rank + @offset) mod size of size contiguous blocks. Different offsets
 * for different jobs spread jobs of one item over the ranks. */
void     l2l_cluster_share        (const L2lCluster *cluster,
                                   guint             n_items,
                                   guint             offset,
                                   guint            *first,
                                   guint            *last);

/* Exchanges the results of @n_items items shared with @offset, item i at
 * bytes [bounds[i], bounds[i + 1]) of @base (@bounds: n_items + 1 entries),
 * each rank having filled its own items'. Nothing for NULL or one rank. */
void     l2l_cluster_gather       (L2lCluster  *cluster,
                                   void        *base,
                                   guint        n_items,
                                   guint        offset,
                                   const gsize *bounds);

/* The same for items of @item_bytes each. */
void     l2l_cluster_gather_equal (L2lCluster *cluster,
                                   void       *base,
                                   guint       n_items,
                                   guint       offset,
                                   gsize       item_bytes);

/* TRUE on every rank when @flag is TRUE on some rank: how ranks agree to
 * stop when one of them was cancelled. */
gboolean l2l_cluster_any          (L2lCluster *cluster,
                                   gboolean    flag);

G_END_DECLS
