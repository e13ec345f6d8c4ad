/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <glib.h>

/* A harness that meets a GLib critical ends with SIGABRT, which libFuzzer
 * catches and saves as a reproducer (it does not catch the SIGTRAP of
 * GLib's own fatal logs, which lost finding 1 of issue 24); an input
 * without one passes. Runs the self-test harness's replay build. */
static int
replay (const char *input)
{
  g_autofree char *seed = g_build_filename (g_getenv ("FUZZ_CORPUS"), input, NULL);
  const char *argv[] = { g_getenv ("FUZZ_SELFTEST"), seed, NULL };
  g_autoptr(GError) error = NULL;
  int wait_status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &wait_status, &error);
  g_assert_no_error (error);
  return wait_status;
}

static void
test_critical_aborts (void)
{
  int wait_status = replay ("critical");

  g_assert_true (WIFSIGNALED (wait_status));
  g_assert_cmpint (WTERMSIG (wait_status), ==, SIGABRT);
  wait_status = replay ("fine");
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fuzz/selftest", test_critical_aborts);
  return g_test_run ();
}
