/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <locale.h>

#include "l2l-cli.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  return l2l_cli_main (argc, argv);
}
