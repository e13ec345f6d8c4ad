/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The ranks `l2l` shares its job with when mpirun or srun started it (and the
 * build found MPI); otherwise this process alone. Rank 0 alone prints and
 * writes files; `train`, `compare` and `tune` share their work, the other
 * subcommands run on rank 0. */

/* MPI_Init when a launcher started this process; before anything else. */
void        l2l_cli_cluster_init     (int    *argc,
                                      char ***argv);
void        l2l_cli_cluster_finish   (void);

/* NULL when alone. */
L2lCluster *l2l_cli_cluster          (void);
/* Rank 0, or alone: the process that prints and writes. */
gboolean    l2l_cli_is_root          (void);
/* Threads when --threads is not given: the cores shared among the ranks on
 * this machine. */
guint       l2l_cli_default_threads  (void);

/* "Shared by N ranks: …": the bytes the exchanges gathered and the time
 * this rank spent in them, against @wall_seconds; NULL when alone. */
char       *l2l_cli_cluster_describe (double wall_seconds);

/* Every rank once, before its job or where it gives up: every rank learns
 * whether any failed and returns the status of the lowest that did, rank 0
 * printing its message ("rank R: …", the message l2l_cli_error last had)
 * when that was another rank; 0 when none failed. Alone: @status. */
int         l2l_cli_cluster_agree    (const char *subcommand,
                                      int         status);

/* l2l_cli_error's last message, for the agreement. */
void        l2l_cli_cluster_note_error (const char *message);

G_END_DECLS
