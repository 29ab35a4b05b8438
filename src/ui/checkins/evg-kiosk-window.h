/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"
#include "evg-kiosk-pin.h"

G_BEGIN_DECLS

/* The check-in kiosk at a whistle's site: full screen, one search field;
 * a member types a few letters of their name or scans their card and is
 * checked in, or out, with a big confirmation.  Leaving it needs the PIN
 * of evg-kiosk-pin.h; offer it only when evg_kiosk_pin_is_set(). */

#define EVG_TYPE_KIOSK_WINDOW (evg_kiosk_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgKioskWindow, evg_kiosk_window, EVG, KIOSK_WINDOW, AdwApplicationWindow)

EvgKioskWindow *evg_kiosk_window_new               (GtkApplication *app,
                                                    EvgContext     *context,
                                                    const char     *whistle_id);
const char     *evg_kiosk_window_get_whistle_id    (EvgKioskWindow *self);
const char     *evg_kiosk_window_get_message       (EvgKioskWindow *self);
gboolean        evg_kiosk_window_get_message_is_error (EvgKioskWindow *self);

G_END_DECLS
