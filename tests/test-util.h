/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much longer a prompt reaction (a stop, a close) may take in this build:
 * the sanitizers slow every step about twentyfold, and CI runs their suite
 * two tests at a time. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_UTIL_TIME_SCALE 4.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_UTIL_TIME_SCALE 4.0
#endif
#endif
#ifndef TEST_UTIL_TIME_SCALE
#define TEST_UTIL_TIME_SCALE 1.0
#endif

/* A fresh folder under the system's temporary folder, removed by the caller
 * with test_util_remove_tree (). */
char    *test_util_make_tmpdir   (void);
void     test_util_remove_tree   (const char *path);
/* Writes @contents to @dir/@name and returns the path. */
char    *test_util_write_file    (const char *dir,
                                  const char *name,
                                  const char *contents);
/* Number of entries in @dir, to prove that nothing (not even a temporary) was left. */
guint    test_util_count_entries (const char *dir);
/* The largest |a − b| / max (1, |b|) over @n values: a fast kernel's result
 * @a against its reference @b. */
double   test_util_max_rel_diff  (const float *a,
                                  const float *b,
                                  gsize        n);

/* A compare CSV without its last column (seconds, which differ run to run):
 * what must be the same bits for the same seed. */
char    *test_util_csv_losses    (const char *csv);
/* CIFAR-10 batch @index (0–4 data_batch_N.bin, 5 test_batch.bin) of @records
 * records in @dir: record r's label is (index + r) % 10, or 10 (bad) at
 * @bad_label_at, and its pixel p is (index · 31 + r · 7 + p) % 256. */
void     test_util_write_cifar_batch (const char *dir,
                                      guint       index,
                                      guint       records,
                                      int         bad_label_at);

G_END_DECLS
