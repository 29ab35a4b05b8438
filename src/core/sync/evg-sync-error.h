/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a person is told about a failed sync, and which failures are worth
 * trying again.  The codes themselves (EVG_SYNC_ERROR) are in
 * evg-sync-protocol.h, which the server shares. */

const char *evg_sync_error_get_hint     (const GError *error);
const char *evg_sync_error_get_settings_hint (const GError *error);
gboolean    evg_sync_error_is_transient (const GError *error);

G_END_DECLS
