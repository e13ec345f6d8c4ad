/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if L2L_HAVE_MPI
#include <mpi.h>
#endif

#include "l2l-cli-cluster.h"
#include "l2l-cli.h"

#define MESSAGE_BYTES 1024

static L2lCluster *cluster;   /* NULL: alone */
static gboolean agreed;
static guint64 exchanged_bytes;    /* by this rank's exchanges, for the summary */
static double exchange_seconds;
static char last_error[MESSAGE_BYTES];

void
l2l_cli_cluster_note_error (const char *message)
{
  g_strlcpy (last_error, message, sizeof last_error);
}

L2lCluster *
l2l_cli_cluster (void)
{
  return cluster;
}

gboolean
l2l_cli_is_root (void)
{
  return cluster == NULL || cluster->rank == 0;
}

#if L2L_HAVE_MPI

/* One MPI_Allgatherv where every count and displacement fits an int, as
 * they do but for the largest comparisons; else rank q's bytes to everyone,
 * q by q, in pieces an int can count. */
#define PIECE_BYTES ((gsize) 1 << 30)

static void
mpi_allgather (L2lCluster  *self,
               void        *buffer,
               const gsize *displs,
               const gsize *counts)
{
  double start = MPI_Wtime ();
  g_autofree int *int_displs = g_new (int, self->size), *int_counts = g_new (int, self->size);
  gboolean fits = TRUE;

  for (guint q = 0; q < self->size; q++)
    {
      fits &= displs[q] + counts[q] <= G_MAXINT;
      int_displs[q] = (int) MIN (displs[q], (gsize) G_MAXINT);
      int_counts[q] = (int) MIN (counts[q], (gsize) G_MAXINT);
      exchanged_bytes += counts[q];
    }
  if (fits)
    MPI_Allgatherv (MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buffer, int_counts, int_displs,
                    MPI_BYTE, MPI_COMM_WORLD);
  else
    for (guint q = 0; q < self->size; q++)
      for (gsize done = 0; done < counts[q]; done += PIECE_BYTES)
        MPI_Bcast ((guint8 *) buffer + displs[q] + done,
                   (int) MIN (PIECE_BYTES, counts[q] - done), MPI_BYTE, (int) q, MPI_COMM_WORLD);
  /* waiting for the slowest rank counts too: it is what sharing costs */
  exchange_seconds += MPI_Wtime () - start;
}

static const L2lClusterClass mpi_cluster_class = { mpi_allgather };
static L2lCluster mpi_cluster;

/* Started by a launcher: Open MPI's mpirun, or a PMI/PMIx one such as srun. */
static gboolean
launched (void)
{
  return g_getenv ("OMPI_COMM_WORLD_SIZE") != NULL || g_getenv ("PMIX_RANK") != NULL ||
         g_getenv ("PMI_RANK") != NULL || g_getenv ("PMI_SIZE") != NULL;
}

void
l2l_cli_cluster_init (int    *argc,
                      char ***argv)
{
  int provided, rank, size;

  if (!launched ())
    return;
  /* the job thread exchanges, the main thread agrees: never at once */
  MPI_Init_thread (argc, argv, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED)
    {
      fprintf (stderr, "l2l: this MPI library cannot be called from more than one thread\n");
      MPI_Abort (MPI_COMM_WORLD, L2L_EXIT_FAILURE);
    }
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &size);
  mpi_cluster = (L2lCluster) { &mpi_cluster_class, (guint) rank, (guint) size };
  cluster = &mpi_cluster;
}

void
l2l_cli_cluster_finish (void)
{
  if (cluster != NULL)
    MPI_Finalize ();
  cluster = NULL;
}

#else

void
l2l_cli_cluster_init (int    *argc,
                      char ***argv)
{
}

void
l2l_cli_cluster_finish (void)
{
}

#endif

char *
l2l_cli_cluster_describe (double wall_seconds)
{
  if (cluster == NULL || cluster->size <= 1)
    return NULL;
  return g_strdup_printf ("Shared by %u ranks: the exchanges gathered %.1f MB of results on "
                          "every rank; rank 0 spent %.2f s in them (%.1f %% of its wall time, "
                          "waiting for the others included)",
                          cluster->size, exchanged_bytes / 1e6, exchange_seconds,
                          wall_seconds > 0.0 ? 100.0 * exchange_seconds / wall_seconds : 0.0);
}

guint
l2l_cli_default_threads (void)
{
  const char *local = g_getenv ("OMPI_COMM_WORLD_LOCAL_SIZE");
  guint ranks_here = 1;

  if (local == NULL)
    local = g_getenv ("SLURM_NTASKS_PER_NODE");
  if (cluster != NULL && local != NULL)
    ranks_here = (guint) CLAMP (g_ascii_strtoull (local, NULL, 10), 1, G_MAXUINT);
  return MAX (1, MIN (g_get_num_processors (), L2L_MAX_THREADS) / ranks_here);
}

typedef struct {
  gint32 status;
  char   message[MESSAGE_BYTES];
} Verdict;

int
l2l_cli_cluster_agree (const char *subcommand,
                       int         status)
{
  g_autofree Verdict *verdicts = NULL;
  guint failed = G_MAXUINT, n_failed = 0;

  if (cluster == NULL || cluster->size <= 1 || agreed)
    return status;
  agreed = TRUE;
  verdicts = g_new0 (Verdict, cluster->size);
  verdicts[cluster->rank].status = status;
  if (status != 0)
    g_strlcpy (verdicts[cluster->rank].message, last_error, MESSAGE_BYTES);
  l2l_cluster_gather_equal (cluster, verdicts, cluster->size, 0, sizeof (Verdict));
  for (guint r = 0; r < cluster->size; r++)
    if (verdicts[r].status != 0)
      {
        failed = MIN (failed, r);
        n_failed++;
      }
  if (n_failed == 0)
    return 0;
  /* rank 0 has said what it saw; another rank's failure it says for it */
  if (cluster->rank == 0 && failed != 0)
    fprintf (stderr, "l2l %s: rank %u of %u: %s\n", subcommand, failed, cluster->size,
             verdicts[failed].message);
  return verdicts[failed].status;
}
