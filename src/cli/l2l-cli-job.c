/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>

#include "l2l-cli-job.h"

typedef struct {
  L2lCliJobFunc  func;
  gpointer       data;
  GCancellable  *cancellable;
  GMainLoop     *loop;
  gboolean       ok;
  GError        *error;
} Job;

/* Ctrl-C before a job starts (while a data set loads, say) is remembered and
 * stops the job at once, so that it ends as an interrupt always does. */
static volatile sig_atomic_t interrupted_early;

static void
remember_interrupt (int signum)
{
  interrupted_early = 1;
}

void
l2l_cli_catch_interrupts (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = remember_interrupt;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

static gboolean
quit_loop (gpointer user_data)
{
  Job *job = user_data;

  g_main_loop_quit (job->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
job_thread (gpointer user_data)
{
  Job *job = user_data;

  job->ok = job->func (job->data, job->cancellable, &job->error);
  g_idle_add (quit_loop, job);
  return NULL;
}

static gboolean
on_signal (gpointer user_data)
{
  Job *job = user_data;

  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_CONTINUE;
}

gboolean
l2l_cli_run_job (L2lCliJobFunc   func,
                 gpointer        data,
                 GError        **error)
{
  Job job = { func, data, g_cancellable_new (), g_main_loop_new (NULL, FALSE), FALSE, NULL };
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &job);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &job);
  GThread *thread;

  /* After GLib's handlers are in place, so that no signal falls between. */
  if (interrupted_early)
    g_cancellable_cancel (job.cancellable);
  thread = g_thread_new ("l2l-job", job_thread, &job);

  g_main_loop_run (job.loop);
  g_thread_join (thread);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (job.loop);
  g_object_unref (job.cancellable);

  if (!job.ok)
    g_propagate_error (error, job.error);
  return job.ok;
}
