/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Defines REF and UNREF for a struct Type counted by its gatomicrefcount
 * field `ref_count`: REF adds a reference and returns the struct, UNREF
 * takes NULL and calls FREE (Type *) when the last reference goes. Both are
 * spelled out so that a search for the functions finds where they are made. */
#define L2L_DEFINE_REF_FUNC(Type, REF)                          \
  Type *                                                        \
  REF (Type *self)                                              \
  {                                                             \
    g_atomic_ref_count_inc (&self->ref_count);                  \
    return self;                                                \
  }

#define L2L_DEFINE_REF_COUNTING(Type, REF, UNREF, FREE)         \
  L2L_DEFINE_REF_FUNC (Type, REF)                               \
                                                                \
  void                                                          \
  UNREF (Type *self)                                            \
  {                                                             \
    if (self != NULL && g_atomic_ref_count_dec (&self->ref_count)) \
      FREE (self);                                              \
  }

G_END_DECLS
