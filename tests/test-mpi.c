/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"

/* The built l2l under mpirun (paths in $L2L_CLI and $L2L_MPIRUN), as a user
 * on one machine runs it: what ranks compute must be what one process
 * computes, and a failure must end the whole job cleanly. */

static char *dir;

/* The environment of the ranks. In the sanitizer build LeakSanitizer stays
 * off in them: MPI_Finalize unloads Open MPI's components, and what they keep
 * for the life of the process is then reported as leaks from unknown modules,
 * which no suppression can name. Every other check stays on, and the same
 * code runs leak-checked in test-cluster and in every test of l2l alone. */
static char **
rank_environment (void)
{
  g_auto(GStrv) env = g_get_environ ();
  const char *lsan = g_environ_getenv (env, "LSAN_OPTIONS");
  g_autofree char *options = g_strdup_printf ("%s%sdetect_leaks=0", lsan ? lsan : "",
                                              lsan ? ":" : "");

  return g_environ_setenv (g_steal_pointer (&env), "LSAN_OPTIONS", options, TRUE);
}

static void
add_mpirun (GPtrArray *argv,
            guint      ranks)   /* 1 to 3 */
{
  g_ptr_array_add (argv, (char *) g_getenv ("L2L_MPIRUN"));
  g_ptr_array_add (argv, "--allow-run-as-root");
  g_ptr_array_add (argv, "--oversubscribe");
  g_ptr_array_add (argv, "-np");
  g_ptr_array_add (argv, (char *) (ranks == 1 ? "1" : ranks == 2 ? "2" : "3"));
}

/* l2l @args alone (@ranks 0) or on @ranks ranks; the exit status. */
static int
run_l2l (guint               ranks,
         const char *const  *args,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *ignored = NULL;
  g_auto(GStrv) env = ranks > 0 ? rank_environment () : g_get_environ ();
  int wait_status;

  if (ranks > 0)
    add_mpirun (argv, ranks);
  g_ptr_array_add (argv, (char *) g_getenv ("L2L_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (dir, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                err ? err : &ignored, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

/* Each tensor's bytes by name, the metadata (which says when) aside. */
static GHashTable *
tensors_of (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GHashTable *tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_bytes_unref);
  gsize length;
  guint64 header;
  JsonObject *root;
  GList *names;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  memcpy (&header, contents, 8);
  g_assert_true (json_parser_load_from_data (parser, contents + 8, (gssize) header, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (root);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *offsets;

      if (g_str_equal (l->data, "__metadata__"))
        continue;
      offsets = json_object_get_array_member (json_object_get_object_member (root, l->data),
                                              "data_offsets");
      g_hash_table_insert (tensors, g_strdup (l->data),
                           g_bytes_new (contents + 8 + header +
                                          json_array_get_int_element (offsets, 0),
                                        json_array_get_int_element (offsets, 1) -
                                          json_array_get_int_element (offsets, 0)));
    }
  g_list_free (names);
  return tensors;
}

static void
assert_same_tensors (const char *a,
                     const char *b)
{
  g_autoptr(GHashTable) x = tensors_of (a), y = tensors_of (b);
  GHashTableIter iter;
  gpointer name, bytes;

  g_assert_cmpuint (g_hash_table_size (x), ==, g_hash_table_size (y));
  g_assert_cmpuint (g_hash_table_size (x), >, 0);
  g_hash_table_iter_init (&iter, x);
  while (g_hash_table_iter_next (&iter, &name, &bytes))
    {
      GBytes *other = g_hash_table_lookup (y, name);

      g_assert_nonnull (other);
      g_assert_true (g_bytes_equal (bytes, other));
    }
}

/* The issue's own check, and 3 ranks: the tensors of one process. */
static void
test_train (void)
{
  const char *alone[] = { "train", "--task", "quadratic", "--epochs", "50", "--out",
                          "a.safetensors", NULL };
  const char *two[] = { "train", "--task", "quadratic", "--epochs", "50", "--out",
                        "b.safetensors", NULL };
  const char *three[] = { "train", "--task", "quadratic", "--epochs", "50", "--threads", "1",
                          "--out", "c.safetensors", NULL };

  g_assert_cmpint (run_l2l (0, alone, NULL), ==, 0);
  g_assert_cmpint (run_l2l (2, two, NULL), ==, 0);
  g_assert_cmpint (run_l2l (3, three, NULL), ==, 0);
  assert_same_tensors ("a.safetensors", "b.safetensors");
  assert_same_tensors ("a.resume.safetensors", "b.resume.safetensors");
  assert_same_tensors ("a.safetensors", "c.safetensors");
}

/* 20 epochs on 2 ranks, resumed to 40 on 3: the 40 epochs of one process. */
static void
test_resume_other_ranks (void)
{
  const char *alone[] = { "train", "--epochs", "40", "--out", "whole.safetensors", NULL };
  const char *first[] = { "train", "--epochs", "20", "--out", "part.safetensors", NULL };
  const char *then[] = { "train", "--resume", "part.resume.safetensors", "--epochs", "40",
                         "--out", "resumed.safetensors", NULL };

  g_assert_cmpint (run_l2l (0, alone, NULL), ==, 0);
  g_assert_cmpint (run_l2l (2, first, NULL), ==, 0);
  g_assert_cmpint (run_l2l (3, then, NULL), ==, 0);
  assert_same_tensors ("whole.safetensors", "resumed.safetensors");
  assert_same_tensors ("whole.resume.safetensors", "resumed.resume.safetensors");
}

static char *
read_in_dir (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* The JSON without its wall times, which no two runs share. */
static char *
json_without_times (const char *name)
{
  g_autofree char *json = read_in_dir (name);
  g_auto(GStrv) lines = g_strsplit (json, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"seconds_per_step\"") == NULL)
      g_string_append_printf (out, "%s\n", lines[i]);
  return g_string_free (out, FALSE);
}

/* A tuned comparison with a learned optimizer, and a tuning search: rank 0
 * writes the files one process writes, the times aside. */
static void
test_compare_and_tune (void)
{
  const char *alone[] = { "compare", "--runs", "16", "--steps", "40", "--tune", "--tune-runs",
                          "4", "--optimizers", "sgd,adam,lstm:quadratic", "--csv", "a.csv",
                          "--json", "a.json", NULL };
  const char *ranks[] = { "compare", "--runs", "16", "--steps", "40", "--tune", "--tune-runs",
                          "4", "--optimizers", "sgd,adam,lstm:quadratic", "--csv", "b.csv",
                          "--json", "b.json", NULL };
  const char *tune_alone[] = { "tune", "--optimizers", "nag,rmsprop", "--tune-hyper",
                               "--tune-budget", "9", "--steps", "30", "--json", "t1.json", NULL };
  const char *tune_ranks[] = { "tune", "--optimizers", "nag,rmsprop", "--tune-hyper",
                               "--tune-budget", "9", "--steps", "30", "--json", "t3.json", NULL };
  g_autofree char *a = NULL, *b = NULL, *losses_a = NULL, *losses_b = NULL;
  g_autofree char *json_a = NULL, *json_b = NULL, *tune_a = NULL, *tune_b = NULL;

  g_assert_cmpint (run_l2l (0, alone, NULL), ==, 0);
  g_assert_cmpint (run_l2l (2, ranks, NULL), ==, 0);
  a = read_in_dir ("a.csv");
  b = read_in_dir ("b.csv");
  losses_a = test_util_csv_losses (a);
  losses_b = test_util_csv_losses (b);
  g_assert_cmpstr (losses_a, ==, losses_b);
  json_a = json_without_times ("a.json");
  json_b = json_without_times ("b.json");
  g_assert_cmpstr (json_a, ==, json_b);

  g_assert_cmpint (run_l2l (0, tune_alone, NULL), ==, 0);
  g_assert_cmpint (run_l2l (3, tune_ranks, NULL), ==, 0);
  tune_a = read_in_dir ("t1.json");
  tune_b = read_in_dir ("t3.json");
  g_assert_cmpstr (tune_a, ==, tune_b);
}

/* l2l's own lines on stderr (mpirun adds its account of the exit). */
static guint
l2l_lines (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_prefix (lines[i], "l2l ");
  return n;
}

/* Bad input on every rank: one message, exit 2. On one rank only: rank 0
 * says which and why, and no rank starts. */
static void
test_bad_input (void)
{
  const char *every[] = { "train", "--task", "nonsense", "--out", "x.safetensors", NULL };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL, *err_one = NULL, *out = NULL;
  g_auto(GStrv) env = rank_environment ();
  g_autoptr(GError) error = NULL;
  int wait_status;

  g_assert_cmpint (run_l2l (2, every, &err), ==, 2);
  g_test_message ("%s", err);
  g_assert_cmpuint (l2l_lines (err), ==, 1);
  g_assert_nonnull (strstr (err, "l2l train: --task: unknown task 'nonsense'"));

  /* MPMD: rank 0 is fine, rank 1 is given a task that does not exist */
  add_mpirun (argv, 1);
  g_ptr_array_add (argv, (char *) g_getenv ("L2L_CLI"));
  g_ptr_array_add (argv, "train");
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, "y.safetensors");
  g_ptr_array_add (argv, ":");
  g_ptr_array_add (argv, "-np");
  g_ptr_array_add (argv, "1");
  g_ptr_array_add (argv, (char *) g_getenv ("L2L_CLI"));
  g_ptr_array_add (argv, "train");
  g_ptr_array_add (argv, "--task");
  g_ptr_array_add (argv, "nonsense");
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, "y.safetensors");
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (dir, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err_one,
                &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err_one);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  g_assert_cmpuint (l2l_lines (err_one), ==, 1);
  g_assert_nonnull (strstr (err_one, "l2l train: rank 1 of 2: --task: unknown task"));
  {
    g_autofree char *y = g_build_filename (dir, "y.safetensors", NULL);
    g_assert_false (g_file_test (y, G_FILE_TEST_EXISTS));
  }
}

/* The process of rank @rank whose environment carries @mark, or 0. */
static pid_t
find_rank (const char *mark,
           guint       rank)
{
  g_autofree char *want = g_strdup_printf ("OMPI_COMM_WORLD_RANK=%u", rank);
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  pid_t found = 0;

  while (proc != NULL && found == 0 && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "environ", NULL);
      g_autofree char *environ_ = NULL;
      gsize length;
      gboolean marked = FALSE, ranked = FALSE;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &environ_, &length, NULL))
        continue;
      for (gsize at = 0; at < length; at += strlen (environ_ + at) + 1)
        {
          marked |= g_str_equal (environ_ + at, mark);
          ranked |= g_str_equal (environ_ + at, want);
        }
      if (marked && ranked)
        found = (pid_t) g_ascii_strtoll (name, NULL, 10);
    }
  if (proc != NULL)
    g_dir_close (proc);
  return found;
}

/* A rank killed mid-training ends the job; what is on disk is whole: the
 * best optimizer and the resume file of the last evaluation load, and no
 * temporary is left. */
static void
test_killed_rank (void)
{
  g_autofree char *mark = g_strdup_printf ("L2L_TEST_MARK=%d", (int) getpid ());
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_environ_setenv (rank_environment (), "L2L_TEST_MARK",
                                        mark + strlen ("L2L_TEST_MARK="), TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *resume = g_build_filename (dir, "k.resume.safetensors", NULL);
  const char *info[] = { "info", "k.resume.safetensors", NULL };
  const char *info_best[] = { "info", "k.safetensors", NULL };
  GPid mpirun;
  int out_fd, err_fd;
  pid_t victim = 0;
  int wait_status;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GDir *listing;
  const char *name;

  add_mpirun (argv, 2);
  g_ptr_array_add (argv, (char *) g_getenv ("L2L_CLI"));
  g_ptr_array_add (argv, "train");
  g_ptr_array_add (argv, "--epochs");
  g_ptr_array_add (argv, "1000000");
  g_ptr_array_add (argv, "--eval-every");
  g_ptr_array_add (argv, "2");
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, "k.safetensors");
  g_ptr_array_add (argv, NULL);
  /* its few lines wait in the pipes */
  g_spawn_async_with_pipes (dir, (char **) argv->pdata, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                            NULL, &mpirun, NULL, &out_fd, &err_fd, &error);
  g_assert_no_error (error);
  /* mid-training: after some evaluations have been saved */
  while (!g_file_test (resume, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_usleep (300000);
  while ((victim = find_rank (mark, 1)) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_assert_cmpint (victim, >, 0);
  g_assert_cmpint (kill (victim, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (mpirun, &wait_status, 0), ==, mpirun);
  g_spawn_close_pid (mpirun);
  close (out_fd);
  close (err_fd);
  g_assert_false (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);

  g_assert_cmpint (run_l2l (0, info, NULL), ==, 0);
  g_assert_cmpint (run_l2l (0, info_best, NULL), ==, 0);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "k") || g_str_has_prefix (name, ".k"))
      g_assert_true (g_str_equal (name, "k.safetensors") ||
                     g_str_equal (name, "k.resume.safetensors") ||
                     /* rank 0's lock, held no more: the next training on k
                      * takes it and removes it; no temporary stays */
                     g_str_equal (name, ".k.safetensors.l2l-lock"));
  g_dir_close (listing);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = test_util_make_tmpdir ();
  g_test_add_func ("/mpi/train", test_train);
  g_test_add_func ("/mpi/resume-other-ranks", test_resume_other_ranks);
  g_test_add_func ("/mpi/compare-and-tune", test_compare_and_tune);
  g_test_add_func ("/mpi/bad-input", test_bad_input);
  g_test_add_func ("/mpi/killed-rank", test_killed_rank);
  status = g_test_run ();
  test_util_remove_tree (dir);
  g_free (dir);
  return status;
}
