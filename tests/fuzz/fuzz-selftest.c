/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz-input.h"

/* Not a loader: the check that a harness that meets a GLib critical ends
 * with abort (), which libFuzzer catches and saves as a reproducer
 * (scripts/run-fuzz feeds it its corpus's "critical" and looks for the
 * file; /fuzz/selftest looks for SIGABRT). Any other input passes. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size >= 8 && memcmp (data, "critical", 8) == 0)
    g_return_val_if_reached (0);
  return 0;
}
