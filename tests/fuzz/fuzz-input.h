/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The loaders take paths, so each input goes through a real file: one in a
 * private temporary folder (never a system path), rewritten per input. */
const char *fuzz_input_write (const uint8_t *data,
                              size_t         size);
/* That private folder, for harnesses whose loader reads a folder. */
const char *fuzz_input_dir   (void);

/* Criticals and warnings are findings, as under G_DEBUG=fatal-criticals,
 * and end the process with abort (), which libFuzzer catches and saves;
 * OpenBLAS keeps to one thread. libFuzzer calls it through
 * LLVMFuzzerInitialize, the replay driver directly. */
void        fuzz_input_init  (void);

int         LLVMFuzzerInitialize   (int       *argc,
                                    char    ***argv);
int         LLVMFuzzerTestOneInput (const uint8_t *data,
                                    size_t         size);

G_END_DECLS
