/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "l2l-engine.h"

static char *dir, *path;

/* The folder and whatever a harness wrote in it. */
static void
remove_input (void)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (dir);
}

/* A critical or warning is written as usual, then ends the process with
 * abort (): GLib's own fatal logs stop on a breakpoint trap (SIGTRAP),
 * which libFuzzer does not catch, so it saved no reproducer for them. */
static GLogWriterOutput
abort_on_warnings (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  GLogWriterOutput written = g_log_writer_standard_streams (level, fields, n_fields, NULL);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return written;
}

void
fuzz_input_init (void)
{
  g_log_set_writer_func (abort_on_warnings, NULL, NULL);
  l2l_engine_init (1);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_input_init ();
  return 0;
}

const char *
fuzz_input_dir (void)
{
  if (dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      dir = g_dir_make_tmp ("l2l-fuzz-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "input", NULL);
      atexit (remove_input);
    }
  return dir;
}

const char *
fuzz_input_write (const uint8_t *data,
                  size_t         size)
{
  fuzz_input_dir ();
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  return path;
}
