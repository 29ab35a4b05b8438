/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The PIN that lets staff leave the check-in kiosk.  It is kept in the
 * `kiosk-pin` GSettings key as a salted SHA-256, never as the PIN, so that
 * reading the settings does not reveal it. */

#define EVG_KIOSK_PIN_MIN_LENGTH 4
#define EVG_KIOSK_PIN_MAX_LENGTH 8

gboolean evg_kiosk_pin_is_set   (void);
gboolean evg_kiosk_pin_is_valid (const char *pin);
gboolean evg_kiosk_pin_set      (const char *pin);
void     evg_kiosk_pin_clear    (void);
gboolean evg_kiosk_pin_check    (const char *pin);

G_END_DECLS
