/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "l2l-engine.h"

static char *dir, *path;

static void
remove_input (void)
{
  g_unlink (path);
  g_rmdir (dir);
}

void
fuzz_input_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
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
fuzz_input_write (const uint8_t *data,
                  size_t         size)
{
  if (dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      dir = g_dir_make_tmp ("l2l-fuzz-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "input", NULL);
      atexit (remove_input);
    }
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  return path;
}
