/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How often one client address may do something: a bucket per address
 * that holds up to @per_hour tokens and fills at that many an hour.  Safe
 * to call from any thread.  Kept in memory only: a restart forgets it. */
typedef struct _EvgRateLimiter EvgRateLimiter;

EvgRateLimiter *evg_rate_limiter_new   (guint           per_hour);
void            evg_rate_limiter_free  (EvgRateLimiter *self);
gboolean        evg_rate_limiter_take  (EvgRateLimiter *self,
                                        const char     *key,
                                        gint64          now_us);
guint           evg_rate_limiter_size  (EvgRateLimiter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgRateLimiter, evg_rate_limiter_free)

G_END_DECLS
