/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-error.h"

G_DEFINE_QUARK (l2l-engine-error-quark, l2l_engine_error)
