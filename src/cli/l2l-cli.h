/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses (ARCHITECTURE §6). */
enum {
  L2L_EXIT_OK = 0,
  L2L_EXIT_FAILURE = 1,     /* runtime failure, e.g. I/O */
  L2L_EXIT_USAGE = 2,       /* bad usage or bad input */
  L2L_EXIT_INTERRUPTED = 130,
};

int  l2l_cli_main         (int argc, char *argv[]);

/* Subcommands: argv[0] is the subcommand's name. */
int  l2l_cli_compare      (int argc, char *argv[]);
int  l2l_cli_tune         (int argc, char *argv[]);
int  l2l_cli_train        (int argc, char *argv[]);
int  l2l_cli_art          (int argc, char *argv[]);
int  l2l_cli_info         (int argc, char *argv[]);
int  l2l_cli_optimizers   (int argc, char *argv[]);
int  l2l_cli_paths        (int argc, char *argv[]);
int  l2l_cli_probe        (int argc, char *argv[]);

/* One line on stderr: "l2l SUBCOMMAND: MESSAGE". */
void l2l_cli_error        (const char *subcommand,
                           const char *format,
                           ...) G_GNUC_PRINTF (2, 3);

/* One line for an error: its message, and its hint in brackets where the
 * engine gives one (how to get a missing data set). */
void l2l_cli_report       (const char   *subcommand,
                           const GError *error);

/* The engine names the setting an error is about as users know it; here it
 * is a flag: the message becomes "--FIELD: DETAIL". An error without a field
 * keeps its message. */
void l2l_cli_name_flag    (GError       *error);

/* Maps an engine error to an exit status and prints it. */
int  l2l_cli_fail         (const char   *subcommand,
                           const GError *error);

G_END_DECLS
