/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rule.h"

G_BEGIN_DECLS

/* How front ends name a learned optimizer: "ARCH:FILE" or "ARCH:NAME" of a
 * pretrained one, ARCH its architecture — "lstm:mnist", "mlp:runs/m.safetensors".
 * A pretrained optimizer of the paper's LSTM ships as NAME.safetensors, one
 * of another architecture as NAME.ARCH.safetensors, so "lstm:mnist" and
 * "mlp:mnist" can both exist. */

/* The architecture @spec begins with ("mlp:"), and in @rest what follows;
 * NULL where it begins with none. */
const L2lRuleArch *l2l_rule_spec_arch     (const char  *spec,
                                           const char **rest);
/* The file @spec names: a file when one exists, else the pretrained one.
 * Errors (INVALID_OPTION) name the spec and list what ships. */
char              *l2l_rule_spec_resolve  (const char  *spec,
                                           GError     **error);
/* Loads what @spec names and checks that it is of the architecture the spec
 * says: "mlp:x.safetensors" holding an LSTM is refused. */
L2lRule           *l2l_rule_spec_load     (const char  *spec,
                                           GError     **error);
/* The spec a front end shows for a pretrained @name (from
 * l2l_pretrained_list): "mnist" → "lstm:mnist", "mnist.mlp" → "mlp:mnist". */
char              *l2l_rule_spec_of_pretrained (const char *name);
/* The label of a loaded @rule from @path: "ARCH:BASENAME", without
 * ".safetensors". */
char              *l2l_rule_spec_label    (const L2lRule *rule,
                                           const char    *path);

G_END_DECLS
