/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <locale.h>

#include "l2l-cli-cluster.h"
#include "l2l-cli.h"

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  l2l_cli_cluster_init (&argc, &argv);
  status = l2l_cli_main (argc, argv);
  l2l_cli_cluster_finish ();
  return status;
}
