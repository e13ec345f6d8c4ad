/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "fuzz-input.h"

/* Without libFuzzer: feeds every file named (or found in a folder named) to
 * the harness once, so that `meson test` replays the corpus and the crashes
 * found so far as regression tests. */
static void
replay (const char *path,
        guint      *count)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) folder = g_dir_open (path, 0, NULL);
      const char *name;

      while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          replay (child, count);
        }
      return;
    }
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  (*count)++;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  fuzz_input_init ();
  for (int i = 1; i < argc; i++)
    replay (argv[i], &count);
  printf ("1..1\nok 1 - %u inputs replayed\n", count);
  return count > 0 ? 0 : 1;
}
