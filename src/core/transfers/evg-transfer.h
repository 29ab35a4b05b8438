/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-schema.h"

G_BEGIN_DECLS

/**
 * evg_transfer_table:
 *
 * The transfer record type: see evg-schema.h and evg-transfer.c.
 */
extern const EvgTableSpec evg_transfer_table;

G_END_DECLS
