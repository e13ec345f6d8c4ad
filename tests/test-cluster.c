/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-training.h"
#include "test-util.h"

/* The engine's side of MPI without MPI: ranks are threads of this process,
 * each with its own trainer or comparison, and the exchange copies between
 * their buffers. Whatever the ranks compute must be the bits one process
 * computes (tests/test-mpi.c does the same through mpirun). */

typedef struct {
  GMutex        lock;
  GCond         cond;
  guint         size;
  guint         arrived;
  guint         generation;
  void        **buffers;     /* [size]: each rank's buffer of the exchange under way */
} Exchange;

typedef struct {
  L2lCluster  base;
  Exchange   *exchange;
} ThreadRank;

static void
barrier (Exchange *exchange)
{
  guint generation;

  g_mutex_lock (&exchange->lock);
  generation = exchange->generation;
  if (++exchange->arrived == exchange->size)
    {
      exchange->arrived = 0;
      exchange->generation++;
      g_cond_broadcast (&exchange->cond);
    }
  else
    while (generation == exchange->generation)
      g_cond_wait (&exchange->cond, &exchange->lock);
  g_mutex_unlock (&exchange->lock);
}

static void
thread_allgather (L2lCluster  *cluster,
                  void        *buffer,
                  const gsize *displs,
                  const gsize *counts)
{
  Exchange *exchange = ((ThreadRank *) cluster)->exchange;

  exchange->buffers[cluster->rank] = buffer;
  barrier (exchange);
  for (guint q = 0; q < cluster->size; q++)
    if (q != cluster->rank)
      memcpy ((guint8 *) buffer + displs[q], (const guint8 *) exchange->buffers[q] + displs[q],
              counts[q]);
  /* nobody changes its buffer before everyone has read from it */
  barrier (exchange);
}

static const L2lClusterClass thread_cluster_class = { thread_allgather };

/* Runs @func (rank, user_data) on @size threads, one a rank, and waits. */
typedef void (*RankFunc) (ThreadRank *rank, gpointer user_data);

typedef struct {
  ThreadRank  rank;
  RankFunc    func;
  gpointer    user_data;
} RankThread;

static gpointer
rank_main (gpointer data)
{
  RankThread *thread = data;

  thread->func (&thread->rank, thread->user_data);
  return NULL;
}

static void
run_ranks (guint     size,
           RankFunc  func,
           gpointer  user_data)
{
  Exchange exchange = { .size = size, .buffers = g_new0 (void *, size) };
  g_autofree RankThread *ranks = g_new0 (RankThread, size);
  g_autofree GThread **threads = g_new0 (GThread *, size);

  g_mutex_init (&exchange.lock);
  g_cond_init (&exchange.cond);
  for (guint r = 0; r < size; r++)
    {
      ranks[r] = (RankThread) { { { &thread_cluster_class, r, size }, &exchange }, func, user_data };
      threads[r] = g_thread_new ("rank", rank_main, &ranks[r]);
    }
  for (guint r = 0; r < size; r++)
    g_thread_join (threads[r]);
  g_mutex_clear (&exchange.lock);
  g_cond_clear (&exchange.cond);
  g_free (exchange.buffers);
}

/* Shares cover the items once, in rank order of their blocks. */
static void
test_share (void)
{
  for (guint size = 1; size <= 5; size++)
    for (guint n = 0; n <= 7; n++)
      for (guint offset = 0; offset < 3; offset++)
        {
          g_autofree guint *owner = g_new0 (guint, n + 1);

          for (guint rank = 0; rank < size; rank++)
            {
              L2lCluster cluster = { &thread_cluster_class, rank, size };
              guint first, last;

              l2l_cluster_share (&cluster, n, offset, &first, &last);
              g_assert_cmpuint (first, <=, last);
              g_assert_cmpuint (last, <=, n);
              for (guint i = first; i < last; i++)
                owner[i]++;
            }
          for (guint i = 0; i < n; i++)
            g_assert_cmpuint (owner[i], ==, 1);
        }
}

/* Meta-training. */

typedef struct {
  L2lTrainConfig  config;
  L2lTrainer    **trainers;   /* [size] */
  guint           cancel_rank;  /* G_MAXUINT: none */
  gboolean       *finished;   /* [size] */
} Training;

static void
cancel_after_first_epoch (L2lTrainer             *trainer,
                          const L2lTrainProgress *progress,
                          gpointer                user_data)
{
  if (progress->record->epoch == 1)
    g_cancellable_cancel (user_data);
}

static void
train_rank (ThreadRank *rank,
            gpointer    user_data)
{
  Training *training = user_data;
  const guint r = rank->base.rank;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean mine = r == training->cancel_rank;
  L2lTrainer *trainer = l2l_trainer_new (&training->config, NULL);

  g_assert_nonnull (trainer);
  l2l_trainer_set_cluster (trainer, &rank->base);
  training->finished[r] = l2l_trainer_run (trainer, mine ? cancel_after_first_epoch : NULL,
                                           cancellable, cancellable, NULL);
  training->trainers[r] = trainer;
}

/* 2 and 3 ranks give every rank the φ, the curve and the best of one process. */
static void
check_ranks_do_not_matter (const L2lTrainConfig *config)
{
  g_autoptr(L2lTrainer) alone = l2l_trainer_new (config, NULL);

  g_assert_true (l2l_trainer_run (alone, NULL, NULL, NULL, NULL));
  for (guint size = 2; size <= 3; size++)
    {
      Training training = { *config, g_new0 (L2lTrainer *, size), G_MAXUINT,
                            g_new0 (gboolean, size) };

      run_ranks (size, train_rank, &training);
      for (guint r = 0; r < size; r++)
        {
          g_assert_true (training.finished[r]);
          test_training_assert_same (alone, training.trainers[r]);
          l2l_trainer_free (training.trainers[r]);
        }
      g_free (training.trainers);
      g_free (training.finished);
    }
}

static void
test_train_quadratic (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  L2lTrainConfig config = test_training_small_config (task);

  check_ranks_do_not_matter (&config);
  /* more ranks than shards: some ranks have none */
  config.batch = 2;
  check_ranks_do_not_matter (&config);
}

/* MNIST evaluations run in several chunks of runs, which ranks share too. */
static void
test_train_mnist (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:batch=16", NULL);
  L2lTrainConfig config = test_training_mnist_config (task);

  config.threads = 2;
  check_ranks_do_not_matter (&config);
}

/* Stop on one rank stops every rank at the same unroll, with φ as it was at
 * the epoch's start, and nobody waits for an exchange that never comes. */
static void
test_cancel_one_rank (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  Training training = { test_training_small_config (task), g_new0 (L2lTrainer *, 3), 1,
                        g_new0 (gboolean, 3) };

  training.config.eval_every = 1;
  run_ranks (3, train_rank, &training);
  for (guint r = 0; r < 3; r++)
    {
      g_assert_false (training.finished[r]);
      g_assert_cmpuint (l2l_trainer_get_epoch (training.trainers[r]), ==, 1);
      test_training_assert_same (training.trainers[0], training.trainers[r]);
    }
  for (guint r = 0; r < 3; r++)
    l2l_trainer_free (training.trainers[r]);
  g_free (training.trainers);
  g_free (training.finished);
}

/* Comparisons and tuning. */

typedef struct {
  const char         *spec;
  const char         *optimizers;
  guint               runs;
  guint               steps;
  guint               budget;
  L2lCompareResult  **results;   /* [size] */
} Comparison;

/* The last progress event of a rank: its share done, of its share. */
typedef struct {
  guint64 done;
  guint64 total;
} Progress;

static void
on_progress (const L2lCompareProgress *event,
             gpointer                  user_data)
{
  Progress *progress = user_data;

  progress->done = event->done;
  progress->total = event->total;
}

static L2lCompareResult *
compare (const Comparison *comparison,
         L2lCluster       *cluster)
{
  Progress progress = { 0, 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_strsplit (comparison->optimizers, ",", -1);
  L2lCompareConfig config;
  L2lCompareResult *result;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec (comparison->spec, &error);
  g_assert_no_error (error);
  config.n_optimizers = g_strv_length (names);
  config.optimizers = g_new0 (L2lOptimizerSpec, config.n_optimizers);
  for (guint i = 0; i < config.n_optimizers; i++)
    {
      if (g_str_has_prefix (names[i], "lstm:"))
        {
          g_autofree char *path = l2l_pretrained_resolve (names[i] + 5, &error);
          g_autoptr(L2lRule) net = NULL;

          g_assert_no_error (error);
          net = l2l_checkpoint_load (path, &error);
          g_assert_no_error (error);
          l2l_optimizer_spec_init_learned (&config.optimizers[i], names[i], net);
          continue;
        }
      l2l_optimizer_spec_init (&config.optimizers[i], l2l_optimizer_info_lookup (names[i]));
      config.optimizers[i].tune = TRUE;
    }
  config.runs = comparison->runs;
  config.steps = comparison->steps;
  config.tune.runs = 3;
  config.tune.per_decade = 2;
  config.tune.hyper_budget = comparison->budget;
  config.threads = 2;
  config.cluster = cluster;
  result = l2l_compare_run (&config, on_progress, &progress, NULL, &error);
  g_assert_no_error (error);
  /* the bar of every rank ends full */
  g_assert_cmpuint (progress.total, >, 0);
  g_assert_cmpuint (progress.done, ==, progress.total);
  l2l_compare_config_clear (&config);
  l2l_task_unref (config.task);
  g_free (config.optimizers);
  return result;
}

static void
compare_rank (ThreadRank *rank,
              gpointer    user_data)
{
  Comparison *comparison = user_data;

  comparison->results[rank->base.rank] = compare (comparison, &rank->base);
}

/* Everything but the times: the same bits on every rank as alone. */
static void
assert_same_comparison (const L2lCompareResult *a,
                        const L2lCompareResult *b)
{
  const gsize cells = (gsize) a->runs * (a->steps + 1);

  g_assert_cmpuint (a->n_entries, ==, b->n_entries);
  for (guint i = 0; i < a->n_entries; i++)
    {
      const L2lCompareEntry *x = &a->entries[i], *y = &b->entries[i];

      g_assert_cmpmem (x->losses, cells * sizeof (double), y->losses, cells * sizeof (double));
      g_assert_cmpuint (x->diverged_runs, ==, y->diverged_runs);
      g_assert_cmpmem (&x->lr, sizeof (double), &y->lr, sizeof (double));
      g_assert_cmpmem (&x->hyper, sizeof (L2lHyper), &y->hyper, sizeof (L2lHyper));
      g_assert_cmpmem (x->stats.mean, (a->steps + 1) * sizeof (double),
                       y->stats.mean, (a->steps + 1) * sizeof (double));
      g_assert_cmpmem (x->final_ci95, sizeof x->final_ci95, y->final_ci95, sizeof y->final_ci95);
      g_assert_cmpmem (x->p_lower_than, a->n_entries * sizeof (double),
                       y->p_lower_than, a->n_entries * sizeof (double));
      g_assert_true ((x->tuning == NULL) == (y->tuning == NULL));
      if (x->tuning != NULL)
        g_assert_cmpmem (x->tuning->objective, x->tuning->n_grid * sizeof (double),
                         y->tuning->objective, y->tuning->n_grid * sizeof (double));
      /* each rank's times are its own, but every run has them */
      for (gsize k = 0; k < cells; k++)
        g_assert_cmpfloat (y->seconds[k], >=, 0.0);
    }
}

static void
check_comparison (Comparison *comparison)
{
  g_autoptr(L2lCompareResult) alone = compare (comparison, NULL);

  for (guint size = 2; size <= 3; size++)
    {
      comparison->results = g_new0 (L2lCompareResult *, size);
      run_ranks (size, compare_rank, comparison);
      for (guint r = 0; r < size; r++)
        {
          assert_same_comparison (alone, comparison->results[r]);
          l2l_compare_result_free (comparison->results[r]);
        }
      g_free (comparison->results);
    }
}

static void
test_compare_quadratic (void)
{
  Comparison grid = { "quadratic", "sgd,adam,nag,lstm:quadratic", 12, 25, 0, NULL };
  Comparison search = { "quadratic", "rmsprop,nag", 12, 25, 7, NULL };

  check_comparison (&grid);
  check_comparison (&search);
}

/* MNIST runs come in chunks of 4: a comparison's runs are spread over ranks. */
static void
test_compare_mnist (void)
{
  Comparison comparison = { "mnist:batch=16", "sgd,adam", 10, 6, 0, NULL };

  check_comparison (&comparison);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/cluster/share", test_share);
  g_test_add_func ("/engine/cluster/train-quadratic", test_train_quadratic);
  g_test_add_func ("/engine/cluster/train-mnist", test_train_mnist);
  g_test_add_func ("/engine/cluster/cancel-one-rank", test_cancel_one_rank);
  g_test_add_func ("/engine/cluster/compare-quadratic", test_compare_quadratic);
  g_test_add_func ("/engine/cluster/compare-mnist", test_compare_mnist);
  return g_test_run ();
}
